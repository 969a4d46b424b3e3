-- A spreadsheet import writes its cases a few at a time, so that nobody waits long for the
-- writer meanwhile, and stays all or nothing for its users: every site and case it adds
-- carries its batch, and a batch that does not finish (an error, a crash) is taken away
-- again, whole (services/importing).
CREATE TABLE import_batches (
    id           INTEGER PRIMARY KEY,
    state        TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running','done','undone')),
    started_at   TEXT NOT NULL,
    started_by   INTEGER REFERENCES people(id),
    finished_at  TEXT
);
ALTER TABLE sites ADD COLUMN import_batch_id INTEGER REFERENCES import_batches(id);
ALTER TABLE cases ADD COLUMN import_batch_id INTEGER REFERENCES import_batches(id);
CREATE INDEX sites_import_batch ON sites(import_batch_id) WHERE import_batch_id IS NOT NULL;
CREATE INDEX cases_import_batch ON cases(import_batch_id) WHERE import_batch_id IS NOT NULL;
-- Deleting a case checks its sessions (the foreign key): without this, a scan of every
-- session for each case taken back.
CREATE INDEX sessions_case ON sessions(case_id);
