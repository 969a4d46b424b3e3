"""Reaching an offender: one interface, one class per channel.

The planner (``domain.reminders``) says *what* an offender must be told and *when*
(tomorrow's session, the evening before; the session, two hours before). How it reaches them
is the case's channel (``SessionFacts.channel``):

- :class:`TelegramChannel`: the offender's own chat, one outbox row per reminder (with the
  site's map pin once), as always.
- :class:`PhoneCallChannel`: the offender has no Telegram (a phone with WhatsApp and SMS
  only, or a shared one). The evening reminder becomes a line on their PK's call list (the
  jaksa's when the case has no PK), one message per caller and evening, with the number to
  phone and a "sudah dihubungi" button per person (``services.calls``). The reminder two
  hours before is not sent: nobody phones at six in the morning, and the call of the
  evening before already said it.

An SMS or WhatsApp gateway is a third class with a ``name`` and ``plan``, registered in
:func:`channels`; neither the planner nor ``scheduler.planning`` changes.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Protocol

from domain.reminders import PHONE_CALL, TELEGRAM, Due, Kind
from services import calls
from storage.repositories import Store
from texts import for_user


class Channel(Protocol):
    """One way of reaching offenders."""

    name: str

    async def plan(self, store: Store, dues: Sequence[Due], *, now: datetime) -> int:
        """Plan these offender reminders (all of this channel) inside the caller's
        transaction; returns how many outbox rows were new. Planning the same dues again
        must add nothing."""
        ...


class TelegramChannel:
    """The offender's own chat: the reminder as the outbox row it always was."""

    name = TELEGRAM

    def __init__(self, render: Callable[[Due], dict[str, object]]) -> None:
        self._render = render

    async def plan(self, store: Store, dues: Sequence[Due], *, now: datetime) -> int:
        added = 0
        for due in dues:
            added += await store.outbox.add(
                dedupe_key=due.dedupe_key,
                chat_id=due.recipient.chat_id,
                kind=due.kind,
                payload=self._render(due),
                due_at=due.due_at,
                now=now,
            )
            session = due.sessions[0]
            if due.kind == Kind.OFFENDER_EVENING and session.site_latitude is not None:
                # The site on a map, once per case: after that the offender knows the way.
                added += await store.outbox.add(
                    dedupe_key=f"pin:offender:{session.case_id}",
                    chat_id=due.recipient.chat_id,
                    kind="location",
                    payload={
                        "latitude": session.site_latitude,
                        "longitude": session.site_longitude,
                    },
                    due_at=due.due_at,
                    now=now,
                )
        return added


class PhoneCallChannel:
    """A person phones the offender: the evening reminders, when their moment has come,
    become the caller's call list for the next day.

    The list is written when it is due, not ahead (like the follow-ups), so it holds every
    call of that evening as things stand then. Its key names the sessions it lists: a
    session added to tomorrow later in the evening brings a new, complete list; the same
    sessions never a second one.
    """

    name = PHONE_CALL

    async def plan(self, store: Store, dues: Sequence[Due], *, now: datetime) -> int:
        lists: dict[tuple[int, int, str | None, date], set[int]] = {}
        for due in dues:
            if due.kind != Kind.OFFENDER_EVENING or due.due_at > now:
                continue  # not yet; or the reminder before the session, which a call replaces
            who = due.recipient
            session = due.sessions[0]
            key = (who.person_id, who.chat_id, who.language_code, session.day)
            lists.setdefault(key, set()).add(session.session_id)
        added = 0
        for (person_id, chat_id, language_code, day), _sessions in sorted(lists.items()):
            items = await store.phones.call_items(caller_person_id=person_id, day=day)
            if not items:
                continue
            texts = for_user(language_code)
            message = calls.render_call_list(texts, items, day)
            added += await store.outbox.add(
                dedupe_key=f"calls:{person_id}:{day.isoformat()}:{calls.fingerprint(items)}",
                chat_id=chat_id,
                kind=Kind.CALL_LIST,
                payload={
                    **message,
                    "about": [[i.session_id, i.starts_at.isoformat()] for i in items],
                },
                due_at=now,
                now=now,
            )
        return added


def channels(telegram_render: Callable[[Due], dict[str, object]]) -> dict[str, Channel]:
    """Every channel by name; the Telegram one renders with the planner's own texts."""
    found: list[Channel] = [TelegramChannel(telegram_render), PhoneCallChannel()]
    return {c.name: c for c in found}


async def plan_offender_reminders(
    store: Store,
    dues: Sequence[Due],
    *,
    now: datetime,
    telegram_render: Callable[[Due], dict[str, object]],
) -> int:
    """Hand each offender reminder to its case's channel; returns the new outbox rows."""
    by_channel: dict[str, list[Due]] = {}
    for due in dues:
        by_channel.setdefault(due.sessions[0].channel, []).append(due)
    known = channels(telegram_render)
    added = 0
    for name, items in by_channel.items():
        channel = known.get(name)
        if channel is not None:  # a channel this version does not know reaches nobody
            added += await channel.plan(store, items, now=now)
    return added
