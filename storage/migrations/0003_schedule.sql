-- Schedule and reminders: reload requests from the CLI to the running bot.
-- Reminders themselves need no table: each one is an outbox row whose UNIQUE dedupe_key
-- (reminder:{session}:{offset}:{user_id}) makes "never twice" a database guarantee.
CREATE TABLE event_reloads (
    id            INTEGER PRIMARY KEY,
    requested_by  TEXT NOT NULL,              -- 'cli' or a Telegram user id
    requested_at  TEXT NOT NULL,
    done_at       TEXT,
    result        TEXT                        -- 'ok' or the error line
);
