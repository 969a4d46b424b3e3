"""Issue #15: a jaksa asks a Bapas for a PK; the first of its PKs to take the case follows it."""

from datetime import datetime

from domain.roles import AgencyType, Role
from services import pk_request
from services.origin import Origin
from services.pk_request import Outcome
from storage.db import Database
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, seed_site_with_cases

PENGAWAS, PK_A, PK_B = 777, 901, 902


async def _office(db: Database, now: datetime) -> tuple[int, int]:
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    async with db.transaction() as store:
        bapas = await store.agencies.add(
            type=AgencyType.BAPAS,
            name="Bapas Samarinda",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
        for telegram_id, name in ((PK_A, "Dewi PK"), (PK_B, "Rina PK")):
            person = await store.people.ensure(
                telegram_user_id=telegram_id, full_name=name, language_code="id", now=now
            )
            await store.people.add_membership(
                person_id=person.id, agency_id=bapas.id, role=Role.PK, invitation_id=None, now=now
            )
    case = await db.reader().cases.by_code(code)
    assert case is not None
    return case.id, bapas.id


async def _told(db: Database, telegram_id: int) -> list[str]:
    async with db.reader().conn.execute(
        "SELECT payload FROM outbox WHERE chat_id = ?", (telegram_id,)
    ) as cur:
        return [str(r[0]) for r in await cur.fetchall()]


async def test_the_first_pk_of_the_bapas_to_take_the_case_follows_it(
    db: Database, now: datetime
) -> None:
    case_id, bapas_id = await _office(db, now)
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)
    asked = await pk_request.ask_bapas(jaksa, case_id=case_id, bapas_id=bapas_id)
    assert (asked.outcome, asked.told) == (Outcome.DONE, 2)
    for pk in (PK_A, PK_B):
        [request] = await _told(db, pk)
        assert "apk:v1:" in request  # the button to take it
    # A pengawas cannot take it; the first PK does; the second is told it is taken.
    pengawas = Origin(db, await actor_of(db, PENGAWAS), now)
    assert (await pk_request.take_case(pengawas, case_id=case_id)).outcome is Outcome.NOT_YOURS
    first = await pk_request.take_case(Origin(db, await actor_of(db, PK_A), now), case_id=case_id)
    assert first.outcome is Outcome.DONE
    second = await pk_request.take_case(Origin(db, await actor_of(db, PK_B), now), case_id=case_id)
    assert second.outcome is Outcome.HAS_PK
    case = await db.reader().cases.get(case_id)
    pk_a = await db.reader().people.by_telegram_id(PK_A)
    assert case is not None and pk_a is not None and case.pk_person_id == pk_a.id
    assert any("Dewi PK" in t for t in await _told(db, JAKSA_TELEGRAM_ID))
    assert await db.reader().audit.count("case.pk_taken") == 1
    # Once it has a PK, nobody is asked again.
    again = await pk_request.ask_bapas(jaksa, case_id=case_id, bapas_id=bapas_id)
    assert again.outcome is Outcome.HAS_PK


async def test_only_who_manages_the_case_asks_and_only_a_bapas(db: Database, now: datetime) -> None:
    case_id, bapas_id = await _office(db, now)
    pengawas = Origin(db, await actor_of(db, PENGAWAS), now)
    refused = await pk_request.ask_bapas(pengawas, case_id=case_id, bapas_id=bapas_id)
    assert refused.outcome is Outcome.NOT_YOURS
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)
    kejari = await pk_request.ask_bapas(jaksa, case_id=case_id, bapas_id=1)  # not a Bapas
    assert kejari.outcome is Outcome.STALE
    assert await _told(db, PK_A) == []
