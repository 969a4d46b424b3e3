-- KUHP Pasal 85 ayat (7): what follows a *tidak sah*, and the record that closes a case.
--
-- A ruling is deliberate: it carries a reason, and a ruling changed later keeps the old one
-- (and its reason) in ruling_changes, beside the audit.
ALTER TABLE absences ADD COLUMN ruling_reason TEXT;

CREATE TABLE ruling_changes (
    id           INTEGER PRIMARY KEY,
    absence_id   INTEGER NOT NULL REFERENCES absences(id),
    old_ruling   TEXT NOT NULL CHECK (old_ruling IN ('sah','tidak_sah')),
    old_reason   TEXT,
    new_ruling   TEXT NOT NULL CHECK (new_ruling IN ('sah','tidak_sah')),
    reason       TEXT NOT NULL,
    by_person_id INTEGER REFERENCES people(id),
    at           TEXT NOT NULL
);
CREATE INDEX ruling_changes_absence ON ruling_changes(absence_id);

-- A written warning (teguran I, then II) to the offender, with the violation it answers.
CREATE TABLE warnings (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    level        INTEGER NOT NULL CHECK (level IN (1, 2)),
    text         TEXT NOT NULL,
    absence_id   INTEGER REFERENCES absences(id),
    by_person_id INTEGER REFERENCES people(id),
    at           TEXT NOT NULL,
    UNIQUE (case_id, level)
);

-- How a case ended: completed, or closed as not completed (the replaced sentence for the
-- hours outstanding, or another reason), with the numbers as they stood.
CREATE TABLE case_closures (
    case_id             INTEGER PRIMARY KEY REFERENCES cases(id),
    outcome             TEXT NOT NULL CHECK (outcome IN ('selesai','tidak_selesai')),
    consequence         TEXT CHECK (consequence IN ('penjara','denda')),
    minutes_total       INTEGER NOT NULL,
    minutes_credited    INTEGER NOT NULL,
    penalty_ordered     TEXT,   -- the replaced sentence as the jaksa read it: "3 bulan"
    penalty_part        TEXT,   -- the part for the hours outstanding, rounded as confirmed
    basis               TEXT,   -- the calculation, in words
    reason              TEXT,
    by_person_id        INTEGER REFERENCES people(id),
    at                  TEXT NOT NULL
);

-- Documents kept with a case (the Berita Acara): the same bytes every time they are asked.
CREATE TABLE case_documents (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    kind      TEXT NOT NULL,
    made_at   TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    content   BLOB NOT NULL,
    UNIQUE (case_id, kind)
);

-- The letterhead of an agency's documents, and the NIP under a signature.
ALTER TABLE agencies ADD COLUMN address TEXT;
ALTER TABLE agencies ADD COLUMN logo BLOB;
ALTER TABLE people ADD COLUMN nip TEXT;
