-- The language a person chose with /bahasa (/language), or at registration. It wins over
-- Telegram's language_code: `language` is always the language the bot speaks to them in
-- (storage/users.py keeps it so), `chosen_language` says whether it is their own choice.
-- `language_offered_at`: registration offered the choice once (Telegram not in Indonesian).
ALTER TABLE users ADD COLUMN chosen_language TEXT CHECK (chosen_language IN ('id', 'en'));
ALTER TABLE users ADD COLUMN language_offered_at TEXT;
