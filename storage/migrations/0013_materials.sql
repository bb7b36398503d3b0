-- Session materials (slides, documents, photos) organisers send to the bot: kept as
-- Telegram's file_id, sent again by it (never re-uploaded).
CREATE TABLE materials (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('document', 'photo')),
    file_id     TEXT NOT NULL,
    file_name   TEXT NOT NULL DEFAULT '',
    added_by    INTEGER NOT NULL,
    added_at    TEXT NOT NULL
);
CREATE INDEX materials_session ON materials(session_id);
