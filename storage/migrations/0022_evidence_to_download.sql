-- Evidence found through indexes, not by reading every row: 600,000 rows for a year of a
-- Kejari's cases, read whole
-- * by the retry job (every 5 minutes, and at each start), for the few photos not fetched;
-- * for a case's flags (a photo's GPS outside the geofence) on its card and its report,
--   from the attendance events to their photos;
-- * by a purge, for a case's files, and once more for each file (is it still in use?).
CREATE INDEX evidence_to_download ON evidence(id)
    WHERE downloaded_at IS NULL AND shared_with IS NULL;
CREATE INDEX evidence_of_event ON evidence(attendance_event_id)
    WHERE attendance_event_id IS NOT NULL;
CREATE INDEX evidence_of_absence ON evidence(absence_id) WHERE absence_id IS NOT NULL;
CREATE INDEX evidence_path ON evidence(path) WHERE path IS NOT NULL;
