-- Where each person stands in a multi-step flow (a check-in waiting for its photo, a form
-- half filled in), kept with the record instead of in memory: after a restart, or when an
-- update is handled again from the inbox, the conversation goes on where it was.
CREATE TABLE conversations (
    name        TEXT NOT NULL,           -- the flow ("check_in", "new_case"...)
    key         TEXT NOT NULL,           -- the chat and person, as the flow keys them (JSON)
    state       TEXT NOT NULL,           -- the step (JSON)
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
-- The draft of each person's flows (the case chosen, the location shared, the form's
-- answers so far): private data of the conversation, dropped when it ends.
CREATE TABLE conversation_drafts (
    telegram_user_id  INTEGER PRIMARY KEY,
    data              BLOB NOT NULL,
    updated_at        TEXT NOT NULL
);
