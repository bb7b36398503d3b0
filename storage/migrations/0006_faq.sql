-- FAQ: questions the FAQ could not answer ("not sure") or that were passed to the organisers,
-- and the organisers' copies of each escalated question, so that a reply can be routed back.
CREATE TABLE faq_questions (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL,
    chat_id       INTEGER NOT NULL,              -- where it was asked (private chat or group)
    language      TEXT NOT NULL DEFAULT 'id',
    question      TEXT NOT NULL,
    best_id       TEXT,                          -- the closest FAQ entry, for growing the FAQ
    score         REAL NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'unsure'
                  CHECK (status IN ('unsure', 'escalated', 'answered')),
    asked_at      TEXT NOT NULL,
    escalated_at  TEXT,
    answer        TEXT,                          -- the first organiser reply
    answered_by   INTEGER,
    answered_at   TEXT
);
CREATE INDEX faq_questions_status ON faq_questions(status, id);

-- One row per copy of an escalated question sent to an organiser's chat.
CREATE TABLE faq_forwards (
    chat_id      INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,
    question_id  INTEGER NOT NULL REFERENCES faq_questions(id),
    PRIMARY KEY (chat_id, message_id)
);
