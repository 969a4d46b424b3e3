-- The photos still to fetch, found without reading every piece of evidence: the retry job
-- (every 5 minutes, and at each start) read the whole table, 600,000 rows for a year of a
-- Kejari's cases, to find the few not downloaded yet.
CREATE INDEX evidence_to_download ON evidence(id)
    WHERE downloaded_at IS NULL AND shared_with IS NULL;
