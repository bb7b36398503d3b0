-- Selection rounds per dimension (issue 15): the candidates, the votes (one per person and
-- candidate: the primary key guarantees it), and the programmes chosen as program unggulan.
CREATE TABLE selection_rounds (
    id            INTEGER PRIMARY KEY,
    dimension     TEXT NOT NULL,
    candidates    TEXT NOT NULL CHECK (candidates IN ('layak', 'all')),
    max_choices   INTEGER NOT NULL CHECK (max_choices BETWEEN 1 AND 20),
    include_dewan INTEGER NOT NULL DEFAULT 0,
    closes_at     TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'confirmed')),
    created_by    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    closed_at     TEXT,
    confirmed_at  TEXT
);
CREATE TABLE round_candidates (
    round_id     INTEGER NOT NULL REFERENCES selection_rounds(id) ON DELETE CASCADE,
    proposal_id  INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    chosen       INTEGER NOT NULL DEFAULT 0,      -- confirmed as program unggulan
    PRIMARY KEY (round_id, proposal_id)
);
CREATE TABLE votes (
    round_id     INTEGER NOT NULL,
    proposal_id  INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    voted_at     TEXT NOT NULL,
    PRIMARY KEY (round_id, proposal_id, user_id),
    FOREIGN KEY (round_id, proposal_id) REFERENCES round_candidates(round_id, proposal_id)
        ON DELETE CASCADE
);
CREATE INDEX votes_user ON votes(user_id);
