-- Minutes credited per case and local calendar day: the hours ledger, summed per day.
-- Written in the same transaction as every attendance change that alters the ledger, so
-- digests over thousands of cases read sums instead of replaying every attendance event.
-- The ledger itself stays the events: this table can always be rebuilt from them.
CREATE TABLE ledger_days (
    case_id           INTEGER NOT NULL REFERENCES cases(id),
    day               TEXT NOT NULL,
    credited_minutes  INTEGER NOT NULL CHECK (credited_minutes >= 0),
    PRIMARY KEY (case_id, day)
) WITHOUT ROWID;
CREATE INDEX ledger_days_by_day ON ledger_days(day);
