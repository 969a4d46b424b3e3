"""``/kasus_baru``: a case from a court decision, its sessions and the offender's invitation.

Each answer is checked as it is given, with the rule from ``domain/`` that the spreadsheet
import uses too. Saving plans the sessions at once; when the days up to the deadline cannot
hold the hours, the reply says so with the shortfall, and the jaksa decides.
"""

from datetime import date
from zoneinfo import ZoneInfo

from telegram.ext import ContextTypes, ConversationHandler

from domain import law
from domain.callback_data import Prefix
from domain.cases import (
    DEFAULT_SESSION_START,
    CaseDraft,
    CaseTerms,
    Consequence,
    Problem,
    check_dates,
    check_hours_per_day,
    check_hours_total,
    check_text,
)
from domain.parsing import parse_date, parse_int, parse_time, parse_weekdays
from domain.permissions import Action
from domain.phones import parse_phone
from domain.roles import Role
from handlers.context import Request
from handlers.forms import Choice, Draft, Form, Invalid, Step, TextParser, build
from handlers.registry import NEW_CASE
from handlers.render import plan_report, problem_text, send_invitation
from services import cases
from services.cases import Outcome
from texts import Html, Texts, join_lines
from texts.formatting import WEEKDAY_KEYS, format_day, weekday_names


def _today(req: Request) -> date:
    return req.now.astimezone(ZoneInfo(req.services.default_timezone)).date()


def _text_step(field: str, lo: int = 3, hi: int = 200) -> TextParser:
    async def parse(req: Request, draft: Draft, text: str) -> None:
        value = " ".join(text.split())
        if (problem := check_text(field, value, lo, hi)) is not None:
            raise Invalid(problem_text(req.texts, problem))
        if field == "decision_number" and await req.db.reader().cases.by_decision_number(value):
            raise Invalid(req.texts("case.decision_exists", number=value))
        draft[field] = value

    return parse


async def _decision_date(req: Request, draft: Draft, text: str) -> None:
    day = parse_date(text)
    if day is None:
        raise Invalid(req.texts("case.bad_date"))
    if day > _today(req):
        raise Invalid(req.texts("case.decision_in_future"))
    draft["decision_date"] = day.isoformat()


async def _hours_total(req: Request, draft: Draft, text: str) -> None:
    hours = parse_int(text.lower().removesuffix("jam").strip())
    problem = check_hours_total(hours if hours is not None else -1)
    if problem is not None:
        raise Invalid(problem_text(req.texts, problem))
    draft["hours_total"] = hours


async def _hours_per_day(req: Request, draft: Draft, text: str) -> None:
    hours = parse_int(text.lower().removesuffix("jam").strip())
    problem = check_hours_per_day(hours if hours is not None else -1)
    if problem is not None:
        raise Invalid(problem_text(req.texts, problem))
    draft["hours_per_day"] = hours


async def _hours_per_day_choices(req: Request, draft: Draft) -> list[Choice]:
    return [Choice(str(h), str(h)) for h in range(1, law.DAILY_HOURS_MAX + 1)]


async def _weekday_choices(req: Request, draft: Draft) -> list[Choice]:
    chosen = set(draft.get("weekdays", []))
    options = [
        Choice(("✅ " if d in chosen else "") + req.texts.plain(key), str(d))
        for d, key in enumerate(WEEKDAY_KEYS)
    ]
    return [*options, Choice(req.texts.plain("case.weekdays_done"), "done")]


async def _weekday_toggle(req: Request, draft: Draft, value: str) -> None:
    chosen = set(draft.get("weekdays", []))
    if value == "done":
        if not chosen:
            raise Invalid(req.texts("case.no_weekdays"))
        draft["_done"] = True
        return
    day = parse_int(value)
    if day is None or not 0 <= day <= 6:
        raise Invalid(req.texts("stale_button"))
    chosen ^= {day}
    draft["weekdays"] = sorted(chosen)


async def _weekdays_typed(req: Request, draft: Draft, text: str) -> None:
    days = parse_weekdays(text)
    if not days:
        raise Invalid(req.texts("case.bad_weekdays"))
    draft["weekdays"] = sorted(days)


async def _site_choices(req: Request, draft: Draft) -> list[Choice]:
    return [Choice(s.name, str(s.id)) for s in await req.db.reader().sites.all()]


async def _site(req: Request, draft: Draft, value: str) -> None:
    site = await req.db.reader().sites.get(int(value)) if value.isdigit() else None
    if site is None:
        raise Invalid(req.texts("stale_button"))
    draft["site_id"] = site.id
    draft["site_name"] = site.name


async def _start_date(req: Request, draft: Draft, text: str) -> None:
    day = parse_date(text)
    if day is None:
        raise Invalid(req.texts("case.bad_date"))
    if day < date.fromisoformat(draft["decision_date"]):
        raise Invalid(req.texts("case.start_before_decision"))
    draft["start_date"] = day.isoformat()


def _latest(draft: Draft) -> date:
    return law.latest_deadline(date.fromisoformat(draft["start_date"]))


async def _deadline_choices(req: Request, draft: Draft) -> list[Choice]:
    label = req.texts.plain("case.deadline_default").format(
        date=format_day(_latest(draft), req.texts.lang)
    )
    return [Choice(label, "default")]


async def _deadline_default(req: Request, draft: Draft, value: str) -> None:
    draft["deadline"] = _latest(draft).isoformat()


async def _deadline_typed(req: Request, draft: Draft, text: str) -> None:
    day = parse_date(text)
    if day is None:
        raise Invalid(req.texts("case.bad_date"))
    start = date.fromisoformat(draft["start_date"])
    problems = check_dates(date.fromisoformat(draft["decision_date"]), start, day, _today(req))
    problems = [p for p in problems if p.field == "deadline"]
    if problems:
        raise Invalid(_problem(req.texts, problems[0]))
    draft["deadline"] = day.isoformat()


def _problem(texts: Texts, problem: Problem) -> Html:
    """A rule's message, with dates written the Indonesian way."""
    values = {
        k: format_day(v, texts.lang) if isinstance(v, date) else v
        for k, v in problem.values.items()
    }
    return texts(problem.key, **values)


async def _session_start_choices(req: Request, draft: Draft) -> list[Choice]:
    return [Choice(DEFAULT_SESSION_START.strftime("%H.%M"), "default")]


async def _session_start_default(req: Request, draft: Draft, value: str) -> None:
    draft["session_start"] = DEFAULT_SESSION_START.strftime("%H:%M")


async def _session_start_typed(req: Request, draft: Draft, text: str) -> None:
    clock = parse_time(text)
    if clock is None:
        raise Invalid(req.texts("case.bad_time"))
    # A session never runs past midnight: the day's hours must fit after the start.
    if clock.hour * 60 + clock.minute + draft["hours_per_day"] * 60 > 24 * 60:
        raise Invalid(req.texts("case.start_too_late", hours=draft["hours_per_day"]))
    draft["session_start"] = clock.strftime("%H:%M")


async def _consequence_choices(req: Request, draft: Draft) -> list[Choice]:
    return [Choice(req.texts.plain(f"consequence.{c.value}"), c.value) for c in Consequence]


async def _consequence(req: Request, draft: Draft, value: str) -> None:
    if value not in {c.value for c in Consequence}:
        raise Invalid(req.texts("stale_button"))
    draft["consequence"] = value


async def _jaksa_choices(req: Request, draft: Draft) -> list[Choice]:
    options = await cases.jaksa_options(req.db.reader(), req.actor)
    me = req.texts.plain("case.me")
    return [
        Choice(f"{me if o.is_me else o.person.full_name} — {o.agency.name}", str(o.membership.id))
        for o in options
    ]


async def _skip_jaksa(req: Request, draft: Draft) -> bool:
    """A jaksa of one office is the responsible jaksa by default; nothing to ask."""
    options = await cases.jaksa_options(req.db.reader(), req.actor)
    mine = cases.default_jaksa(req.actor, options)
    if mine is not None:
        draft["jaksa_membership_id"] = mine.id
        return True
    return False


async def _jaksa(req: Request, draft: Draft, value: str) -> None:
    options = await cases.jaksa_options(req.db.reader(), req.actor)
    membership_id = parse_int(value)
    if membership_id not in {o.membership.id for o in options}:
        raise Invalid(req.texts("stale_button"))
    draft["jaksa_membership_id"] = membership_id


async def _pk_choices(req: Request, draft: Draft) -> list[Choice]:
    people = await cases.pk_options(req.db.reader())
    return [Choice(req.texts.plain("case.no_pk"), "0")] + [
        Choice(p.full_name, str(p.id)) for p in people
    ]


async def _pk(req: Request, draft: Draft, value: str) -> None:
    person_id = parse_int(value)
    if person_id is None or value not in {c.value for c in await _pk_choices(req, draft)}:
        raise Invalid(req.texts("stale_button"))
    draft["pk_person_id"] = person_id or None


async def _telegram_choices(req: Request, draft: Draft) -> list[Choice]:
    return [
        Choice(req.texts.plain("case.has_telegram"), "y"),
        Choice(req.texts.plain("case.no_telegram"), "n"),
    ]


async def _telegram(req: Request, draft: Draft, value: str) -> None:
    if value not in ("y", "n"):
        raise Invalid(req.texts("stale_button"))
    draft["has_telegram"] = value == "y"
    draft["phone"] = None


async def _skip_phone(req: Request, draft: Draft) -> bool:
    return bool(draft.get("has_telegram", True))


async def _phone(req: Request, draft: Draft, text: str) -> None:
    phone = parse_phone(text)
    if phone is None:
        raise Invalid(req.texts("case.bad_phone"))
    draft["phone"] = phone


async def _case_draft(req: Request, draft: Draft) -> CaseDraft:
    membership = await req.db.reader().people.membership(draft["jaksa_membership_id"])
    if membership is None or membership.revoked_at is not None:
        raise Invalid(req.texts("stale_button"))
    terms = CaseTerms(
        hours_total=draft["hours_total"],
        hours_per_day=draft["hours_per_day"],
        weekdays=frozenset(draft["weekdays"]),
        start_date=date.fromisoformat(draft["start_date"]),
        deadline=date.fromisoformat(draft["deadline"]),
        session_start=parse_time(draft["session_start"]) or DEFAULT_SESSION_START,
    )
    return CaseDraft(
        offender_name=draft["offender_name"],
        decision_number=draft["decision_number"],
        court=draft["court"],
        decision_date=date.fromisoformat(draft["decision_date"]),
        terms=terms,
        site_id=draft["site_id"],
        consequence=Consequence(draft["consequence"]),
        replaced_penalty=draft["replaced_penalty"],
        jaksa_person_id=membership.person_id,
        pk_person_id=draft.get("pk_person_id"),
        phone=draft.get("phone"),
    )


async def _summary(req: Request, draft: Draft) -> Html:
    case = await _case_draft(req, draft)
    lang = req.texts.lang
    summary = req.texts(
        "case.summary",
        offender=case.offender_name,
        number=case.decision_number,
        court=case.court,
        decision_date=format_day(case.decision_date, lang),
        hours=case.terms.hours_total,
        per_day=case.terms.hours_per_day,
        weekdays=weekday_names(req.texts, case.terms.weekdays),
        site=draft["site_name"],
        start=format_day(case.terms.start_date, lang),
        deadline=format_day(case.terms.deadline, lang),
        session_start=case.terms.session_start.strftime("%H.%M"),
        consequence=req.texts.plain(f"consequence.{case.consequence.value}"),
        penalty=case.replaced_penalty,
    )
    if case.phone:
        return Html(summary + req.texts("case.summary_phone", phone=case.phone))
    return Html(summary + req.texts("case.summary_telegram"))


async def _save(req: Request, draft: Draft) -> None:
    case_draft = await _case_draft(req, draft)
    result = await cases.new_case(
        req.origin,
        case_draft,
        jaksa_membership_id=draft["jaksa_membership_id"],
        today=_today(req),
        invitation_validity=req.services.invitation_validity,
    )
    if result.outcome is Outcome.INVALID:
        raise Invalid(join_lines([_problem(req.texts, p) for p in result.problems]))
    if result.outcome is Outcome.DECISION_EXISTS:
        raise Invalid(req.texts("case.decision_exists", number=case_draft.decision_number))
    if result.outcome is Outcome.STALE:
        raise Invalid(req.texts("stale_button"))
    created = result.created
    assert created is not None
    await req.reply(await plan_report(req, created.case, created.plan))
    if created.invitation_token is None:
        # No Telegram: no invitation card; the evening reminder is a call on a list.
        pk = created.case.pk_person_id
        key = "case.created_no_telegram" if pk else "case.created_no_telegram_jaksa"
        await req.reply(req.texts(key))
        return
    await send_invitation(
        req,
        created.invitation_token,
        Role.TERPIDANA,
        created.agency,
        req.now + req.services.invitation_validity,
        case=created.case,
    )


async def _precheck(req: Request) -> Html | None:
    """A case needs a site to work at and a jaksa to answer for it."""
    if not await req.db.reader().sites.all():
        return req.texts("case.no_site")
    if not await cases.jaksa_options(req.db.reader(), req.actor):
        return req.texts("case.no_jaksa")
    return None


CASE_FORM = Form(
    name="new_case",
    prefix=Prefix.CASE_FORM,
    command=NEW_CASE,
    action=Action.NEW_CASE,
    steps=(
        Step(
            "offender_name",
            lambda r, d: r.texts("case.ask_offender"),
            on_text=_text_step("offender_name", 3, 120),
        ),
        Step(
            "decision_number",
            lambda r, d: r.texts("case.ask_number"),
            on_text=_text_step("decision_number"),
        ),
        Step("court", lambda r, d: r.texts("case.ask_court"), on_text=_text_step("court")),
        Step(
            "decision_date", lambda r, d: r.texts("case.ask_decision_date"), on_text=_decision_date
        ),
        Step(
            "hours_total",
            lambda r, d: r.texts(
                "case.ask_hours_total", min=law.TOTAL_HOURS_MIN, max=law.TOTAL_HOURS_MAX
            ),
            on_text=_hours_total,
        ),
        Step(
            "hours_per_day",
            lambda r, d: r.texts("case.ask_hours_per_day", max=law.DAILY_HOURS_MAX),
            on_text=_hours_per_day,
            on_choice=_hours_per_day,
            choices=_hours_per_day_choices,
        ),
        Step(
            "weekdays",
            lambda r, d: r.texts("case.ask_weekdays"),
            on_text=_weekdays_typed,
            on_choice=_weekday_toggle,
            choices=_weekday_choices,
            repeat_until_done=True,
        ),
        Step("site", lambda r, d: r.texts("case.ask_site"), on_choice=_site, choices=_site_choices),
        Step("start_date", lambda r, d: r.texts("case.ask_start"), on_text=_start_date),
        Step(
            "deadline",
            lambda r, d: r.texts("case.ask_deadline"),
            on_text=_deadline_typed,
            on_choice=_deadline_default,
            choices=_deadline_choices,
        ),
        Step(
            "session_start",
            lambda r, d: r.texts("case.ask_session_start"),
            on_text=_session_start_typed,
            on_choice=_session_start_default,
            choices=_session_start_choices,
        ),
        Step(
            "consequence",
            lambda r, d: r.texts("case.ask_consequence"),
            on_choice=_consequence,
            choices=_consequence_choices,
        ),
        Step(
            "replaced_penalty",
            lambda r, d: r.texts("case.ask_penalty"),
            on_text=_text_step("replaced_penalty"),
        ),
        Step(
            "jaksa",
            lambda r, d: r.texts("case.ask_jaksa"),
            on_choice=_jaksa,
            choices=_jaksa_choices,
            skip=_skip_jaksa,
        ),
        Step("pk", lambda r, d: r.texts("case.ask_pk"), on_choice=_pk, choices=_pk_choices),
        Step(
            "telegram",
            lambda r, d: r.texts("case.ask_telegram"),
            on_choice=_telegram,
            choices=_telegram_choices,
        ),
        Step("phone", lambda r, d: r.texts("case.ask_phone"), on_text=_phone, skip=_skip_phone),
    ),
    summary=_summary,
    save=_save,
    precheck=_precheck,
)


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    return build(CASE_FORM)
