-- Foundation: participants, consent proof, staff roles, audit trail and the durable outbox.
-- Times are ISO-8601 UTC text.

-- Anyone who has talked to the bot: only what is needed to answer them (no personal data
-- beyond the Telegram id and language). Kept so that /start can reactivate a blocked chat.
CREATE TABLE users (
    user_id     INTEGER PRIMARY KEY,
    language    TEXT NOT NULL DEFAULT 'id',
    active      INTEGER NOT NULL DEFAULT 1,      -- 0 after Telegram answered 403 (blocked)
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL
);

-- A participant's registration. Created only after consent; `status` walks
-- draft -> registered; deleting data blanks the personal columns and sets 'deleted'.
CREATE TABLE participants (
    user_id          INTEGER PRIMARY KEY REFERENCES users(user_id),
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'registered', 'deleted')),
    full_name        TEXT,
    opd_id           TEXT,                 -- an office from the event file, or NULL with opd_other
    opd_other        TEXT,                 -- free text: university, BUMN/BUMD, partner, district
    role             TEXT CHECK (role IN ('tim_pelaksana', 'dewan', 'narasumber', 'lainnya')),
    dimension        TEXT,                 -- a dimension id, or 'all'
    mode             TEXT CHECK (mode IN ('offline', 'online')),
    phone            TEXT,
    reminders_muted  INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    registered_at    TEXT
);
CREATE INDEX participants_status ON participants(status);

-- The conversation a user is in (registration, proposal form, announcement draft, ...):
-- which flow, which step, and the answers so far. Written before each question is asked,
-- so a restart (even SIGKILL) resumes at the same step.
CREATE TABLE flows (
    user_id     INTEGER PRIMARY KEY,
    flow        TEXT NOT NULL,
    step        TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',   -- JSON
    message_id  INTEGER,                      -- the bot message carrying the current menu
    updated_at  TEXT NOT NULL
);

-- Proof of consent (UU 27/2022): kept after the data is deleted, nothing personal in it.
CREATE TABLE consents (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL,
    notice_version  TEXT NOT NULL,
    given_at        TEXT NOT NULL,
    withdrawn_at    TEXT
);
CREATE INDEX consents_user ON consents(user_id);

-- Organisers added at run time by admins (/panitia). Admins and initial organisers come
-- from the configuration.
CREATE TABLE staff (
    user_id    INTEGER PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('organiser')),
    added_by   INTEGER NOT NULL,
    added_at   TEXT NOT NULL
);

-- Who did what, when: role changes, exports, broadcasts, deletions.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    actor_id  INTEGER,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '{}',    -- JSON
    at        TEXT NOT NULL
);
CREATE INDEX audit_log_action ON audit_log(action, at);

-- Every message the bot sends on its own initiative (broadcasts, reminders, nudges) is a
-- row here before it is sent. `dedupe_key` makes "never twice" a database guarantee.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,             -- broadcast | reminder | nudge | schedule_change | notice
    ref         TEXT,                      -- e.g. the broadcast id or session id
    dedupe_key  TEXT UNIQUE,
    chat_id     INTEGER NOT NULL,
    payload     TEXT NOT NULL,             -- JSON: {"text": ...} or {"photo": file_id, "caption": ...}
    not_before  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX outbox_due ON outbox(status, not_before);
CREATE INDEX outbox_ref ON outbox(kind, ref);
