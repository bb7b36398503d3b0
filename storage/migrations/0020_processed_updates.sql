-- Updates already processed. Telegram may deliver one update twice (a webhook retried after
-- an answer was lost, a switch between webhook and polling); the second one is skipped.
-- Rows older than a day are pruned: duplicates come within minutes.
CREATE TABLE processed_updates (
    update_id     INTEGER PRIMARY KEY,
    processed_at  TEXT NOT NULL
);
CREATE INDEX processed_updates_at ON processed_updates(processed_at);
