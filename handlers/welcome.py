"""What a person reads about themselves: their roles with agencies, then what their role
needs first (``services.welcome``). Shared by ``/start``, a redeemed invitation and
``/saya``, which are separate feature modules."""

from zoneinfo import ZoneInfo

from domain import authority
from domain.models import Site
from handlers.context import Request
from handlers.render import role_name
from services.welcome import Sentence, Welcome
from texts import Html, join_lines
from texts.formatting import format_clock, format_day


def role_lines(req: Request, welcome: Welcome, *, since: bool = False) -> Html:
    """One line per role: the role and the agency it is held in (and since when)."""
    lines = []
    if req.actor.is_config_admin:
        lines.append(Html("• " + req.texts("start.config_admin")))
    for m in req.actor.memberships:
        if not m.active:
            continue
        agency = welcome.agencies.get(m.agency_id)
        if agency is None:
            continue
        if since:
            day = m.created_at.astimezone(ZoneInfo(agency.timezone)).date()
            lines.append(
                req.texts(
                    "me.role_line",
                    role=role_name(req.texts, m.role),
                    agency=agency.name,
                    since=format_day(day, req.texts.lang),
                )
            )
        else:
            lines.append(
                req.texts("role_line", role=role_name(req.texts, m.role), agency=agency.name)
            )
    return join_lines(lines)


def site_lines(req: Request, sites: tuple[Site, ...]) -> Html:
    if not sites:
        return req.texts("welcome.no_sites")
    return req.texts(
        "welcome.sites",
        sites=join_lines(
            [req.texts("welcome.site_line", name=s.name, address=s.address) for s in sites]
        ),
    )


def role_parts(req: Request, welcome: Welcome) -> list[Html]:
    """What each role needs first, in paragraphs: the next step to set up, the sites and
    today's sessions of a supervisor, an offender's sentence and first session."""
    parts: list[Html] = []
    if welcome.next_step is not None:
        parts.append(req.texts(f"next.{welcome.next_step.value}"))
    if welcome.sites or authority.supervises(req.actor):
        parts.append(site_lines(req, welcome.sites))
        parts.append(_today(req, welcome))
    for sentence in welcome.sentences:
        parts += sentence_parts(req, sentence)
    if authority.serves_sentence(req.actor) and not welcome.sentences:
        parts.append(req.texts("welcome.no_case"))
    return parts


def _today(req: Request, welcome: Welcome) -> Html:
    if not welcome.today:
        return req.texts("welcome.no_today")
    lang = req.texts.lang
    lines = [
        req.texts(
            "welcome.today_line",
            start=format_clock(e.session.starts_at, e.site.timezone, lang),
            end=format_clock(e.session.ends_at, e.site.timezone, lang),
            name=e.offender,
            site=e.site.name,
        )
        for e in welcome.today
    ]
    return req.texts("welcome.today", sessions=join_lines(lines))


def sentence_parts(req: Request, sentence: Sentence) -> list[Html]:
    """An offender's case: the code and hours, the first session with its place and who
    receives them, what to bring, and how to ask leave."""
    case, lang = sentence.case, req.texts.lang
    parts = [
        req.texts(
            "welcome.case",
            code=case.code,
            hours=case.hours_total,
            deadline=format_day(case.deadline, lang),
        )
    ]
    first = sentence.first
    if first is None:
        parts.append(req.texts("welcome.no_first"))
    else:
        zone = first.site.timezone
        parts.append(
            req.texts(
                "welcome.first",
                day=format_day(first.session.starts_at.astimezone(ZoneInfo(zone)).date(), lang),
                start=format_clock(first.session.starts_at, zone, lang),
                end=format_clock(first.session.ends_at, zone, lang),
                site=first.site.name,
                address=first.site.address,
                activities=", ".join(first.site.activities) or "—",
                supervisors=", ".join(first.supervisors) or req.texts.plain("welcome.nobody"),
            )
        )
    parts += [req.texts("welcome.bring"), req.texts("welcome.leave")]
    return parts


def first_site(welcome: Welcome) -> Site | None:
    """Where the first session is, for its map pin."""
    for sentence in welcome.sentences:
        if sentence.first is not None:
            return sentence.first.site
    return None


def paragraphs(parts: list[Html]) -> Html:
    return Html("\n\n".join(p for p in parts if p))
