-- Every message the bot sends on its own initiative is a row here first.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    dedupe_key       TEXT NOT NULL UNIQUE,
    chat_id          INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    payload          TEXT NOT NULL,   -- JSON: rendered text, buttons, location
    due_at           TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending','sent','skipped','unreachable','failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    sent_at          TEXT,
    message_id       INTEGER,
    last_error       TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX outbox_pending ON outbox(status, due_at);

-- People and groups Telegram refuses to deliver to (blocked the bot, left, deleted).
CREATE TABLE unreachable_chats (
    chat_id     INTEGER PRIMARY KEY,
    since       TEXT NOT NULL,
    reason      TEXT NOT NULL
);
