-- The message whose button created the announcement: a second press of that button (its
-- reply lost in a crash or a dropped response) is told "already sent" instead of "expired".
ALTER TABLE broadcasts ADD COLUMN menu_message_id INTEGER;
