"""Telling a third party, the one way: an outbox row in the caller's transaction.

The row is written with the change that prompted it, in the reader's language, so it goes
out once, survives a crash, and is paced with everything else the bot sends on its own.
"""

from collections.abc import Sequence
from datetime import datetime

from storage.repositories import Store
from texts import for_user


async def tell(
    store: Store,
    person_id: int | None,
    *,
    key: str,
    kind: str,
    about: str,
    now: datetime,
    buttons: Sequence[Sequence[tuple[str, str]]] | None = None,
    **values: object,
) -> bool:
    """Queue the text ``key`` for ``person_id``; ``about`` makes the row's key unique for
    what it says. False if there is nobody to tell or it was queued already.

    ``buttons``: rows of ``(label key, callback data)`` for an inline keyboard under the
    text, the labels written in the reader's language too.
    """
    person = await store.people.get(person_id) if person_id is not None else None
    if person is None or person.telegram_user_id <= 0:
        return False  # nobody, or a person whose data was erased (their id is negated)
    texts = for_user(person.language_code)
    payload: dict[str, object] = {"text": texts(key, **values)}
    if buttons:
        payload["buttons"] = [
            [[texts.plain(label), data] for label, data in row] for row in buttons
        ]
    return await store.outbox.add(
        dedupe_key=f"{about}:{person.id}",
        chat_id=person.telegram_user_id,
        kind=kind,
        payload=payload,
        due_at=now,
        now=now,
    )
