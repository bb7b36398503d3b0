-- Announcement progress without a scan: outbox_tally counts an announcement's outbox rows
-- per status, kept by triggers as rows are added, change status or are pruned.
CREATE TABLE outbox_tally (
    ref     TEXT NOT NULL,     -- the broadcast id, as outbox.ref holds it
    status  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (ref, status)
) WITHOUT ROWID;
INSERT INTO outbox_tally (ref, status, n)
    SELECT ref, status, COUNT(*) FROM outbox
    WHERE kind = 'broadcast' AND ref IS NOT NULL GROUP BY ref, status;

CREATE TRIGGER outbox_tally_insert AFTER INSERT ON outbox
WHEN NEW.kind = 'broadcast' AND NEW.ref IS NOT NULL
BEGIN
    INSERT INTO outbox_tally (ref, status, n) VALUES (NEW.ref, NEW.status, 1)
        ON CONFLICT (ref, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER outbox_tally_update AFTER UPDATE OF status ON outbox
WHEN NEW.kind = 'broadcast' AND NEW.ref IS NOT NULL AND NEW.status IS NOT OLD.status
BEGIN
    UPDATE outbox_tally SET n = n - 1 WHERE ref = OLD.ref AND status = OLD.status;
    INSERT INTO outbox_tally (ref, status, n) VALUES (NEW.ref, NEW.status, 1)
        ON CONFLICT (ref, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER outbox_tally_delete AFTER DELETE ON outbox
WHEN OLD.kind = 'broadcast' AND OLD.ref IS NOT NULL
BEGIN
    UPDATE outbox_tally SET n = n - 1 WHERE ref = OLD.ref AND status = OLD.status;
END;

-- Recipients are queued in chunks (replies go on in between): queued_at is set once all are
-- in the outbox. A 'sending' announcement without it was interrupted and is queued again
-- (the dedupe keys skip whoever is in already); it cannot finish before.
ALTER TABLE broadcasts ADD COLUMN queued_at TEXT;
UPDATE broadcasts SET queued_at = started_at WHERE status IN ('sending', 'done');
