"""Handing a case to another jaksa or PK: who may, who can take it, and what commits
together (the case, the audit row, both notices)."""

import json
from datetime import datetime

from domain.actor import Actor
from domain.cases import CaseStatus
from domain.models import Person
from domain.roles import AgencyType, Role
from services import handover
from services.handover import Duty, Outcome
from services.origin import Origin
from storage.db import Database
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, other_kejari_jaksa, seed_site_with_cases

PENGAWAS, COLLEAGUE, PK, OTHER_PK, BALIKPAPAN = 777, 560, 561, 562, 563
REASON = "cuti melahirkan sampai Maret"


async def _member(
    db: Database, now: datetime, telegram_id: int, name: str, agency_id: int, role: Role
) -> Person:
    async with db.transaction() as store:
        person = await store.people.ensure(
            telegram_user_id=telegram_id, full_name=name, language_code="id", now=now
        )
        await store.people.add_membership(
            person_id=person.id, agency_id=agency_id, role=role, invitation_id=None, now=now
        )
    return person


async def _office(db: Database, now: datetime) -> tuple[str, Person, Person]:
    """The seeded Kejari with one case, a colleague jaksa, and a Bapas with two PK; the
    case is followed by the first PK."""
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    colleague = await _member(db, now, COLLEAGUE, "Jaksa Rekan", 1, Role.JAKSA)
    async with db.transaction() as store:
        bapas = await store.agencies.add(
            type=AgencyType.BAPAS,
            name="Bapas Kelas II Samarinda",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
    pk = await _member(db, now, PK, "PK Pertama", bapas.id, Role.PK)
    other_pk = await _member(db, now, OTHER_PK, "PK Kedua", bapas.id, Role.PK)
    async with db.transaction() as store:
        case = await store.cases.by_code(code)
        assert case is not None
        await store.cases.hand_over(case.id, pk_person_id=pk.id)
    return code, colleague, other_pk


async def _outbox(db: Database, chat_id: int) -> list[str]:
    async with db.reader().conn.execute(
        "SELECT payload FROM outbox WHERE chat_id = ? ORDER BY id", (chat_id,)
    ) as cur:
        return [json.loads(r[0])["text"] for r in await cur.fetchall()]


async def _handovers(db: Database) -> list[object]:
    async with db.reader().conn.execute(
        "SELECT detail FROM audit_log WHERE action = 'case.handed_over' ORDER BY id"
    ) as cur:
        return [json.loads(r[0]) for r in await cur.fetchall()]


async def test_a_jaksa_hands_a_case_to_a_colleague_with_the_audit_and_both_notices(
    db: Database, now: datetime
) -> None:
    code, colleague, _ = await _office(db, now)
    jaksa = await actor_of(db, JAKSA_TELEGRAM_ID)
    origin = Origin(db, jaksa, now)
    found = await handover.options(db.reader(), origin, code, Duty.JAKSA)
    assert found.outcome is Outcome.READY
    assert [c.person.full_name for c in found.candidates] == ["Jaksa Rekan"]
    assert found.case is not None
    done = await handover.hand_over(
        origin, case_id=found.case.id, duty=Duty.JAKSA, person_id=colleague.id, reason=REASON
    )
    assert done.outcome is Outcome.HANDED_OVER
    assert done.case is not None and done.case.jaksa_person_id == colleague.id
    [detail] = await _handovers(db)
    assert detail == {
        "duty": "jaksa",
        "from": jaksa.person.id if jaksa.person else None,
        "to": colleague.id,
        "reason": REASON,
    }
    [told] = await _outbox(db, COLLEAGUE)
    assert code in told and REASON in told and "Jaksa Konsol" in told
    # The old jaksa made the change and saw the reply: no notice of their own doing.
    assert await _outbox(db, JAKSA_TELEGRAM_ID) == []


async def test_an_admin_hands_the_pk_over_and_the_old_pk_is_told(
    db: Database, now: datetime
) -> None:
    code, _, other_pk = await _office(db, now)
    admin = Origin(db, Actor(1, is_config_admin=True), now)
    found = await handover.options(db.reader(), admin, code, Duty.PK)
    assert [c.person.full_name for c in found.candidates] == ["PK Kedua"]
    assert found.case is not None
    done = await handover.hand_over(
        admin, case_id=found.case.id, duty=Duty.PK, person_id=other_pk.id, reason=REASON
    )
    assert done.outcome is Outcome.HANDED_OVER
    assert done.case is not None and done.case.pk_person_id == other_pk.id
    [to_new] = await _outbox(db, OTHER_PK)
    [to_old] = await _outbox(db, PK)
    assert "PK Pertama" in to_new and "PK Kedua" in to_old and "tidak lagi" in to_old


async def test_refusals_each_say_one_thing(db: Database, now: datetime) -> None:
    code, colleague, other_pk = await _office(db, now)
    jaksa = await actor_of(db, JAKSA_TELEGRAM_ID)
    origin = Origin(db, jaksa, now)
    reader = db.reader()
    case = await reader.cases.by_code(code)
    assert case is not None and jaksa.person is not None
    balikpapan = await other_kejari_jaksa(db, now, BALIKPAPAN)
    elsewhere = await handover.options(reader, Origin(db, balikpapan, now), code, Duty.JAKSA)
    assert elsewhere.outcome is Outcome.NOT_YOURS
    missing = await handover.options(reader, origin, "KS-1999-0001", Duty.JAKSA)
    assert missing.outcome is Outcome.NOT_FOUND
    same = await handover.hand_over(
        origin, case_id=case.id, duty=Duty.JAKSA, person_id=jaksa.person.id, reason=REASON
    )
    assert same.outcome is Outcome.SAME_PERSON
    # A jaksa of another Kejari, or a PK offered as jaksa, cannot take the case.
    for wrong in (balikpapan.person.id if balikpapan.person else 0, other_pk.id):
        refused = await handover.hand_over(
            origin, case_id=case.id, duty=Duty.JAKSA, person_id=wrong, reason=REASON
        )
        assert refused.outcome is Outcome.NOT_CANDIDATE
    short = await handover.hand_over(
        origin, case_id=case.id, duty=Duty.JAKSA, person_id=colleague.id, reason="cuti"
    )
    assert short.outcome is Outcome.BAD_REASON
    async with db.transaction() as store:
        membership = (await store.people.memberships_of(colleague.id))[0]
        await store.people.revoke(membership.id, by=None, now=now)
    nobody = await handover.options(reader, origin, code, Duty.JAKSA)
    assert nobody.outcome is Outcome.NOBODY
    async with db.transaction() as store:
        await store.conn.execute(
            "UPDATE cases SET status = ? WHERE id = ?", (CaseStatus.CLOSED.value, case.id)
        )
    closed = await handover.options(reader, origin, code, Duty.PK)
    assert closed.outcome is Outcome.CLOSED
    assert (await reader.cases.get(case.id)) == case.model_copy(
        update={"status": CaseStatus.CLOSED}
    )
    assert await _handovers(db) == []
