-- Review by the tim pendamping (issue 15): reviewers, their reviews, and the versions of a
-- proposal. The proposals row always holds the current version (`version`); a revision
-- first copies the version it replaces into proposal_versions, so earlier versions and the
-- reviews of each (reviews.version) are kept.
CREATE TABLE reviewers (
    user_id     INTEGER PRIMARY KEY,
    dimensions  TEXT NOT NULL DEFAULT '[]',   -- JSON list of dimension ids; [] = all
    added_by    INTEGER NOT NULL,
    added_at    TEXT NOT NULL
);

ALTER TABLE proposals ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE proposal_versions (
    proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    stage       INTEGER,                      -- the bimtek stage that version was written in
    data        TEXT NOT NULL,                -- JSON: the form's fields as they were
    created_at  TEXT NOT NULL,                -- when it was replaced by the next version
    PRIMARY KEY (proposal_id, version)
);

-- One review per reviewer and version; written answer by answer (status 'draft') and
-- 'done' with its recommendation. reviewer_id is NULL once the reviewer deleted their data.
CREATE TABLE reviews (
    id              INTEGER PRIMARY KEY,
    proposal_id     INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    reviewer_id     INTEGER,
    scores          TEXT NOT NULL DEFAULT '{}',  -- JSON {criterion id: 1..5}
    recommendation  TEXT CHECK (recommendation IN ('layak', 'perbaikan', 'tidak_layak')),
    comment         TEXT,
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'done')),
    created_at      TEXT NOT NULL,
    done_at         TEXT,
    UNIQUE (proposal_id, version, reviewer_id)
);
CREATE INDEX reviews_reviewer ON reviews(reviewer_id, status);
CREATE INDEX reviews_proposal ON reviews(proposal_id, status);
