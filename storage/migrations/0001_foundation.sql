-- Foundation: agencies, people and their roles, invitations, the audit log, idempotency.
-- All instants are ISO-8601 strings in UTC.

CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    type        TEXT NOT NULL CHECK (type IN ('kejati','kejari','bapas','pemprov','pemkab','pemkot','dinas')),
    name        TEXT NOT NULL,
    parent_id   INTEGER REFERENCES agencies(id),
    timezone    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  INTEGER REFERENCES people(id)
);
CREATE UNIQUE INDEX agencies_name ON agencies(lower(name));

CREATE TABLE people (
    id                INTEGER PRIMARY KEY,
    telegram_user_id  INTEGER NOT NULL UNIQUE,
    full_name         TEXT NOT NULL,
    language_code     TEXT,
    created_at        TEXT NOT NULL
);

CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('admin','jaksa','pk','pengawas','pejabat','terpidana')),
    agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    created_by  INTEGER NOT NULL REFERENCES people(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    used_by     INTEGER REFERENCES people(id)
);

CREATE TABLE memberships (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES people(id),
    agency_id      INTEGER NOT NULL REFERENCES agencies(id),
    role           TEXT NOT NULL CHECK (role IN ('admin','jaksa','pk','pengawas','pejabat','terpidana')),
    invitation_id  INTEGER REFERENCES invitations(id),
    created_at     TEXT NOT NULL,
    revoked_at     TEXT,
    revoked_by     INTEGER REFERENCES people(id)
);
-- One active membership per person, agency and role; revoked ones stay as history.
CREATE UNIQUE INDEX memberships_active ON memberships(person_id, agency_id, role)
    WHERE revoked_at IS NULL;
CREATE INDEX memberships_agency ON memberships(agency_id);

-- Append-only, hash-chained. The triggers stop the application (and careless hands) from
-- changing history; `kerjasosial audit verify` catches anyone who drops them first.
CREATE TABLE audit_log (
    id                 INTEGER PRIMARY KEY,
    at                 TEXT NOT NULL,
    actor_telegram_id  INTEGER,
    actor_person_id    INTEGER,
    update_id          INTEGER,
    action             TEXT NOT NULL,
    subject            TEXT,
    detail             TEXT NOT NULL,
    prev_hash          TEXT NOT NULL,
    hash               TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Small facts that belong to no table, such as the audit chain's head.
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- Telegram re-delivers updates after a crash; a processed update id is never handled twice.
CREATE TABLE processed_updates (
    update_id     INTEGER PRIMARY KEY,
    processed_at  TEXT NOT NULL
);

CREATE TABLE redemption_failures (
    id                INTEGER PRIMARY KEY,
    telegram_user_id  INTEGER NOT NULL,
    at                TEXT NOT NULL
);
CREATE INDEX redemption_failures_user ON redemption_failures(telegram_user_id, at);
