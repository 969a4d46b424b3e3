-- Attendance: check-in and check-out as append-only events, their evidence photos, absences.

CREATE TABLE attendances (
    id                    INTEGER PRIMARY KEY,
    case_id               INTEGER NOT NULL REFERENCES cases(id),
    session_id            INTEGER REFERENCES sessions(id),
    site_id               INTEGER NOT NULL REFERENCES sites(id),
    supervisor_person_id  INTEGER REFERENCES people(id),
    created_at            TEXT NOT NULL
);
CREATE INDEX attendances_case ON attendances(case_id);

-- The ledger is computed from these rows, never from a total kept somewhere.
CREATE TABLE attendance_events (
    id              INTEGER PRIMARY KEY,
    attendance_id   INTEGER NOT NULL REFERENCES attendances(id),
    kind            TEXT NOT NULL
                    CHECK (kind IN ('check_in','check_out','break','correction','void')),
    start_at        TEXT,
    end_at          TEXT,
    break_minutes   INTEGER,
    manual          INTEGER NOT NULL DEFAULT 0,
    reason          TEXT,
    by_person_id    INTEGER REFERENCES people(id),
    chat_id         INTEGER,
    message_id      INTEGER,
    latitude        REAL,
    longitude       REAL,
    distance_m      REAL,
    outside_geofence INTEGER NOT NULL DEFAULT 0,
    at              TEXT NOT NULL
);
-- A message re-delivered by Telegram never becomes a second event.
CREATE UNIQUE INDEX attendance_events_message ON attendance_events(chat_id, message_id)
    WHERE chat_id IS NOT NULL;
CREATE INDEX attendance_events_attendance ON attendance_events(attendance_id);
CREATE TRIGGER attendance_events_no_update BEFORE UPDATE ON attendance_events
BEGIN SELECT RAISE(ABORT, 'attendance_events is append-only'); END;
CREATE TRIGGER attendance_events_no_delete BEFORE DELETE ON attendance_events
BEGIN SELECT RAISE(ABORT, 'attendance_events is append-only'); END;

-- Photos and documents kept as evidence, in private storage named by their SHA-256.
CREATE TABLE evidence (
    id                   INTEGER PRIMARY KEY,
    attendance_event_id  INTEGER REFERENCES attendance_events(id),
    absence_id           INTEGER REFERENCES absences(id),
    file_id              TEXT NOT NULL,
    file_unique_id       TEXT NOT NULL,
    size                 INTEGER,
    sha256               TEXT,
    path                 TEXT,
    attempts             INTEGER NOT NULL DEFAULT 0,
    downloaded_at        TEXT,
    created_at           TEXT NOT NULL
);
-- The same photo sent twice is one piece of evidence.
CREATE UNIQUE INDEX evidence_unique_file ON evidence(file_unique_id);

CREATE TABLE absences (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    day           TEXT NOT NULL,
    category      TEXT NOT NULL CHECK (category IN ('sakit','izin','tanpa_keterangan','lainnya')),
    reason        TEXT,
    source        TEXT NOT NULL CHECK (source IN ('pengawas','terpidana')),
    reported_by   INTEGER REFERENCES people(id),
    reported_at   TEXT NOT NULL,
    ruling        TEXT CHECK (ruling IN ('sah','tidak_sah')),
    ruled_by      INTEGER REFERENCES people(id),
    ruled_at      TEXT,
    consequence   TEXT,
    chat_id       INTEGER,
    message_id    INTEGER
);
CREATE UNIQUE INDEX absences_case_day ON absences(case_id, day, source);
CREATE UNIQUE INDEX absences_message ON absences(chat_id, message_id) WHERE chat_id IS NOT NULL;
