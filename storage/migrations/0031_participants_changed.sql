-- The reminder check reads only the participants changed since its last run.
CREATE INDEX participants_updated ON participants(status, updated_at);
-- /rekap's reminder finds the participants of the offices without a proposal.
CREATE INDEX participants_office ON participants(opd_id, status);
