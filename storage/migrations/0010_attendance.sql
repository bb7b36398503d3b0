-- Attendance (presensi): one row per person and session, however it was recorded.
-- `method`: qr (the live code), poster (the printed day code), button (online Hadir),
-- manual (an organiser marked them; `marked_by` says who). Times are ISO-8601 UTC text.
CREATE TABLE attendance (
    session_id  TEXT NOT NULL,
    user_id     INTEGER NOT NULL,
    mode        TEXT NOT NULL CHECK (mode IN ('offline', 'online')),
    method      TEXT NOT NULL CHECK (method IN ('qr', 'poster', 'button', 'manual')),
    marked_by   INTEGER,
    at          TEXT NOT NULL,
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX attendance_user ON attendance(user_id);

-- The secret behind the check-in codes: random, made once per database, never shown.
CREATE TABLE attendance_secret (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    secret  TEXT NOT NULL
);
INSERT INTO attendance_secret (id, secret) VALUES (1, lower(hex(randomblob(32))));

-- Someone not registered scanned a valid code: recorded for that session (at the scan's
-- time) once their registration is complete.
CREATE TABLE attendance_pending (
    user_id     INTEGER PRIMARY KEY,
    session_id  TEXT NOT NULL,
    method      TEXT NOT NULL,
    at          TEXT NOT NULL
);

-- The live QR messages organisers opened with /presensi: the bot replaces the image every
-- minute until Selesai or the window closes (kept here so a restart carries on).
CREATE TABLE attendance_displays (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT NOT NULL,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    opened_by   INTEGER NOT NULL,
    slot        INTEGER NOT NULL DEFAULT 0,     -- the minute whose code the image shows
    caption     TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    opened_at   TEXT NOT NULL
);
CREATE INDEX attendance_displays_active ON attendance_displays(active);

-- The session an organiser works on (for /tandai, manual marking by name).
CREATE TABLE attendance_focus (
    user_id     INTEGER PRIMARY KEY,
    session_id  TEXT NOT NULL,
    at          TEXT NOT NULL
);
