"""``/serahkan KS-… jaksa|pk``: hand a case to another jaksa or PK (leave, a transfer).

A flow of the engine in ``handlers.forms``: which duty (unless the command says), the new
person among those who may take it (buttons), a reason, then a summary to confirm. The rules
and the one transaction are ``services.handover``'s.
"""

from telegram.ext import ContextTypes, ConversationHandler

from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.permissions import Action
from handlers.context import Request
from handlers.forms import Choice, Draft, Finished, Form, Invalid, Next, Stale, Step, build
from handlers.guards import refuse_object
from handlers.registry import HAND_OVER
from handlers.supervision import CODE_RE
from services import handover
from services.handover import REASON_MAX, REASON_MIN, Duty, Handover, Outcome
from texts import Html, join_lines

_DUTIES = {"jaksa": Duty.JAKSA, "pk": Duty.PK, "prosecutor": Duty.JAKSA}
_REFUSED = {
    Outcome.CLOSED: "handover.closed",
    Outcome.NOBODY: "handover.nobody",
    Outcome.SAME_PERSON: "handover.same",
}


def _duty_word(req: Request, duty: Duty) -> str:
    return req.texts.plain(f"handover.duty.{duty.value}")


async def _refusal(req: Request, draft: Draft, found: Handover) -> Finished:
    """The one line that ends the flow for an outcome other than going ahead."""
    code = draft.get("code", "")
    if found.outcome is Outcome.NOT_FOUND:
        return Finished(req.texts("schedule.case_not_found", code=code))
    if found.outcome is Outcome.NOT_YOURS and found.case is not None:
        await refuse_object(req, f"case:{found.case.id}")
        return Finished()
    key = _REFUSED.get(found.outcome)
    if key is None:
        return Finished(req.texts("stale_button"))
    case = found.case
    return Finished(
        req.texts(
            key,
            code=case.code if case else code,
            duty=_duty_word(req, found.duty),
            status=case.status.value if case else "",
            name=found.current.full_name if found.current else "",
        )
    )


async def _look(req: Request, draft: Draft) -> Handover:
    found = await handover.options(req.db.reader(), req.origin, draft["code"], Duty(draft["duty"]))
    if found.outcome is not Outcome.READY:
        raise await _refusal(req, draft, found)
    assert found.case is not None
    draft["case_id"] = found.case.id
    draft["name"] = found.case.offender_name
    draft["current"] = found.current.full_name if found.current else ""
    return found


async def _begin(req: Request, draft: Draft, args: list[str]) -> Next:
    match = CODE_RE.search(" ".join(args))
    if match is None:
        raise Finished(req.texts("handover.usage"))
    draft["code"] = match.group(0)
    words = {a.lower() for a in args}
    duties = {d for w, d in _DUTIES.items() if w in words}
    if len(duties) == 1:
        draft["duty"] = duties.pop().value
        await _look(req, draft)
        return None
    # Which duty: asked with buttons, after the case is known to be one to hand over at all.
    found = await handover.options(req.db.reader(), req.origin, draft["code"], Duty.JAKSA)
    if found.outcome in (Outcome.NOT_FOUND, Outcome.NOT_YOURS, Outcome.CLOSED):
        raise await _refusal(req, draft, found)
    return None


async def _duties(req: Request, draft: Draft) -> list[Choice]:
    return [Choice(_duty_word(req, d), d.value) for d in Duty]


async def _duty_chosen(req: Request, draft: Draft, value: str) -> Next:
    if value not in {d.value for d in Duty}:
        raise Stale
    draft["duty"] = value
    await _look(req, draft)
    return None


async def _people(req: Request, draft: Draft) -> list[Choice]:
    found = await _look(req, draft)
    return [
        Choice(f"{c.person.full_name} — {c.agency.name}", str(c.person.id))
        for c in found.candidates
    ]


async def _person_chosen(req: Request, draft: Draft, value: str) -> Next:
    person_id = callbacks.decode_int(value)
    found = await _look(req, draft)
    chosen = next((c for c in found.candidates if c.person.id == person_id), None)
    if chosen is None:
        raise Stale
    draft["person_id"] = chosen.person.id
    draft["person"] = chosen.person.full_name
    draft["agency"] = chosen.agency.name
    return None


async def _reason(req: Request, draft: Draft, text: str) -> Next:
    text = " ".join(text.split())
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise Invalid(req.texts("handover.bad_reason", min=REASON_MIN, max=REASON_MAX))
    draft["reason"] = text
    return None


def _choose_prompt(req: Request, draft: Draft) -> Html:
    key = "handover.choose" if draft.get("current") else "handover.choose_first"
    return req.texts(
        key,
        code=draft["code"],
        name=draft.get("name", ""),
        duty=_duty_word(req, Duty(draft["duty"])),
        current=draft.get("current", ""),
    )


async def _summary(req: Request, draft: Draft) -> Html:
    return req.texts(
        "handover.summary",
        code=draft["code"],
        name=draft["name"],
        duty=_duty_word(req, Duty(draft["duty"])),
        old=draft.get("current") or req.texts.plain("handover.nobody_yet"),
        new=draft["person"],
        agency=draft["agency"],
        reason=draft["reason"],
    )


async def _save(req: Request, draft: Draft) -> None:
    result = await handover.hand_over(
        req.origin,
        case_id=int(draft["case_id"]),
        duty=Duty(draft["duty"]),
        person_id=int(draft["person_id"]),
        reason=draft["reason"],
    )
    if result.outcome is not Outcome.HANDED_OVER:
        refused = await _refusal(req, draft, result)
        if refused.message is not None:
            await req.reply(refused.message)
        return
    assert result.case is not None and result.new is not None
    lines = [
        req.texts(
            "handover.done",
            code=result.case.code,
            duty=_duty_word(req, result.duty),
            new=result.new.full_name,
        )
    ]
    old = result.current
    if old is not None and old.id != req.origin.person_id:
        lines.append(req.texts("handover.done_old", old=old.full_name))
    await req.reply(join_lines(lines))


HANDOVER_FLOW = Form(
    name="handover",
    prefix=Prefix.HANDOVER_FORM,
    command=HAND_OVER,
    action=Action.HAND_OVER,
    start=_begin,
    steps=(
        Step(
            "duty",
            lambda r, d: r.texts("handover.choose_duty", code=d["code"]),
            on_choice=_duty_chosen,
            choices=_duties,
            skip=lambda r, d: _known(d),
            tag="d",
        ),
        Step("person", _choose_prompt, on_choice=_person_chosen, choices=_people, tag="p"),
        Step(
            "reason",
            lambda r, d: r.texts("handover.ask_reason", person=d["person"], min=REASON_MIN),
            on_text=_reason,
            tag="r",
        ),
    ),
    summary=_summary,
    save=_save,
)


async def _known(draft: Draft) -> bool:
    return "duty" in draft


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    return build(HANDOVER_FLOW)
