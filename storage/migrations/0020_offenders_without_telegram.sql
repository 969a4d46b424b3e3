-- Offenders without Telegram (issue #16, part 4): a phone number to call instead, and the
-- calls made from the PK's evening call list.
--
-- The number is personal data: it lives here, apart from the case, so nothing that reads a
-- case carries it; the purge deletes the row.
CREATE TABLE case_phones (
    case_id      INTEGER PRIMARY KEY REFERENCES cases(id),
    phone        TEXT NOT NULL,           -- as typed, once validated: 0812… or +62812…
    set_by       INTEGER REFERENCES people(id),
    set_at       TEXT NOT NULL
);

-- "Sudah dihubungi": the PK (or the jaksa) phoned the offender about one session.
CREATE TABLE calls_made (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES sessions(id),
    starts_at    TEXT NOT NULL,           -- the session's time when the call was made
    by_person_id INTEGER REFERENCES people(id),
    at           TEXT NOT NULL,
    UNIQUE (session_id, starts_at)
);
