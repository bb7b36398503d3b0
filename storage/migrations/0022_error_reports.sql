-- Unexpected errors, one row per distinct error (where, update type, exception type; never a
-- message text, which may quote a participant): how often, and when the admins were last
-- told, so that each error reaches them at most once an hour.
CREATE TABLE error_reports (
    fingerprint     TEXT PRIMARY KEY,
    summary         TEXT NOT NULL,
    count           INTEGER NOT NULL DEFAULT 0,
    first_at        TEXT NOT NULL,
    last_at         TEXT NOT NULL,
    reported_at     TEXT,
    reported_count  INTEGER NOT NULL DEFAULT 0   -- `count` when the admins were last told
);
