-- Organiser announcements (/umumkan). The recipients' messages live in the outbox
-- (kind 'broadcast', ref = the broadcast id), written in one transaction when sending starts.
CREATE TABLE broadcasts (
    id                   INTEGER PRIMARY KEY,
    created_by           INTEGER NOT NULL,
    audience             TEXT NOT NULL,             -- JSON: {"type": ..., "values": [...]}
    payload              TEXT NOT NULL,             -- JSON, as in the outbox
    summary              TEXT NOT NULL DEFAULT '',  -- plain-text start of the message, for lists
    status               TEXT NOT NULL DEFAULT 'scheduled'
                         CHECK (status IN ('scheduled', 'sending', 'done', 'cancelled')),
    send_at              TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    started_at           TEXT,
    finished_at          TEXT,
    cancelled_by         INTEGER,
    total                INTEGER NOT NULL DEFAULT 0,
    sent                 INTEGER NOT NULL DEFAULT 0,
    failed               INTEGER NOT NULL DEFAULT 0,
    blocked              INTEGER NOT NULL DEFAULT 0,
    report_chat_id       INTEGER NOT NULL,          -- where progress and the report go
    report_lang          TEXT NOT NULL DEFAULT 'id',
    progress_message_id  INTEGER
);
CREATE INDEX broadcasts_status ON broadcasts(status, send_at);
