-- When a case ended (completed or closed otherwise), and when its personal data was purged.
ALTER TABLE cases ADD COLUMN closed_at TEXT;
ALTER TABLE cases ADD COLUMN purged_at TEXT;
