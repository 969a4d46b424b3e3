-- The short note a pengawas may write with a day's ratings, for the jaksa and the PK.
ALTER TABLE attendance_ratings ADD COLUMN note TEXT;
