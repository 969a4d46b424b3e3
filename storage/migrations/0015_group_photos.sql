-- One photo of the group is the evidence of a roll-call for everyone it shows. Each person's
-- check-in (or check-out) has its own evidence row, so every record names its evidence as
-- before; the rows after the first say which one they share (its file, its hash, its
-- download). The same photo is still refused for a second roll-call: only the first row of a
-- photo is unique by Telegram's file id.
ALTER TABLE evidence ADD COLUMN shared_with INTEGER REFERENCES evidence(id);
DROP INDEX evidence_unique_file;
CREATE UNIQUE INDEX evidence_unique_file ON evidence(file_unique_id) WHERE shared_with IS NULL;
CREATE INDEX evidence_shared ON evidence(shared_with) WHERE shared_with IS NOT NULL;
-- The group photo's message is each person's check-in: one event per message and attendance.
-- A re-delivered roll-call still records nobody twice: everyone it names is checked in already.
DROP INDEX attendance_events_message;
CREATE UNIQUE INDEX attendance_events_message ON attendance_events(chat_id, message_id, attendance_id)
    WHERE chat_id IS NOT NULL;
