-- Telegram groups linked to an agency: each receives that agency's weekly digest.
CREATE TABLE agency_groups (
    chat_id         INTEGER PRIMARY KEY,
    agency_id       INTEGER REFERENCES agencies(id),
    title           TEXT,
    added_by        INTEGER,
    linked_by       INTEGER REFERENCES people(id),
    linked_at       TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    digest_weekday  INTEGER NOT NULL DEFAULT 0 CHECK (digest_weekday BETWEEN 0 AND 6),
    digest_time     TEXT NOT NULL DEFAULT '08:00',
    language        TEXT NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
    created_at      TEXT NOT NULL
);
