-- E-certificates: one per participant and stage, with a random verification code. After the
-- holder deletes their data the row stays (the code still verifies as genuine) without the
-- name, office, role or the link to the person.
CREATE TABLE certificates (
    code        TEXT PRIMARY KEY,
    user_id     INTEGER,
    stage       INTEGER NOT NULL,
    full_name   TEXT,
    office      TEXT,
    role        TEXT,
    issued_at   TEXT NOT NULL,
    erased      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user_id, stage)
);

-- Files the bot made and sends through the outbox (a certificate's PDF): the outbox row names
-- the key, the sender uploads the bytes.
CREATE TABLE stored_files (
    key         TEXT PRIMARY KEY,
    filename    TEXT NOT NULL,
    data        BLOB NOT NULL,
    created_at  TEXT NOT NULL
);

-- Facts about the running bot the command line needs (its @username, for links in files).
CREATE TABLE bot_facts (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
