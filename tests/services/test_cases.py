"""Creating a case from the conversation, as a use case: the rules hold without a chat."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.actor import Actor
from domain.cases import CaseDraft, CaseTerms, Consequence
from domain.roles import AgencyType, Role
from domain.sites import SiteDraft
from services import cases
from services.cases import Outcome
from services.origin import DuplicateUpdate, Origin
from storage.db import Database
from tests.seeds import seed_office

ZONE = "Asia/Makassar"
OTHER_JAKSA = 556


async def _setting(db: Database, now: datetime) -> tuple[Actor, Actor, int]:
    """Kejari 1's jaksa, another Kejari's jaksa, and a site for the cases."""
    jaksa = await seed_office(db, now)
    async with db.transaction() as store:
        other = await store.agencies.add(
            type=AgencyType.KEJARI,
            name="Kejaksaan Negeri Balikpapan",
            parent_id=None,
            timezone=ZONE,
            created_by=None,
            now=now,
        )
        person = await store.people.ensure(
            telegram_user_id=OTHER_JAKSA, full_name="Jaksa Lain", language_code="id", now=now
        )
        await store.people.add_membership(
            person_id=person.id, agency_id=other.id, role=Role.JAKSA, invitation_id=None, now=now
        )
        site = await store.sites.add(
            SiteDraft("Taman Uji", 2, "Jl. 1", -0.5, 117.1, 150, ZONE, ("menyapu",), 5, True),
            declared_by=None,
            now=now,
        )
        memberships = tuple(await store.people.memberships_of(person.id))
    return jaksa, Actor(OTHER_JAKSA, person, memberships), site.id


def _draft(jaksa: Actor, site_id: int, now: datetime, *, number: str = "7/Pid.B/2026") -> CaseDraft:
    today = now.astimezone(ZoneInfo(ZONE)).date()
    assert jaksa.person is not None
    return CaseDraft(
        offender_name="Budi Santoso",
        decision_number=number,
        court="PN Samarinda",
        decision_date=today - timedelta(days=1),
        terms=CaseTerms(40, 2, frozenset(range(5)), today, today + timedelta(days=120)),
        site_id=site_id,
        consequence=Consequence.PRISON,
        replaced_penalty="1 bulan penjara",
        jaksa_person_id=jaksa.person.id,
    )


async def _create(
    db: Database,
    now: datetime,
    actor: Actor,
    draft: CaseDraft,
    membership_id: int,
    *,
    update_id: int | None = None,
) -> cases.NewCase:
    return await cases.new_case(
        Origin(db, actor, now, update_id=update_id),
        draft,
        jaksa_membership_id=membership_id,
        today=now.astimezone(ZoneInfo(ZONE)).date(),
        invitation_validity=timedelta(days=7),
    )


async def test_a_case_is_stored_with_its_plan_invitation_and_audit_row(
    db: Database, now: datetime
) -> None:
    jaksa, _, site_id = await _setting(db, now)
    [own] = await cases.jaksa_options(db.reader(), jaksa)
    assert own.is_me and cases.default_jaksa(jaksa, [own]) == own.membership
    result = await _create(db, now, jaksa, _draft(jaksa, site_id, now), own.membership.id)
    assert result.outcome is Outcome.CREATED and result.created is not None
    case = result.created.case
    assert case.agency_id == own.membership.agency_id and result.created.invitation_token
    store = db.reader()
    assert len(await store.cases.sessions_of(case.id)) == len(result.created.plan.sessions) > 0
    [row] = [r for r in await store.audit.rows_about([f"case:{case.id}"])]
    assert row["action"] == "case.created" and row["actor_telegram_id"] == jaksa.telegram_user_id

    again = await _create(db, now, jaksa, _draft(jaksa, site_id, now), own.membership.id)
    assert again.outcome is Outcome.DECISION_EXISTS
    assert await store.audit.count("case.created") == 1


async def test_an_update_delivered_twice_files_one_case(db: Database, now: datetime) -> None:
    jaksa, _, site_id = await _setting(db, now)
    [own] = await cases.jaksa_options(db.reader(), jaksa)
    draft = _draft(jaksa, site_id, now)
    first = await _create(db, now, jaksa, draft, own.membership.id, update_id=42)
    assert first.outcome is Outcome.CREATED
    with pytest.raises(DuplicateUpdate):
        await _create(db, now, jaksa, draft, own.membership.id, update_id=42)
    assert len(await db.reader().cases.for_agencies(None)) == 1


async def test_a_jaksa_cannot_file_a_case_under_another_kejaris_prosecutor(
    db: Database, now: datetime
) -> None:
    jaksa, other, site_id = await _setting(db, now)
    assert [o.person.id for o in await cases.jaksa_options(db.reader(), jaksa)] == [
        jaksa.person.id if jaksa.person else -1
    ]
    [theirs] = await cases.jaksa_options(db.reader(), other)
    # A forged button naming the other Kejari's jaksa: nothing is stored.
    result = await _create(db, now, jaksa, _draft(other, site_id, now), theirs.membership.id)
    assert result.outcome is Outcome.STALE
    assert await db.reader().cases.for_agencies(None) == []
    assert await db.reader().audit.count("case.created") == 0


async def test_a_jaksa_revoked_during_the_conversation_files_nothing(
    db: Database, now: datetime
) -> None:
    jaksa, _, site_id = await _setting(db, now)
    [own] = await cases.jaksa_options(db.reader(), jaksa)
    async with db.transaction() as store:
        await store.people.revoke(own.membership.id, by=None, now=now)
    result = await _create(db, now, jaksa, _draft(jaksa, site_id, now), own.membership.id)
    assert result.outcome is Outcome.STALE
    assert await db.reader().cases.for_agencies(None) == []


async def test_a_draft_that_breaks_a_rule_is_refused_with_its_problems(
    db: Database, now: datetime
) -> None:
    jaksa, _, site_id = await _setting(db, now)
    [own] = await cases.jaksa_options(db.reader(), jaksa)
    draft = _draft(jaksa, site_id, now)
    late = CaseDraft(**{**draft.__dict__, "decision_date": draft.terms.deadline})
    result = await _create(db, now, jaksa, late, own.membership.id)
    assert result.outcome is Outcome.INVALID and result.problems
    assert await db.reader().cases.for_agencies(None) == []


async def test_an_admin_always_chooses_the_jaksa(db: Database, now: datetime) -> None:
    jaksa, other, _ = await _setting(db, now)
    admin = Actor(1, is_config_admin=True)
    options = await cases.jaksa_options(db.reader(), admin)
    assert {o.person.id for o in options} == {
        p.person.id for p in (jaksa, other) if p.person is not None
    }
    assert cases.default_jaksa(admin, options) is None
