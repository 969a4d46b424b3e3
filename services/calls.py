"""Offenders without Telegram: their number, the PK's evening call list, and the calls made.

The number is personal data (UU PDP): it is stored apart from the case
(``storage.repositories.phones``), never logged nor written into an audit row, shown only to
the case's PK and jaksa (on the call list, to whoever phones) and to the jaksa and admins who
manage the case, and deleted with the case's other personal data
(``services.personal_data.purge_case``).
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain import authority
from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.models import Case
from domain.phones import parse_phone
from services.origin import Origin
from storage.repositories.phones import CallItem
from texts import Html, Texts, join_lines
from texts.formatting import format_clock, format_day

CALLED = Prefix.CALLED


def fingerprint(items: list[CallItem]) -> str:
    stamps = ",".join(sorted(f"{i.session_id}@{i.starts_at.isoformat()}" for i in items))
    return hashlib.sha256(stamps.encode()).hexdigest()[:12]


def render_call_list(texts: Texts, items: list[CallItem], day: date) -> dict[str, object]:
    """The call list as its reader sees it: the text and a button per call still to make.
    The same for the planned message and for the list rewritten after a press."""
    lines: list[Html] = [texts("calls.header", day=format_day(day, texts.lang)), Html("")]
    for n, item in enumerate(items, start=1):
        zone, lang = item.timezone, texts.lang
        lines.append(
            texts(
                "calls.line",
                n=n,
                name=item.offender_name,
                code=item.case_code,
                phone=item.phone,
                # "08.00–10.00 WITA": the zone once.
                start=format_clock(item.starts_at, zone, lang).rsplit(" ", 1)[0],
                end=format_clock(item.ends_at, zone, lang),
                site=item.site_name,
                address=item.site_address,
            )
        )
        if item.called_at is not None:
            lines.append(texts("calls.done", at=format_clock(item.called_at, zone, lang)))
        else:
            lines.append(texts("calls.pending"))
    left = [i for i in items if i.called_at is None]
    lines += [Html(""), texts("calls.footer" if left else "calls.all_done")]
    buttons = [
        [
            [
                texts.plain("calls.button").format(name=item.offender_name),
                callbacks.encode(CALLED, item.session_id),
            ]
        ]
        for item in left
    ]
    message: dict[str, object] = {"text": join_lines(lines)}
    if buttons:
        message["buttons"] = buttons
    return message


class Outcome(StrEnum):
    MARKED = "marked"
    ALREADY = "already"  # marked before (by this press's twin, say): the list is shown again
    NOT_YOURS = "not_yours"  # no such session on this person's call list


@dataclass(frozen=True)
class Marked:
    outcome: Outcome
    day: date | None = None
    items: tuple[CallItem, ...] = ()


async def mark_called(origin: Origin, session_id: int) -> Marked:
    """ "Sudah dihubungi": the person whose call list holds this session phoned its
    offender. Recorded once, audited, and the whole list returned to be drawn again."""
    person_id = origin.person_id
    if person_id is None:
        return Marked(Outcome.NOT_YOURS)
    async with origin.transaction() as store:
        session = await store.cases.session(session_id)
        if session is None:
            return Marked(Outcome.NOT_YOURS)
        mine = await store.phones.call_items(
            caller_person_id=person_id, day=session.day, session_ids={session_id}
        )
        if not mine:
            return Marked(Outcome.NOT_YOURS)
        [item] = mine
        new = await store.phones.mark_called(
            session_id, item.starts_at, by=person_id, now=origin.now
        )
        if new:
            # Ids only: the number never goes into the audit log.
            await store.audit.append(
                action="call.made",
                subject=f"case:{item.case_id}",
                detail={"session_id": session_id},
                **origin.audit_fields(),
            )
        items = await store.phones.call_items(caller_person_id=person_id, day=session.day)
    return Marked(Outcome.MARKED if new else Outcome.ALREADY, session.day, tuple(items))


# -- the case says: no Telegram, call this number -------------------------------------------


class PhoneOutcome(StrEnum):
    SET = "set"
    CLEARED = "cleared"  # back to Telegram
    BAD_NUMBER = "bad_number"
    NOT_FOUND = "not_found"
    NOT_YOURS = "not_yours"  # it exists, but this actor does not manage it


@dataclass(frozen=True)
class PhoneSet:
    outcome: PhoneOutcome
    case: Case | None = None
    phone: str | None = None
    caller_person_id: int | None = None  # who phones: the PK, or the jaksa


async def set_phone(origin: Origin, *, code: str, phone_text: str | None) -> PhoneSet:
    """Say the case's offender has no Telegram and is phoned at this number, or
    (``phone_text`` None) that they use Telegram after all. The jaksa of the case's Kejari
    or an admin; audited without the number."""
    phone = None
    if phone_text is not None:
        phone = parse_phone(phone_text)
        if phone is None:
            return PhoneSet(PhoneOutcome.BAD_NUMBER)
    async with origin.transaction() as store:
        case = await store.cases.by_code(code)
        if case is None:
            return PhoneSet(PhoneOutcome.NOT_FOUND)
        if not authority.manages_case(origin.actor, case):
            return PhoneSet(PhoneOutcome.NOT_YOURS, case)
        if phone is None:
            changed = await store.phones.clear(case.id)
        else:
            changed = True
            await store.phones.set_phone(case.id, phone, by=origin.person_id, now=origin.now)
        if changed:
            await store.audit.append(
                action="case.phone_set" if phone else "case.phone_cleared",
                subject=f"case:{case.id}",
                **origin.audit_fields(),
            )
    caller = case.pk_person_id or case.jaksa_person_id
    outcome = PhoneOutcome.SET if phone else PhoneOutcome.CLEARED
    return PhoneSet(outcome, case, phone, caller)
