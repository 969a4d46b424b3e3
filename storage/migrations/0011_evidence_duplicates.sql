-- Evidence is unique by content. Telegram's file_unique_id catches the same photo sent again,
-- but not the same image sent as a file (another file id, the same bytes): only its SHA-256,
-- known once it is downloaded, does. Such a record is kept (the check-in or check-out it
-- belongs to is already committed) and flagged with the earlier evidence it repeats, for the
-- jaksa to decide; the jaksa and the pengawas are told.
ALTER TABLE evidence ADD COLUMN duplicate_of INTEGER REFERENCES evidence(id);
CREATE INDEX evidence_sha256 ON evidence(sha256) WHERE sha256 IS NOT NULL;
