-- An absence the jaksa corrects into attendance (the offender was there after all) is not
-- deleted: the row stays, marked withdrawn with who did it, when, why, and the attendance it
-- became. A withdrawn absence counts nowhere (the session's state, reminders, reports).
ALTER TABLE absences ADD COLUMN withdrawn_at TEXT;
ALTER TABLE absences ADD COLUMN withdrawn_by INTEGER REFERENCES people(id);
ALTER TABLE absences ADD COLUMN withdrawn_reason TEXT;
ALTER TABLE absences ADD COLUMN became_attendance_id INTEGER REFERENCES attendances(id);
