-- What `bot.py status` reads besides the lease and the outbox: facts the running bot writes
-- (how it runs, when it started and stopped, the last backup), one row each, values JSON.
CREATE TABLE bot_status (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL,
    at     TEXT NOT NULL
);
