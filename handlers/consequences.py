"""What follows an absence the jaksa rules (KUHP Pasal 85 ayat 7), in chat.

- the buttons under an absence alert: *sah* is one tap; *tidak sah* asks for a short reason
  and a confirmation, then offers what the decision allows next;
- ``/teguran KS-…`` (or that button): a written warning, teguran I then II;
- "plan the lost hours again" (a button): the hours no session holds any more;
- ``/tutup KS-…`` (or the button): close a running case as not completed, with the replaced
  sentence for the hours outstanding computed and rounded as the jaksa chooses, or for
  another reason.

Each is a flow of ``handlers.forms``; the rules are ``services.absences`` and
``services.consequences``'s.
"""

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ContextTypes, ConversationHandler

from domain import authority
from domain import callback_data as callbacks
from domain import consequences as law7
from domain.callback_data import Prefix
from domain.cases import CaseStatus, Consequence
from domain.models import Case
from domain.permissions import Action
from handlers.context import Request
from handlers.forms import (
    DONE,
    ButtonEntry,
    Choice,
    Draft,
    Finished,
    Form,
    Invalid,
    Next,
    Stale,
    Step,
    build,
)
from handlers.guards import button, refuse_object, stale
from handlers.registry import CLOSE, WARN
from handlers.supervision import CODE_RE
from services import absences, closing_record, consequences
from services.absences import Outcome as Ruling
from services.consequences import Outcome, Result
from services.figures import figures_of
from texts import Html, join_lines
from texts.formatting import format_day, format_hours

REPEAT = Prefix.REPEAT
_REFUSED = {
    Outcome.CASE_FINISHED: "enforce.case_finished",
    Outcome.NO_VIOLATION: "enforce.no_violation",
    Outcome.NOT_ORDERED: "enforce.not_ordered",
    Outcome.NO_MORE_WARNINGS: "enforce.no_more_warnings",
    Outcome.NOTHING_LOST: "enforce.nothing_lost",
    Outcome.BAD_PENALTY: "enforce.bad_penalty",
}


async def _refused(req: Request, result: Result) -> None:
    """Say why the step does not apply, in one line; a case not mine is refused as such."""
    case = result.case
    if result.outcome is Outcome.NOT_YOURS and case is not None:
        await refuse_object(req, f"case:{case.id}")
        raise Finished()
    if result.outcome in _REFUSED and case is not None:
        raise Finished(req.texts(_REFUSED[result.outcome], code=case.code))
    raise Finished(req.texts("stale_button"))


async def _say_refused(req: Request, result: Result) -> None:
    """A refusal at the confirm button, where the form has no step left to end."""
    try:
        await _refused(req, result)
    except Finished as refused:
        if refused.message is not None:
            await req.reply(refused.message)


async def next_steps(req: Request, case: Case) -> InlineKeyboardMarkup | None:
    """What the jaksa may do now about a case with a violation, or lost hours: the warning,
    and the consequence the decision ordered (never another)."""
    store = req.db.reader()
    site = await store.sites.get(case.site_id)
    assert site is not None
    standing = await consequences.standing_of(store, case, site, req.now)
    rows = []
    if standing.violations and law7.next_warning_level(standing.warnings):
        level = "I" * (standing.warnings + 1)
        rows.append(
            [
                (
                    req.texts.plain("enforce.button_warn").format(level=level),
                    callbacks.encode(Prefix.WARN, case.id),
                )
            ]
        )
    if standing.shortfall_minutes:
        rows.append(
            [
                (
                    req.texts.plain("enforce.button_repeat").format(
                        hours=format_hours(standing.shortfall_minutes)
                    ),
                    callbacks.encode(Prefix.REPEAT, case.id),
                )
            ]
        )
    if standing.violations and "pengganti" in law7.ordered_steps(case.consequence):
        rows.append(
            [
                (
                    req.texts.plain(f"enforce.button_close_{case.consequence.value}"),
                    callbacks.encode(Prefix.CLOSE, case.id),
                )
            ]
        )
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


# -- ruling ----------------------------------------------------------------------------------


async def _ruling_pressed(req: Request, draft: Draft, parts: list[str]) -> Next:
    """ "Sah" rules at once; "tidak sah" asks why first."""
    absence_id = callbacks.decode_int(parts[1])
    if parts[0] not in ("s", "t") or absence_id is None:
        raise Stale
    query = req.update.callback_query
    assert query is not None
    if parts[0] == "s":
        result = await absences.rule_absence(req.origin, absence_id=absence_id, valid=True)
        await _ruling_refused(req, result)
        await query.edit_message_reply_markup(None)
        assert result.case is not None
        await req.reply(
            join_lines(
                [
                    req.texts("absence.ruled_valid", code=result.case.code),
                    req.texts("ruling.told", code=result.case.code),
                ]
            ),
            reply_markup=await next_steps(req, result.case),
        )
        return DONE
    found = await absences.rulable(req.db.reader(), req.origin, absence_id)
    await _ruling_refused(req, found)
    assert found.case is not None
    absence = await req.db.reader().attendance.absence(absence_id)
    assert absence is not None
    draft.update(
        {
            "absence_id": absence_id,
            "code": found.case.code,
            "case_id": found.case.id,
            "name": found.case.offender_name,
            "day": str(absence["day"]),
        }
    )
    if query.message is not None:
        draft["alert"] = [query.message.chat.id, query.message.message_id]
    return None


async def _ruling_refused(req: Request, result: absences.Ruled) -> None:
    if result.outcome is Ruling.DONE:
        return
    if result.outcome is Ruling.NOT_YOURS and result.case is not None:
        await refuse_object(req, f"case:{result.case.id}")
        raise Finished()
    if result.outcome is Ruling.ALREADY:
        raise Finished(req.texts("absence.already_ruled"))
    if result.outcome is Ruling.BAD_REASON:
        raise Invalid(req.texts("ruling.bad_reason", min=absences.RULING_REASON_MIN))
    raise Stale  # withdrawn by a correction, or no such absence: the button no longer holds


async def _ruling_reason(req: Request, draft: Draft, text: str) -> Next:
    text = " ".join(text.split())
    if not absences.RULING_REASON_MIN <= len(text) <= absences.REASON_MAX:
        raise Invalid(req.texts("ruling.bad_reason", min=absences.RULING_REASON_MIN))
    draft["reason"] = text
    return None


async def _ruling_summary(req: Request, draft: Draft) -> Html:
    store = req.db.reader()
    case = await store.cases.get(int(draft["case_id"]))
    assert case is not None
    counted = (await store.consequences.violations_by_case([case.id])).get(case.id, 0)
    return req.texts(
        "ruling.confirm",
        code=case.code,
        name=case.offender_name,
        day=format_day(date.fromisoformat(draft["day"]), req.texts.lang),
        reason=draft["reason"],
        count=counted + 1,
        follows=consequences.Follows(case),
    )


async def _ruling_save(req: Request, draft: Draft) -> None:
    result = await absences.rule_absence(
        req.origin, absence_id=int(draft["absence_id"]), valid=False, reason=draft["reason"]
    )
    try:
        await _ruling_refused(req, result)
    except (Finished, Invalid) as refused:
        if refused.message is not None:
            await req.reply(refused.message)
        return
    except Stale:  # a correction withdrew the absence while the reason was typed
        await req.reply(req.texts("stale_button"))
        return
    case = result.case
    assert case is not None
    if alert := draft.get("alert"):
        await req.context.bot.edit_message_reply_markup(alert[0], alert[1], reply_markup=None)
    await req.reply(
        join_lines(
            [
                req.texts(
                    "absence.ruled_invalid",
                    code=case.code,
                    consequence=req.texts.plain(f"consequence.{case.consequence.value}"),
                    penalty=case.replaced_penalty,
                ),
                req.texts("ruling.told", code=case.code),
            ]
        ),
        reply_markup=await next_steps(req, case),
    )


RULING_FLOW = Form(
    name="ruling",
    prefix=Prefix.RULING_FORM,
    command=None,
    action=Action.RULE_ABSENCE,
    entries=(ButtonEntry(Prefix.RULE, 2, _ruling_pressed),),
    steps=(
        Step(
            "reason",
            lambda r, d: r.texts(
                "ruling.ask_reason",
                name=d["name"],
                day=format_day(date.fromisoformat(d["day"]), r.texts.lang),
            ),
            on_text=_ruling_reason,
            tag="r",
        ),
    ),
    summary=_ruling_summary,
    save=_ruling_save,
)


# -- teguran ---------------------------------------------------------------------------------


async def _case_named(req: Request, draft: Draft, args: list[str]) -> Next:
    match = CODE_RE.search(" ".join(args))
    if match is None:
        raise Finished(req.texts(f"enforce.usage_{draft['_form']}"))
    case = await req.db.reader().cases.by_code(match.group(0))
    if case is None:
        raise Finished(req.texts("schedule.case_not_found", code=match.group(0)))
    await _case_into(req, draft, case)
    return None


async def _case_into(req: Request, draft: Draft, case: Case | None) -> Case:
    if case is None:
        raise Finished(req.texts("stale_button"))
    if not authority.manages_case(req.actor, case):
        await refuse_object(req, f"case:{case.id}")
        raise Finished()
    if case.status is not CaseStatus.ACTIVE:
        raise Finished(req.texts("enforce.case_finished", code=case.code))
    draft.update(
        {
            "case_id": case.id,
            "code": case.code,
            "name": case.offender_name,
            "consequence": case.consequence.value,
            "ordered": case.replaced_penalty,
        }
    )
    return case


async def _case_pressed(req: Request, draft: Draft, parts: list[str]) -> Next:
    case_id = callbacks.decode_int(parts[0])
    await _case_into(req, draft, await req.db.reader().cases.get(case_id) if case_id else None)
    return None


async def _warn_begin(req: Request, draft: Draft, args: list[str]) -> Next:
    draft["_form"] = "warn"
    return await _case_named(req, draft, args)


async def _warning_text(req: Request, draft: Draft, text: str) -> Next:
    text = " ".join(text.split())
    if not law7.REASON_MIN <= len(text) <= law7.REASON_MAX:
        raise Invalid(req.texts("warning.bad_text", min=law7.REASON_MIN, max=law7.REASON_MAX))
    draft["text"] = text
    return None


async def _warning_summary(req: Request, draft: Draft) -> Html:
    store = req.db.reader()
    level = law7.next_warning_level(
        len(await store.consequences.warnings_of_case(draft["case_id"]))
    )
    return req.texts(
        "warning.confirm",
        code=draft["code"],
        name=draft["name"],
        text=draft["text"],
        level="I" * (level or 2),
    )


async def _warning_save(req: Request, draft: Draft) -> None:
    result = await consequences.warn(req.origin, case_id=int(draft["case_id"]), text=draft["text"])
    if result.outcome is not Outcome.DONE:
        await _say_refused(req, result)
        return
    assert result.case is not None and result.level is not None
    await req.reply(req.texts("warning.done", code=result.case.code, level="I" * result.level))
    letter = await closing_record.warning_letter(req.db, result.case.id, result.level)
    if letter is not None:
        await req.context.bot.send_document(
            req.chat_id,
            document=letter,
            filename=f"Teguran-{'I' * result.level}-{result.case.code}.pdf",
        )


WARNING_FLOW = Form(
    name="warning",
    prefix=Prefix.WARNING_FORM,
    command=WARN,
    action=Action.ENFORCE,
    start=_warn_begin,
    entries=(ButtonEntry(Prefix.WARN, 1, _case_pressed),),
    steps=(
        Step(
            "text",
            lambda r, d: r.texts("warning.ask", name=d["name"], code=d["code"]),
            on_text=_warning_text,
            tag="w",
        ),
    ),
    summary=_warning_summary,
    save=_warning_save,
)


# -- the lost hours again ------------------------------------------------------------------


@button(Action.ENFORCE)
async def repeat(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, REPEAT, 1)
    case_id = callbacks.decode_int(parts[0]) if parts else None
    if case_id is None:
        await stale(req)
        return
    result = await consequences.repeat_lost(req.origin, case_id=case_id)
    if result.outcome is not Outcome.DONE:
        if result.outcome is Outcome.NOT_YOURS and result.case is not None:
            await refuse_object(req, f"case:{result.case.id}")
            return
        key = _REFUSED.get(result.outcome)
        if key is None or result.case is None:
            await stale(req)
            return
        await query.answer(req.texts.plain(key).format(code=result.case.code), show_alert=True)
        return
    await query.answer()
    case = result.case
    assert case is not None
    store = req.db.reader()
    site = await store.sites.get(case.site_id)
    assert site is not None
    lines = [
        req.texts(
            "repeat.done",
            code=case.code,
            count=len(result.added),
            hours=format_hours(sum(s.minutes for s in result.added)),
        )
    ]
    lines += [req.texts("repeat.line", day=format_day(s.day, req.texts.lang)) for s in result.added]
    if result.shortfall_minutes:
        lines.append(
            req.texts(
                "repeat.short",
                hours=format_hours(result.shortfall_minutes),
                deadline=format_day(case.deadline, req.texts.lang),
            )
        )
    await req.reply(join_lines(lines))


# -- closing as not completed ----------------------------------------------------------------


async def _close_begin(req: Request, draft: Draft, args: list[str]) -> Next:
    draft["_form"] = "close"
    return await _case_named(req, draft, args)


async def _close_pressed(req: Request, draft: Draft, parts: list[str]) -> Next:
    await _case_pressed(req, draft, parts)
    draft["kind"] = "p"
    return None


async def _kinds(req: Request, draft: Draft) -> list[Choice]:
    case = await _case(req, draft)
    found = [Choice(req.texts.plain("closing.kind_other"), "o")]
    if case.consequence is not Consequence.REPEAT:
        found.insert(
            0, Choice(req.texts.plain(f"enforce.button_close_{case.consequence.value}"), "p")
        )
    return found


async def _kind(req: Request, draft: Draft, value: str) -> Next:
    if value not in ("p", "o"):
        raise Finished(req.texts("stale_button"))
    draft["kind"] = value
    return None


async def _case(req: Request, draft: Draft) -> Case:
    case = await req.db.reader().cases.get(int(draft["case_id"]))
    if case is None:
        raise Finished(req.texts("stale_button"))
    return case


async def _penalty_choices(req: Request, draft: Draft) -> list[Choice]:
    case = await _case(req, draft)
    if law7.parse_penalty(case.replaced_penalty) is None:
        return []
    return [
        Choice(req.texts.plain("closing.use_decision").format(penalty=case.replaced_penalty), "d")
    ]


async def _penalty_from_decision(req: Request, draft: Draft, value: str) -> Next:
    case = await _case(req, draft)
    return await _penalty_text(req, draft, case.replaced_penalty)


async def _penalty_text(req: Request, draft: Draft, text: str) -> Next:
    case = await _case(req, draft)
    found = await consequences.replacement(req.db.reader(), req.origin, case, text)
    if found is None:
        raise Invalid(req.texts(f"closing.bad_penalty_{case.consequence.value}"))
    draft["penalty"] = text[:60]
    return None


async def _replacement(req: Request, draft: Draft) -> consequences.Replacement:
    found = await consequences.replacement(
        req.db.reader(), req.origin, await _case(req, draft), draft["penalty"]
    )
    if found is None:
        raise Finished(req.texts("stale_button"))
    return found


async def _roundings(req: Request, draft: Draft) -> list[Choice]:
    found = await _replacement(req, draft)
    unit = found.penalty.unit
    return [
        Choice(
            req.texts.plain("closing.round_down").format(
                amount=consequences.amount_text(unit, found.part.down)
            ),
            "down",
        ),
        Choice(
            req.texts.plain("closing.round_up").format(
                amount=consequences.amount_text(unit, found.part.up)
            ),
            "up",
        ),
    ]


async def _rounding(req: Request, draft: Draft, value: str) -> Next:
    if value not in ("down", "up"):
        raise Finished(req.texts("stale_button"))
    draft["rounding"] = value
    return None


async def _rounding_settled(req: Request, draft: Draft) -> bool:
    """Asked only when the part is not whole: 36 days is 36 days."""
    if draft.get("kind") != "p":
        return True
    found = await _replacement(req, draft)
    if found.part.down == found.part.up:
        draft["rounding"] = "down"
        return True
    return False


async def _close_reason(req: Request, draft: Draft, text: str) -> Next:
    text = " ".join(text.split())
    if not law7.REASON_MIN <= len(text) <= law7.REASON_MAX:
        raise Invalid(req.texts("closing.bad_reason", min=law7.REASON_MIN, max=law7.REASON_MAX))
    draft["reason"] = text
    return None


def _ask_penalty(req: Request, draft: Draft) -> Html:
    return req.texts(f"closing.ask_penalty_{draft['consequence']}", penalty=draft["ordered"])


async def _close_summary(req: Request, draft: Draft) -> Html:
    case = await _case(req, draft)
    figures = await figures_of(req.db.reader(), case, now=req.now)
    lines = [
        req.texts(
            "closing.summary",
            code=case.code,
            name=case.offender_name,
            done=format_hours(figures.credited_minutes),
            total=case.hours_total,
            outstanding=format_hours(figures.remaining_minutes),
        )
    ]
    if draft.get("kind") == "p":
        found = await _replacement(req, draft)
        lines.append(
            req.texts(
                "closing.summary_part",
                basis=consequences.basis_text(found),
                part=consequences.amount_text(found.penalty.unit, found.amount(draft["rounding"])),
            )
        )
    lines.append(req.texts("closing.summary_reason", reason=draft["reason"]))
    return join_lines(lines)


async def _close_save(req: Request, draft: Draft) -> None:
    result = await consequences.close_case(
        req.origin,
        case_id=int(draft["case_id"]),
        reason=draft["reason"],
        penalty_text=draft.get("penalty") if draft.get("kind") == "p" else None,
        rounding=draft.get("rounding", "down"),
    )
    if result.outcome is not Outcome.DONE:
        await _say_refused(req, result)
        return
    assert result.case is not None
    await req.reply(req.texts("closing.done", code=result.case.code))


def _ask_kind(req: Request, draft: Draft) -> Html:
    return req.texts("closing.ask_kind", code=draft["code"], name=draft["name"])


async def _kind_chosen(req: Request, draft: Draft) -> bool:
    return "kind" in draft


async def _not_penalty(req: Request, draft: Draft) -> bool:
    return draft.get("kind") != "p"


CLOSING_FLOW = Form(
    name="closing",
    prefix=Prefix.CLOSING_FORM,
    command=CLOSE,
    action=Action.ENFORCE,
    start=_close_begin,
    entries=(ButtonEntry(Prefix.CLOSE, 1, _close_pressed),),
    steps=(
        Step("kind", _ask_kind, on_choice=_kind, choices=_kinds, skip=_kind_chosen, tag="k"),
        Step(
            "penalty",
            _ask_penalty,
            on_text=_penalty_text,
            on_choice=_penalty_from_decision,
            choices=_penalty_choices,
            skip=_not_penalty,
            tag="p",
        ),
        Step(
            "rounding",
            lambda r, d: r.texts("closing.ask_rounding"),
            on_choice=_rounding,
            choices=_roundings,
            skip=_rounding_settled,
            tag="b",
        ),
        Step(
            "reason",
            lambda r, d: r.texts("closing.ask_reason", min=law7.REASON_MIN),
            on_text=_close_reason,
            tag="r",
        ),
    ),
    summary=_close_summary,
    save=_close_save,
)


def conversations() -> list[ConversationHandler[ContextTypes.DEFAULT_TYPE]]:
    return [build(RULING_FLOW), build(WARNING_FLOW), build(CLOSING_FLOW)]
