-- The pengawas's one-tap rating of a day's work and behaviour (baik / cukup / kurang), given
-- once per attendance after the check-out. It informs the jaksa and the PK (a "kurang" is
-- told to them at once) and the case's report; it changes no hours.
CREATE TABLE attendance_ratings (
    attendance_id  INTEGER PRIMARY KEY REFERENCES attendances(id),
    rating         TEXT NOT NULL CHECK (rating IN ('baik', 'cukup', 'kurang')),
    by_person_id   INTEGER REFERENCES people(id),
    at             TEXT NOT NULL
);
