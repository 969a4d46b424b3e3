-- Found through indexes, not by reading every row of a table that grows with every day of
-- work (a year of a Kejari's cases: 600,000 photos, more audit rows still):
-- * evidence: the few photos not fetched yet, for the retry job (every 5 minutes, and at
--   each start); from an attendance event or an absence to its photos, for a case's flags
--   (a photo's GPS outside the geofence) on its card and report, and for a purge; by file,
--   for the purge's "is this file still in use?";
-- * an offender's cases, asked at each of their messages and reminders;
-- * the audit rows about a case and its sessions, for the case's export (UU PDP).
CREATE INDEX evidence_to_download ON evidence(id)
    WHERE downloaded_at IS NULL AND shared_with IS NULL;
CREATE INDEX evidence_of_event ON evidence(attendance_event_id)
    WHERE attendance_event_id IS NOT NULL;
CREATE INDEX evidence_of_absence ON evidence(absence_id) WHERE absence_id IS NOT NULL;
CREATE INDEX evidence_path ON evidence(path) WHERE path IS NOT NULL;
CREATE INDEX cases_offender ON cases(offender_person_id) WHERE offender_person_id IS NOT NULL;
CREATE INDEX audit_log_subject ON audit_log(subject) WHERE subject IS NOT NULL;
