-- When a row's request actually left for Telegram. A row is 'sending' from the moment the
-- sender claims it; it may then wait in the rate limiter for a while. Only rows whose request
-- has gone out can have reached the recipient, so only those are in doubt after a crash.
ALTER TABLE outbox ADD COLUMN dispatched_at TEXT;
