"""What a person reads on arriving (``/start``, an invitation redeemed) and in ``/saya``.

Each role is told what it needs first: an offender their sentence and their first session
(the day, the place and its pin, who receives them); a supervisor their sites and today's
sessions there; whoever sets the office up (an admin, a jaksa) the next thing to do, one
step at a time: the agencies, then a site, then a case.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain import authority
from domain.actor import Actor
from domain.cases import CaseStatus
from domain.models import Agency, Case, Session, Site
from domain.permissions import Action
from services import sessions
from services.sites import host_agencies
from storage.repositories import Store


class NextStep(StrEnum):
    """The first thing missing to run a sentence; the values name its text (``next.<value>``)."""

    AGENCY = "agency"  # no agency at all: /instansi_baru
    HOST = "host"  # no local government to host a site: /instansi_baru
    SITE = "site"  # no work site: /lokasi_baru
    CASE = "case"  # no case yet: /kasus_baru


@dataclass(frozen=True)
class FirstSession:
    session: Session
    site: Site
    supervisors: tuple[str, ...]  # the names of the site's pengawas


@dataclass(frozen=True)
class Sentence:
    """An offender's case as they are welcomed to it: its next session, if one is planned."""

    case: Case
    site: Site
    first: FirstSession | None


@dataclass(frozen=True)
class Expected:
    """A session today at a site the supervisor signs for."""

    session: Session
    site: Site
    offender: str


@dataclass(frozen=True)
class Welcome:
    agencies: dict[int, Agency]  # the agencies of the person's roles
    sites: tuple[Site, ...] = ()  # the sites they supervise
    today: tuple[Expected, ...] = ()  # the sessions there today
    sentences: tuple[Sentence, ...] = ()  # their own cases, if they serve one
    next_step: NextStep | None = None


async def welcome(store: Store, actor: Actor, now: datetime) -> Welcome:
    agencies = await store.agencies.by_ids({m.agency_id for m in actor.memberships if m.active})
    person = actor.person
    sites: tuple[Site, ...] = ()
    today: tuple[Expected, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    if person is not None and authority.supervises(actor):
        sites = tuple(await store.sites.supervised_by(person.id))
        today = tuple(await _today(store, sites, now))
    if person is not None and authority.serves_sentence(actor):
        sentences = tuple(await _sentences(store, person.id, now))
    return Welcome(agencies, sites, today, sentences, await _next_step(store, actor))


async def _today(store: Store, sites: tuple[Site, ...], now: datetime) -> list[Expected]:
    found = []
    for site in sites:
        day = now.astimezone(ZoneInfo(site.timezone)).date()
        for session in await store.cases.site_sessions(site.id, day, day):
            case = await store.cases.get(session.case_id)
            if case is not None and case.status is CaseStatus.ACTIVE:
                found.append(Expected(session, site, case.offender_name))
    return sorted(found, key=lambda e: (e.session.starts_at, e.site.name))


async def _sentences(store: Store, person_id: int, now: datetime) -> list[Sentence]:
    found = []
    for case in await store.cases.of_offender(person_id):
        if case.status is not CaseStatus.ACTIVE:
            continue
        site = await store.sites.get(case.site_id)
        assert site is not None  # foreign key
        ahead = await sessions.ahead(store, case, site, now)
        first = None
        if ahead:
            at = await store.sites.get(ahead[0].site_id) or site
            names = []
            for supervisor in await store.sites.supervisors_of(at.id):
                who = await store.people.get(supervisor)
                if who is not None:
                    names.append(who.full_name)
            first = FirstSession(ahead[0], at, tuple(names))
        found.append(Sentence(case, site, first))
    return found


async def _next_step(store: Store, actor: Actor) -> NextStep | None:
    """The first of the agencies, a site and a case that is still missing, for someone who
    may add it; None when all are there or this person adds none of them."""
    sets_up = authority.may(actor, Action.NEW_AGENCY)
    if sets_up and not await store.agencies.all():
        return NextStep.AGENCY
    if sets_up and not await host_agencies(store):
        return NextStep.HOST
    if authority.may(actor, Action.NEW_SITE) and not await store.sites.all():
        return NextStep.SITE
    if authority.may(actor, Action.NEW_CASE):
        managed = authority.managed_agencies(actor)
        if not await store.cases.for_agencies(None if managed is None else set(managed)):
            return NextStep.CASE
    return None
