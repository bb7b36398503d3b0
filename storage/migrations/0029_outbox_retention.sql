-- Outbox retention: sent rows older than OUTBOX_KEEP_DAYS leave the outbox; what "never
-- twice" needs of them stays here, one short row per dedupe key (no message text).
CREATE TABLE delivered_keys (
    dedupe_key  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    chat_id     INTEGER NOT NULL,
    status      TEXT NOT NULL,   -- the row's final status: sent | failed | blocked | cancelled
    at          TEXT NOT NULL    -- when it was sent (or made, if it never was)
) WITHOUT ROWID;
-- Pruning looks for old rows in a final status.
CREATE INDEX outbox_finished ON outbox(status, created_at);
