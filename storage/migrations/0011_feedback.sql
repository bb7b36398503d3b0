-- Session feedback: one answer per person and session (a rating 1-5 and an optional
-- comment), changeable until the end of the day after the session.
CREATE TABLE feedback (
    session_id  TEXT NOT NULL,
    user_id     INTEGER NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment     TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (session_id, user_id)
);
