-- The complete proposal form (issue 15): partners, the link to the planning documents, the
-- budget and its source, the location. Every column may be NULL, which means "not asked yet"
-- (or not asked at all: the event file chooses the optional questions), so every existing
-- proposal stays as it was. An optional answer that was skipped is '' (planning_ref,
-- location) or '[]' (partner_opds).
ALTER TABLE proposals ADD COLUMN partner_opds TEXT;      -- JSON list of OPD ids of the event file
ALTER TABLE proposals ADD COLUMN partners_other TEXT;    -- other partners, as typed ('; ' between)
ALTER TABLE proposals ADD COLUMN planning TEXT
    CHECK (planning IN ('rpjmd', 'renstra', 'new'));
ALTER TABLE proposals ADD COLUMN planning_ref TEXT;      -- programme name or code in that document
ALTER TABLE proposals ADD COLUMN budget_status TEXT
    CHECK (budget_status IN ('estimated', 'unknown'));
ALTER TABLE proposals ADD COLUMN budget INTEGER CHECK (budget IS NULL OR budget > 0);  -- rupiah
ALTER TABLE proposals ADD COLUMN budget_source TEXT
    CHECK (budget_source IN ('apbd', 'apbn_dak', 'csr', 'kpbu', 'swasta', 'lainnya'));
ALTER TABLE proposals ADD COLUMN location TEXT;
