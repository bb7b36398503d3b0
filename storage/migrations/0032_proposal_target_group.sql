-- The target group (kelompok sasaran / penerima manfaat) of a proposal: an optional question
-- the event file may list (`proposals.optional_fields: [target_group, ...]`), asked after the
-- target. NULL: not asked or not answered yet; '': skipped with Lewati.
ALTER TABLE proposals ADD COLUMN target_group TEXT;
