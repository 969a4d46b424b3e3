-- Updates fetched from Telegram whose handling may not have finished. Telegram forgets an
-- update once the bot confirms it (the offset of its next getUpdates); the bot writes each
-- fetched batch here first, and hands what is left here to the handlers again when it
-- starts, so an update confirmed but cut off by a crash is still handled. Rows go as soon as
-- every update up to them has been handled: message texts do not stay here.
CREATE TABLE inbox (
    update_id    INTEGER PRIMARY KEY,
    body         TEXT NOT NULL,
    received_at  TEXT NOT NULL
);
