"""``/koreksi KS-…``: a jaksa or admin corrects an attendance record, or an absence, always
with a reason.

A flow of the engine in ``handlers.forms``: which record (or absence), then what to change.
"08.00-12.00 alasan" (optionally "istirahat 30") sets the record's times on its own day;
"hapus alasan" voids a record entered for the wrong person. For an absence, "08.00-12.00
alasan" withdraws it and records the attendance on its day instead. What a correction does to
the ledger and the case is ``services.corrections``'s.
"""

import re
from datetime import date
from zoneinfo import ZoneInfo

from telegram.ext import ContextTypes, ConversationHandler

from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.ledger import credit_for
from domain.parsing import parse_time
from domain.permissions import Action
from handlers.context import Request
from handlers.forms import DONE, Choice, Draft, Finished, Form, Invalid, Next, Stale, Step, build
from handlers.guards import refuse_object
from handlers.registry import CORRECT
from handlers.render import progress_line
from handlers.supervision import CODE_RE
from services import consequences, corrections
from services.attendance import Message
from services.consequences import Outcome as ChangeOutcome
from services.corrections import REASON_MIN, Corrected, Outcome
from texts import Html
from texts.formatting import format_day, format_duration

PREFIX = Prefix.CORRECTION
SHOWN = 10
RECORD, ABSENCE = "a", "b"  # a choice's kind: an attendance record, an absence
_RANGE = re.compile(
    r"^\s*(\S+)\s*[-–]\s*(\S+)\s+(?:(?:istirahat|break)\s+(\d{1,3})\s+)?(.+)$", re.I
)
_RULING = re.compile(r"^\s*(tidak\s+sah|sah|not\s+valid|invalid|valid)\s+(.{3,})$", re.I)
_VOID = re.compile(r"^\s*(hapus|void)\s+(.+)$", re.IGNORECASE)
_DONE = {
    Outcome.VOIDED: "correction.voided",
    Outcome.ABSENCE_CORRECTED: "correction.absence_done",
}
_REFUSED_TIMES = {
    Outcome.END_BEFORE_START: "attendance.end_before_start",
    Outcome.END_IN_FUTURE: "attendance.end_in_future",
}


async def _case_named(req: Request, draft: Draft, args: list[str]) -> Next:
    match = CODE_RE.search(" ".join(args))
    if match is None:
        raise Finished(req.texts("correction.usage"))
    found = await corrections.correctable(req.db.reader(), req.origin, match.group(0))
    if found is None:
        raise Finished(req.texts("schedule.case_not_found", code=match.group(0)))
    if not found.records and not found.absences:
        raise Finished(req.texts("correction.none", code=found.case.code))
    draft.update({"code": found.case.code, "case_id": found.case.id})
    return None


async def _records(req: Request, draft: Draft) -> list[Choice]:
    """The last records and absences of the case, newest last, as buttons."""
    found = await corrections.correctable(req.db.reader(), req.origin, draft["code"])
    if found is None or (not found.records and not found.absences):
        raise Finished(req.texts("correction.none", code=draft["code"]))
    zone = ZoneInfo(found.site.timezone)
    lang = req.texts.lang
    choices = []
    for record in found.records[-SHOWN:]:
        start = record.start.astimezone(zone)
        end = f"{record.end.astimezone(zone):%H.%M}" if record.end else "…"
        credited = format_duration(credit_for(found.ledger, record.id), lang)
        label = f"{format_day(start.date(), lang)} {start:%H.%M}–{end} ({credited})"
        choices.append(Choice(label, f"{RECORD}{record.id}"))
    for absence in found.absences[-SHOWN:]:
        label = req.texts.plain("correction.absence_button").format(
            day=format_day(date.fromisoformat(str(absence["day"])), lang),
            ruling=req.texts.plain(f"correction.ruling.{absence['ruling'] or 'pending'}"),
        )
        choices.append(Choice(label, f"{ABSENCE}{absence['id']}"))
    return choices


async def _chosen(req: Request, draft: Draft, value: str) -> Next:
    """The record or absence must still be one of this case's; otherwise the press is stale."""
    kind, chosen_id = value[:1], callbacks.decode_int(value[1:])
    reader = req.db.reader()
    draft.pop("attendance_id", None)
    draft.pop("absence_id", None)
    if kind == ABSENCE and chosen_id:
        absence = await reader.attendance.absence(chosen_id)
        if absence is None or absence["case_id"] != draft.get("case_id"):
            raise Stale
        draft["absence_id"] = chosen_id
        draft["absence_day"] = str(absence["day"])
        return None
    found = await reader.attendance.attendance(chosen_id) if kind == RECORD and chosen_id else None
    if found is None or found[0] != draft.get("case_id"):
        raise Stale
    draft["attendance_id"] = chosen_id
    return None


def _ask_change(req: Request, draft: Draft) -> Html:
    if draft.get("absence_id"):
        day = format_day(date.fromisoformat(draft["absence_day"]), req.texts.lang)
        return req.texts("correction.ask_absence", day=day, min=REASON_MIN)
    return req.texts("correction.ask", min=REASON_MIN)


def _ask_again(req: Request, draft: Draft) -> Html:
    key = "correction.ask_absence_again" if draft.get("absence_id") else "correction.ask"
    return req.texts(key, min=REASON_MIN)


async def _change(req: Request, draft: Draft, text: str) -> Next:
    message = req.update.message
    assert message is not None
    where = Message(message.chat_id, message.message_id, message.date)
    found = _RANGE.match(text)
    first = parse_time(found.group(1)) if found else None
    last = parse_time(found.group(2)) if found else None
    times = found is not None and first is not None and last is not None
    if draft.get("absence_id") and (turned := _RULING.match(text)):
        return await _change_ruling(req, draft, turned)
    if draft.get("absence_id"):
        # Times and a reason turn the absence into attendance; there is nothing to void.
        if not times:
            raise Invalid(_ask_again(req, draft))
        assert found is not None and first is not None and last is not None
        result = await corrections.absence_to_attendance(
            req.origin,
            absence_id=int(draft["absence_id"]),
            start=first,
            end=last,
            break_minutes=int(found.group(3)) if found.group(3) else None,
            reason=found.group(4).strip(),
            message=where,
        )
    elif void := _VOID.match(text):
        result = await corrections.void_attendance(
            req.origin,
            attendance_id=int(draft["attendance_id"]),
            reason=void.group(2).strip(),
            message=where,
        )
    elif times:
        assert found is not None and first is not None and last is not None
        result = await corrections.correct_attendance(
            req.origin,
            attendance_id=int(draft["attendance_id"]),
            start=first,
            end=last,
            break_minutes=int(found.group(3)) if found.group(3) else None,
            reason=found.group(4).strip(),
            message=where,
        )
    else:
        raise Invalid(_ask_again(req, draft))
    return await _answer(req, draft, result)


async def _change_ruling(req: Request, draft: Draft, turned: re.Match[str]) -> Next:
    """ "sah <alasan>" or "tidak sah <alasan>": the jaksa turns a ruling around; the old one
    stays on record."""
    valid = turned.group(1).lower() in ("sah", "valid")
    result = await consequences.change_ruling(
        req.origin, absence_id=int(draft["absence_id"]), valid=valid, reason=turned.group(2)
    )
    ruling = req.texts.plain(f"correction.ruling.{'sah' if valid else 'tidak_sah'}")
    if result.outcome is ChangeOutcome.BAD_REASON:
        raise Invalid(_ask_again(req, draft))
    if result.outcome is ChangeOutcome.NOT_YOURS and result.case is not None:
        await refuse_object(req, f"case:{result.case.id}")
        raise Finished()
    if result.outcome is ChangeOutcome.SAME:
        raise Finished(req.texts("ruling.same", ruling=ruling))
    if result.outcome is ChangeOutcome.NOT_NOW:
        raise Finished(req.texts("ruling.not_ruled"))
    if result.outcome is not ChangeOutcome.DONE or result.case is None:
        raise Finished(req.texts("stale_button"))
    day = format_day(date.fromisoformat(draft["absence_day"]), req.texts.lang)
    await req.reply(req.texts("ruling.changed", code=result.case.code, day=day, ruling=ruling))
    return DONE


async def _answer(req: Request, draft: Draft, result: Corrected) -> Next:
    case, ledger = result.case, result.ledger
    if result.outcome in _REFUSED_TIMES:
        raise Invalid(req.texts(_REFUSED_TIMES[result.outcome]))
    if result.outcome is Outcome.REASON_TOO_SHORT:
        raise Invalid(_ask_again(req, draft))
    if result.outcome is Outcome.NOT_YOURS and case is not None:
        await refuse_object(req, f"case:{case.id}")
        raise Finished()
    if result.life is not None and case is not None:
        # Refused by what the session is now (attended after all, cancelled...): say so.
        state = req.texts.plain(f"life.{result.life}")
        raise Finished(req.texts("correction.not_now", code=case.code, state=state))
    if result.outcome is Outcome.STALE or case is None or ledger is None:
        raise Finished(req.texts("stale_button"))
    key = _DONE.get(result.outcome, "correction.done")
    credited = format_duration(result.credited_minutes, req.texts.lang)
    await req.reply(
        Html(req.texts(key, code=case.code, credited=credited) + "\n" + progress_line(req, ledger))
    )
    return DONE


CORRECTION_FLOW = Form(
    name="correction",
    prefix=PREFIX,
    command=CORRECT,
    action=Action.CORRECT,
    start=_case_named,
    steps=(
        Step(
            "record",
            lambda r, d: r.texts("correction.choose", code=d["code"]),
            on_choice=_chosen,
            choices=_records,
            tag="r",
        ),
        Step("change", _ask_change, on_text=_change, again=_ask_again, tag="c"),
    ),
)


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    return build(CORRECTION_FLOW)
