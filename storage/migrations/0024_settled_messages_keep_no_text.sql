-- A message's text is needed until it is sent (or given up on): then it is in the reader's
-- chat, and the row only has to say what was sent to whom and when, which sessions it was
-- about, and keep its dedupe key so it never goes twice. The text named offenders (an
-- attendance, an absence, a call list with phone numbers) and outlived the purge of their
-- case (UU PDP). Dropped here, in one place, whichever way a row is settled.
UPDATE outbox SET payload = CASE
    WHEN json_type(payload, '$.about') IS NOT NULL
    THEN json_object('about', json_extract(payload, '$.about')) ELSE '{}' END
WHERE status != 'pending';
CREATE TRIGGER outbox_settled_keeps_no_text AFTER UPDATE OF status ON outbox
WHEN NEW.status != 'pending'
BEGIN
    UPDATE outbox SET payload = CASE
        WHEN json_type(NEW.payload, '$.about') IS NOT NULL
        THEN json_object('about', json_extract(NEW.payload, '$.about')) ELSE '{}' END
    WHERE id = NEW.id;
END;
