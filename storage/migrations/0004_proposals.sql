-- Programme proposals (program unggulan) per dimension, written field by field by the /usul
-- form: a 'draft' row exists from the first answer, so a restart resumes it.
-- `user_id` becomes NULL (and `anonymised` 1) when the proposer deletes their data: the
-- proposal itself belongs to the masterplan and is kept, without who wrote it.
CREATE TABLE proposals (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER,
    anonymised      INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    dimension       TEXT,
    element         TEXT,
    name            TEXT,
    problem         TEXT,
    description     TEXT,
    target          TEXT,
    horizon         TEXT CHECK (horizon IN ('quick_win', 'medium', 'long')),
    lead_opd_id     TEXT,                 -- an office of the event file ...
    lead_opd_other  TEXT,                 -- ... or a free-text institution
    stage           INTEGER,              -- the bimtek stage in progress when written
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    submitted_at    TEXT,
    withdrawn_at    TEXT
);
CREATE INDEX proposals_user ON proposals(user_id, status);
CREATE INDEX proposals_status ON proposals(status, dimension, lead_opd_id);
