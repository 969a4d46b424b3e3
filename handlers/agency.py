"""``/instansi_baru``: register an agency (type, name, parent, time zone), then confirm."""

from telegram.ext import ContextTypes, ConversationHandler

from domain import agencies as rules
from domain.callback_data import Prefix
from domain.permissions import Action
from domain.roles import AgencyType
from handlers.context import Request
from handlers.forms import Choice, Draft, Form, Invalid, Step, build
from handlers.registry import NEW_AGENCY
from services import agencies
from services.agencies import Outcome
from texts import Html
from texts.formatting import zone_abbreviation

NO_PARENT = "0"


def _type_label(req: Request, value: str) -> str:
    return req.texts.plain(f"agency_type.{value}")


async def _type_choices(req: Request, draft: Draft) -> list[Choice]:
    return [Choice(_type_label(req, t.value), t.value) for t in AgencyType]


async def _type(req: Request, draft: Draft, value: str) -> None:
    if value not in {t.value for t in AgencyType}:
        raise Invalid(req.texts("stale_button"))
    draft["type"] = value


async def _name(req: Request, draft: Draft, text: str) -> None:
    name = rules.clean_name(text)
    if name is None:
        raise Invalid(req.texts("agency.bad_name", max=rules.NAME_MAX))
    if await req.db.reader().agencies.by_name(name) is not None:
        raise Invalid(req.texts("agency.name_taken", name=name))
    draft["name"] = name


async def _parent_choices(req: Request, draft: Draft) -> list[Choice]:
    child = AgencyType(draft["type"])
    candidates = [
        a for a in await req.db.reader().agencies.all() if rules.parent_allowed(child, a.type)
    ]
    return [
        Choice(req.texts.plain("agency.no_parent"), NO_PARENT),
        *(Choice(a.name, str(a.id)) for a in candidates),
    ]


async def _no_parent_possible(req: Request, draft: Draft) -> bool:
    """A Kejati, a Pemprov or a Bapas stands alone: there is nothing to ask."""
    return not rules.ALLOWED_PARENTS[AgencyType(draft["type"])]


async def _parent(req: Request, draft: Draft, value: str) -> None:
    if value == NO_PARENT:
        draft["parent_id"] = draft["parent_name"] = None
        return
    parent = await req.db.reader().agencies.get(int(value)) if value.isdigit() else None
    child = AgencyType(draft["type"])
    if parent is None or not rules.parent_allowed(child, parent.type):
        raise Invalid(
            req.texts(
                "agency.parent_not_allowed",
                parent=parent.name if parent else "?",
                type=_type_label(req, child.value),
            )
        )
    draft["parent_id"], draft["parent_name"] = parent.id, parent.name


async def _zone_choices(req: Request, draft: Draft) -> list[Choice]:
    default = req.services.default_timezone
    ordered = [default, *(z for z in rules.TIMEZONES if z != default)]
    return [
        Choice(f"{zone_abbreviation(z)} — {z}", str(rules.TIMEZONES.index(z)))
        for z in ordered
        if z in rules.TIMEZONES
    ]


async def _zone(req: Request, draft: Draft, value: str) -> None:
    if not value.isdigit() or int(value) >= len(rules.TIMEZONES):
        raise Invalid(req.texts("stale_button"))
    draft["timezone"] = rules.TIMEZONES[int(value)]


async def _summary(req: Request, draft: Draft) -> Html:
    return req.texts(
        "agency.summary",
        type=_type_label(req, draft["type"]),
        name=draft["name"],
        parent=draft.get("parent_name") or req.texts.plain("agency.none"),
        timezone=f"{zone_abbreviation(draft['timezone'])} ({draft['timezone']})",
    )


async def _save(req: Request, draft: Draft) -> None:
    result = await agencies.create_agency(
        req.origin,
        type=AgencyType(draft["type"]),
        name=draft["name"],
        parent_id=draft.get("parent_id"),
        timezone=draft["timezone"],
    )
    if result.outcome is Outcome.NAME_TAKEN:
        # Someone registered the same name while this form was open.
        raise Invalid(req.texts("agency.name_taken", name=draft["name"]))
    if result.outcome is Outcome.BAD_NAME:
        raise Invalid(req.texts("agency.bad_name", max=rules.NAME_MAX))
    if result.outcome is Outcome.PARENT_NOT_ALLOWED:
        raise Invalid(
            req.texts(
                "agency.parent_not_allowed",
                parent=result.parent.name if result.parent else "?",
                type=_type_label(req, draft["type"]),
            )
        )
    if result.outcome is Outcome.BAD_TIMEZONE:
        raise Invalid(req.texts("stale_button"))
    if result.outcome is not Outcome.SAVED or result.agency is None:
        raise Invalid(req.texts("refused"))
    await req.reply(req.texts("agency.saved", name=result.agency.name))


AGENCY_FORM = Form(
    name="new_agency",
    prefix=Prefix.AGENCY_FORM,
    command=NEW_AGENCY,
    action=Action.NEW_AGENCY,
    steps=(
        Step(
            "type",
            lambda r, d: r.texts("agency.ask_type"),
            on_choice=_type,
            choices=_type_choices,
        ),
        Step("name", lambda r, d: r.texts("agency.ask_name", max=rules.NAME_MAX), on_text=_name),
        Step(
            "parent",
            lambda r, d: r.texts("agency.ask_parent", type=_type_label(r, d["type"])),
            on_choice=_parent,
            choices=_parent_choices,
            skip=_no_parent_possible,
        ),
        Step(
            "timezone",
            lambda r, d: r.texts(
                "agency.ask_timezone",
                default=f"{zone_abbreviation(r.services.default_timezone)}"
                f" ({r.services.default_timezone})",
            ),
            on_choice=_zone,
            choices=_zone_choices,
        ),
    ),
    summary=_summary,
    save=_save,
)


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    return build(AGENCY_FORM)
