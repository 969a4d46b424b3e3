-- A day cut short by the pengawas (dipulangkan): for behaviour, because the site could not
-- work (rain, no tools) or otherwise, with the reason. The minutes worked until then are
-- credited as at any check-out, which this row goes with; the jaksa decides what a sending
-- home for behaviour means.
CREATE TABLE sent_home (
    attendance_id  INTEGER PRIMARY KEY REFERENCES attendances(id),
    cause          TEXT NOT NULL CHECK (cause IN ('perilaku', 'cuaca', 'sarana', 'lainnya')),
    reason         TEXT NOT NULL,
    by_person_id   INTEGER REFERENCES people(id),
    at             TEXT NOT NULL
);
