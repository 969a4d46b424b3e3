-- Whether an attendance is still open (storage/repositories/attendance.py, _OPEN) is asked
-- at every /hadir, /pulang, check-in and check-out, over each of the case's attendances: its
-- events' kind and end, read from the index alone instead of from each event's row. The
-- narrower index it replaces is this one's prefix.
DROP INDEX attendance_events_attendance;
CREATE INDEX attendance_events_attendance ON attendance_events(attendance_id, kind, end_at);
