-- Work sites, cases from court decisions, planned sessions and holiday corrections.
-- Dates that are local calendar days (decision date, start, deadline, a session's day) are
-- ISO dates; instants are UTC ISO strings as everywhere else.

CREATE TABLE sites (
    id                          INTEGER PRIMARY KEY,
    name                        TEXT NOT NULL,
    host_agency_id              INTEGER NOT NULL REFERENCES agencies(id),
    address                     TEXT NOT NULL,
    latitude                    REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude                   REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    radius_m                    INTEGER NOT NULL CHECK (radius_m BETWEEN 10 AND 5000),
    timezone                    TEXT NOT NULL,
    activities                  TEXT NOT NULL,   -- JSON list of strings
    capacity                    INTEGER NOT NULL CHECK (capacity >= 1),
    -- Pasal 85(3) and the cooperation agreement: no commercial work, no degrading work.
    non_commercial_declared_at  TEXT NOT NULL,
    declared_by                 INTEGER REFERENCES people(id),
    created_at                  TEXT NOT NULL
);
CREATE UNIQUE INDEX sites_name ON sites(lower(name));

-- A pengawas supervises one or more sites; revoked links stay as history.
CREATE TABLE site_supervisors (
    id          INTEGER PRIMARY KEY,
    site_id     INTEGER NOT NULL REFERENCES sites(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE UNIQUE INDEX site_supervisors_active ON site_supervisors(site_id, person_id)
    WHERE revoked_at IS NULL;

CREATE TABLE cases (
    id                  INTEGER PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    agency_id           INTEGER NOT NULL REFERENCES agencies(id),
    offender_name       TEXT NOT NULL,
    offender_person_id  INTEGER REFERENCES people(id),
    decision_number     TEXT NOT NULL,
    court               TEXT NOT NULL,
    decision_date       TEXT NOT NULL,
    hours_total         INTEGER NOT NULL CHECK (hours_total BETWEEN 8 AND 240),
    hours_per_day       INTEGER NOT NULL CHECK (hours_per_day BETWEEN 1 AND 8),
    weekdays            TEXT NOT NULL,   -- "0,2,4": Monday = 0
    session_start       TEXT NOT NULL,   -- "08:00", local to the site
    site_id             INTEGER NOT NULL REFERENCES sites(id),
    start_date          TEXT NOT NULL,
    deadline            TEXT NOT NULL,
    consequence         TEXT NOT NULL CHECK (consequence IN ('ulang','penjara','denda')),
    replaced_penalty    TEXT NOT NULL,
    jaksa_person_id     INTEGER NOT NULL REFERENCES people(id),
    pk_person_id        INTEGER REFERENCES people(id),
    status              TEXT NOT NULL DEFAULT 'aktif' CHECK (status IN ('aktif','selesai','ditutup')),
    created_at          TEXT NOT NULL,
    created_by          INTEGER REFERENCES people(id),
    CHECK (deadline > start_date)
);
-- A decision number identifies a case: importing the same file twice adds nothing.
CREATE UNIQUE INDEX cases_decision ON cases(lower(decision_number));
CREATE INDEX cases_agency ON cases(agency_id);
CREATE INDEX cases_site ON cases(site_id);

CREATE TABLE case_sequences (
    year  INTEGER PRIMARY KEY,
    last  INTEGER NOT NULL
);

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    site_id     INTEGER NOT NULL REFERENCES sites(id),
    day         TEXT NOT NULL,
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    minutes     INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 480),
    status      TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','cancelled')),
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX sessions_case_day ON sessions(case_id, day) WHERE status = 'planned';
CREATE INDEX sessions_site_day ON sessions(site_id, day);

-- Every move or cancellation, with its reason: later issues notify the people concerned.
CREATE TABLE session_events (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES sessions(id),
    kind            TEXT NOT NULL CHECK (kind IN ('moved','cancelled')),
    old_starts_at   TEXT NOT NULL,
    new_starts_at   TEXT,
    reason          TEXT NOT NULL,
    by_person_id    INTEGER REFERENCES people(id),
    at              TEXT NOT NULL,
    notified_at     TEXT
);

CREATE TABLE holiday_overrides (
    id          INTEGER PRIMARY KEY,
    day         TEXT NOT NULL,
    off         INTEGER NOT NULL CHECK (off IN (0, 1)),
    name        TEXT NOT NULL,
    created_by  INTEGER REFERENCES people(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX holiday_overrides_day ON holiday_overrides(day);

ALTER TABLE invitations ADD COLUMN site_id INTEGER REFERENCES sites(id);
ALTER TABLE invitations ADD COLUMN case_id INTEGER REFERENCES cases(id);
