"""``/lokasi_baru`` (register a work site) and ``/lokasi`` (list them).

A site is offered by a local government (Pemprov, Pemkab, Pemkot or one of their dinas).
It cannot be saved without the declaration that the work there is not commercial and does
not degrade human dignity (Pasal 85(3) and the cooperation agreement).
"""

from telegram.ext import ContextTypes, ConversationHandler

from domain import sites as rules
from domain.agencies import TIMEZONES
from domain.callback_data import Prefix
from domain.cases import Problem
from domain.parsing import parse_coordinates, parse_int
from domain.permissions import Action
from handlers.context import Request
from handlers.forms import Choice, Draft, Form, Invalid, Step, build
from handlers.guards import command
from handlers.registry import NEW_SITE
from handlers.render import problem_text
from services import sites
from services.sites import Outcome
from texts import Html, Texts, join_lines
from texts.formatting import zone_abbreviation

RADIUS_CHOICES = (50, 100, 150, 250, 500)
CAPACITY_CHOICES = (1, 2, 3, 5, 10)


def _invalid(texts: Texts, problem: Problem | None) -> None:
    if problem is not None:
        raise Invalid(problem_text(texts, problem))


async def _name(req: Request, draft: Draft, text: str) -> None:
    name = " ".join(text.split())
    if not 3 <= len(name) <= 120:
        raise Invalid(req.texts("site.bad_name"))
    if await req.db.reader().sites.by_name(name) is not None:
        raise Invalid(req.texts("site.name_taken", name=name))
    draft["name"] = name


async def _host_choices(req: Request, draft: Draft) -> list[Choice]:
    return [Choice(a.name, str(a.id)) for a in await sites.host_agencies(req.db.reader())]


async def _host(req: Request, draft: Draft, value: str) -> None:
    agency = await req.db.reader().agencies.get(int(value)) if value.isdigit() else None
    if agency is None or agency.type not in sites.HOST_TYPES:
        raise Invalid(req.texts("stale_button"))
    draft["host_agency_id"] = agency.id
    draft["host_agency_name"] = agency.name
    draft["agency_timezone"] = agency.timezone


async def _address(req: Request, draft: Draft, text: str) -> None:
    address = " ".join(text.split())
    if not 3 <= len(address) <= 300:
        raise Invalid(req.texts("site.bad_address"))
    draft["address"] = address


async def _pin(req: Request, draft: Draft, latitude: float, longitude: float) -> None:
    draft["latitude"], draft["longitude"] = latitude, longitude


async def _typed_pin(req: Request, draft: Draft, text: str) -> None:
    found = parse_coordinates(text)
    if found is None:
        raise Invalid(req.texts("site.bad_location"))
    await _pin(req, draft, *found)


async def _radius(req: Request, draft: Draft, text: str) -> None:
    radius = parse_int(text.removesuffix("m").strip())
    if radius is None or not rules.RADIUS_MIN_M <= radius <= rules.RADIUS_MAX_M:
        raise Invalid(req.texts("site.bad_radius", min=rules.RADIUS_MIN_M, max=rules.RADIUS_MAX_M))
    draft["radius_m"] = radius


async def _radius_choices(req: Request, draft: Draft) -> list[Choice]:
    return [
        Choice(
            f"{r} m" + (f" ({req.texts.plain('default')})" if r == rules.RADIUS_DEFAULT_M else ""),
            str(r),
        )
        for r in RADIUS_CHOICES
    ]


async def _zone_choices(req: Request, draft: Draft) -> list[Choice]:
    default = draft.get("agency_timezone", req.services.default_timezone)
    ordered = [default, *(z for z in TIMEZONES if z != default)]
    return [
        Choice(f"{zone_abbreviation(z)} — {z}", str(TIMEZONES.index(z)))
        for z in ordered
        if z in TIMEZONES
    ]


async def _zone(req: Request, draft: Draft, value: str) -> None:
    index = parse_int(value)
    if index is None or not 0 <= index < len(TIMEZONES):
        raise Invalid(req.texts("stale_button"))
    draft["timezone"] = TIMEZONES[index]


async def _activities(req: Request, draft: Draft, text: str) -> None:
    activities = rules.parse_activities(text)
    draft["activities"] = list(activities)
    if not 1 <= len(activities) <= rules.ACTIVITIES_MAX or not all(
        rules.ACTIVITY_MIN <= len(a) <= rules.ACTIVITY_MAX for a in activities
    ):
        raise Invalid(req.texts("site.bad_activities", max=rules.ACTIVITIES_MAX))


async def _capacity(req: Request, draft: Draft, text: str) -> None:
    capacity = parse_int(text)
    if capacity is None or not 1 <= capacity <= rules.CAPACITY_MAX:
        raise Invalid(req.texts("site.bad_capacity", max=rules.CAPACITY_MAX))
    draft["capacity"] = capacity


async def _capacity_choices(req: Request, draft: Draft) -> list[Choice]:
    return [Choice(str(c), str(c)) for c in CAPACITY_CHOICES]


async def _declaration_choices(req: Request, draft: Draft) -> list[Choice]:
    return [
        Choice(req.texts.plain("site.declare_yes"), "yes"),
        Choice(req.texts.plain("site.declare_no"), "no"),
    ]


async def _declaration(req: Request, draft: Draft, value: str) -> None:
    if value != "yes":
        raise Invalid(req.texts("site.declaration_required"))
    draft["declared"] = True


def _draft_site(draft: Draft) -> rules.SiteDraft:
    return rules.SiteDraft(
        name=draft["name"],
        host_agency_id=draft["host_agency_id"],
        address=draft["address"],
        latitude=draft["latitude"],
        longitude=draft["longitude"],
        radius_m=draft["radius_m"],
        timezone=draft["timezone"],
        activities=tuple(draft["activities"]),
        capacity=draft["capacity"],
        non_commercial_declared=bool(draft.get("declared")),
    )


async def _summary(req: Request, draft: Draft) -> Html:
    return req.texts(
        "site.summary",
        name=draft["name"],
        host=draft["host_agency_name"],
        address=draft["address"],
        latitude=f"{draft['latitude']:.6f}",
        longitude=f"{draft['longitude']:.6f}",
        radius=draft["radius_m"],
        timezone=f"{zone_abbreviation(draft['timezone'])} ({draft['timezone']})",
        activities=", ".join(draft["activities"]),
        capacity=draft["capacity"],
    )


async def _save(req: Request, draft: Draft) -> None:
    result = await sites.create_site(req.origin, _draft_site(draft))
    if result.outcome is Outcome.INVALID:
        raise Invalid(join_lines([problem_text(req.texts, p) for p in result.problems]))
    if result.outcome is Outcome.NAME_TAKEN:
        raise Invalid(req.texts("site.name_taken", name=draft["name"]))
    if result.outcome is Outcome.NOT_A_HOST:
        raise Invalid(req.texts("stale_button"))
    if result.outcome is not Outcome.SAVED or result.site is None:
        raise Invalid(req.texts("refused"))
    await req.reply(req.texts("site.saved", name=result.site.name))


async def _no_hosts(req: Request) -> Html | None:
    hosts = await _host_choices(req, {})
    return None if hosts else req.texts("site.no_host_agency")


SITE_FORM = Form(
    name="new_site",
    prefix=Prefix.SITE_FORM,
    command=NEW_SITE,
    action=Action.NEW_SITE,
    precheck=_no_hosts,
    steps=(
        Step("name", lambda r, d: r.texts("site.ask_name"), on_text=_name),
        Step(
            "host",
            lambda r, d: r.texts("site.ask_host"),
            on_choice=_host,
            choices=_host_choices,
        ),
        Step("address", lambda r, d: r.texts("site.ask_address"), on_text=_address),
        Step(
            "location",
            lambda r, d: r.texts("site.ask_location"),
            on_location=_pin,
            on_text=_typed_pin,
        ),
        Step(
            "radius",
            lambda r, d: r.texts("site.ask_radius", default=rules.RADIUS_DEFAULT_M),
            on_text=_radius,
            on_choice=_radius,
            choices=_radius_choices,
        ),
        Step(
            "timezone",
            lambda r, d: r.texts("site.ask_timezone"),
            on_choice=_zone,
            choices=_zone_choices,
        ),
        Step(
            "activities",
            lambda r, d: r.texts("site.ask_activities", max=rules.ACTIVITIES_MAX),
            on_text=_activities,
        ),
        Step(
            "capacity",
            lambda r, d: r.texts("site.ask_capacity"),
            on_text=_capacity,
            on_choice=_capacity,
            choices=_capacity_choices,
        ),
        Step(
            "declaration",
            lambda r, d: r.texts("site.ask_declaration"),
            on_choice=_declaration,
            choices=_declaration_choices,
        ),
    ),
    summary=_summary,
    save=_save,
)


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    return build(SITE_FORM)


@command(Action.LIST_SITES)
async def list_sites(req: Request) -> None:
    store = req.db.reader()
    listed = await sites.visible_sites(store, req.actor)
    if not listed:
        await req.reply(req.texts("site.none"))
        return
    agencies = {a.id: a for a in await store.agencies.all()}
    lines = [req.texts("site.list_header", count=len(listed))]
    for site in listed:
        lines.append(
            req.texts(
                "site.list_line",
                name=site.name,
                host=agencies[site.host_agency_id].name,
                address=site.address,
                capacity=site.capacity,
                timezone=zone_abbreviation(site.timezone),
            )
        )
    await req.reply(join_lines(lines))
