"""``/ubah_jadwal KS-…``: move or cancel one planned session, always with a reason.

The chat only asks, as a flow of the engine in ``handlers.forms``: which session, move or
cancel, why, and to which day. The rules of a move, the record of the change and the
notices are ``services.rescheduling``'s.
"""

from telegram.ext import ContextTypes, ConversationHandler

from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.parsing import parse_date
from domain.permissions import Action
from handlers.context import Request
from handlers.forms import DONE, Choice, Draft, Finished, Form, Invalid, Next, Stale, Step, build
from handlers.guards import refuse_object
from handlers.registry import RESCHEDULE
from handlers.render import session_line
from services import rescheduling
from services.rescheduling import REASON_MAX, REASON_MIN, Changed, Outcome

PREFIX = Prefix.RESCHEDULE
MOVE, CANCEL = "m", "x"
#: Why a move was refused, as the jaksa reads it; they are asked for another date.
_MOVE_PROBLEMS = {
    Outcome.OUTSIDE_PERIOD: "reschedule.outside_period",
    Outcome.DAY_OFF: "reschedule.day_off",
    Outcome.ALREADY_THAT_DAY: "reschedule.already_that_day",
    Outcome.SITE_FULL: "reschedule.site_full",
}


async def _case_named(req: Request, draft: Draft, args: list[str]) -> Next:
    if not args:
        raise Finished(req.texts("reschedule.usage"))
    code = args[0][:20]
    found = await rescheduling.upcoming(req.db.reader(), req.origin, code)
    if found is None:
        raise Finished(req.texts("schedule.case_not_found", code=code))
    if not found.sessions:
        raise Finished(req.texts("schedule.no_upcoming"))
    draft.update({"code": found.case.code})
    return None


async def _sessions(req: Request, draft: Draft) -> list[Choice]:
    found = await rescheduling.upcoming(req.db.reader(), req.origin, draft["code"])
    if found is None or not found.sessions:
        raise Finished(req.texts("schedule.no_upcoming"))
    return [
        Choice(session_line(req, s, found.site).lstrip("• "), str(s.id))
        for s in found.sessions[:20]
    ]


async def _session_chosen(req: Request, draft: Draft, value: str) -> Next:
    await _changeable(req, callbacks.decode_int(value))
    draft["session_id"] = int(value)
    return None


async def _changeable(req: Request, session_id: int | None) -> None:
    """The session can still be changed by me; otherwise the press is stale or refused."""
    found = await rescheduling.session_to_change(req.db.reader(), req.origin, session_id)
    if found.outcome is Outcome.STALE or found.session is None:
        raise Stale
    if found.outcome is Outcome.NOT_YOURS:
        await refuse_object(req, f"session:{found.session.id}")
        raise Finished()


async def _kinds(req: Request, draft: Draft) -> list[Choice]:
    return [
        Choice(req.texts.plain("reschedule.move"), MOVE),
        Choice(req.texts.plain("reschedule.cancel"), CANCEL),
    ]


async def _kind_chosen(req: Request, draft: Draft, value: str) -> Next:
    if value not in (MOVE, CANCEL):
        raise Stale
    await _changeable(req, draft.get("session_id"))
    draft["kind"] = value
    return None


async def _reason(req: Request, draft: Draft, text: str) -> Next:
    text = " ".join(text.split())
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise Invalid(req.texts("reschedule.bad_reason", min=REASON_MIN, max=REASON_MAX))
    draft["reason"] = text
    if draft["kind"] == MOVE:
        return None
    result = await rescheduling.cancel_session(
        req.origin, session_id=int(draft["session_id"]), reason=text
    )
    return await _answer(req, result)


async def _is_cancel(req: Request, draft: Draft) -> bool:
    return draft.get("kind") == CANCEL


async def _new_date(req: Request, draft: Draft, text: str) -> Next:
    day = parse_date(text)
    if day is None:
        raise Invalid(req.texts("case.bad_date"))
    result = await rescheduling.move_session(
        req.origin, session_id=int(draft["session_id"]), day=day, reason=str(draft["reason"])
    )
    return await _answer(req, result)


async def _answer(req: Request, result: Changed) -> Next:
    case, site, session = result.case, result.site, result.session
    if result.outcome in _MOVE_PROBLEMS and case is not None:
        deadline = case.deadline.strftime("%d-%m-%Y")
        raise Invalid(req.texts(_MOVE_PROBLEMS[result.outcome], deadline=deadline))
    if result.outcome is Outcome.NOT_YOURS and session is not None:
        await refuse_object(req, f"session:{session.id}")
        raise Finished()
    if result.outcome not in (Outcome.MOVED, Outcome.CANCELLED):
        raise Finished(req.texts("stale_button"))
    assert case is not None and site is not None and session is not None
    key = "reschedule.cancelled" if result.outcome is Outcome.CANCELLED else "reschedule.moved"
    await req.reply(req.texts(key, code=case.code, session=session_line(req, session, site)))
    return DONE


RESCHEDULE_FLOW = Form(
    name="reschedule",
    prefix=PREFIX,
    command=RESCHEDULE,
    action=Action.RESCHEDULE,
    start=_case_named,
    steps=(
        Step(
            "session",
            lambda r, d: r.texts("reschedule.choose", code=d["code"]),
            on_choice=_session_chosen,
            choices=_sessions,
            tag="s",
        ),
        Step(
            "kind",
            lambda r, d: r.texts("reschedule.ask_kind"),
            on_choice=_kind_chosen,
            choices=_kinds,
            tag="k",
            in_place=True,
        ),
        Step("reason", lambda r, d: r.texts("reschedule.ask_reason"), on_text=_reason, tag="r"),
        Step(
            "date",
            lambda r, d: r.texts("reschedule.ask_date"),
            on_text=_new_date,
            skip=_is_cancel,
            tag="d",
        ),
    ),
)


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    return build(RESCHEDULE_FLOW)
