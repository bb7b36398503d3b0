-- The reminder check reads only the participants changed since its last run.
CREATE INDEX participants_updated ON participants(status, updated_at);
