"""Registering an agency as a use case: only admins, under an allowed parent, once a name."""

from datetime import datetime

from domain.actor import Actor
from domain.roles import AgencyType
from services import agencies
from services.agencies import Outcome
from services.origin import Origin
from storage.db import Database
from tests.seeds import seed_office

ADMIN = Actor(1, is_config_admin=True)
WITA = "Asia/Makassar"


async def test_an_admin_registers_a_kejari_under_its_kejati(db: Database, now: datetime) -> None:
    origin = Origin(db, ADMIN, now, update_id=7)
    kejati = await agencies.create_agency(
        origin, type=AgencyType.KEJATI, name="Kejati  Kaltim", parent_id=None, timezone=WITA
    )
    assert kejati.outcome is Outcome.SAVED and kejati.agency is not None
    assert kejati.agency.name == "Kejati Kaltim"  # spaces as typed are tidied
    kejari = await agencies.create_agency(
        Origin(db, ADMIN, now, update_id=8),
        type=AgencyType.KEJARI,
        name="Kejari Samarinda",
        parent_id=kejati.agency.id,
        timezone=WITA,
    )
    assert kejari.outcome is Outcome.SAVED and kejari.agency is not None
    stored = await db.reader().agencies.by_name("kejari samarinda")
    assert stored is not None and stored.parent_id == kejati.agency.id
    [row] = await db.reader().audit.rows_about([f"agency:{stored.id}"])
    assert (row["action"], row["actor_telegram_id"], row["update_id"]) == ("agency.created", 1, 8)


async def test_a_wrong_parent_a_taken_name_or_a_bad_name_saves_nothing(
    db: Database, now: datetime
) -> None:
    await seed_office(db, now)  # Kejaksaan Negeri Samarinda (1), a Dinas (2)
    origin = Origin(db, ADMIN, now)
    under_a_dinas = await agencies.create_agency(
        origin, type=AgencyType.KEJARI, name="Kejari Bontang", parent_id=2, timezone=WITA
    )
    assert under_a_dinas.outcome is Outcome.PARENT_NOT_ALLOWED
    assert under_a_dinas.parent is not None and under_a_dinas.parent.id == 2
    missing = await agencies.create_agency(
        origin, type=AgencyType.DINAS, name="Dinas Sosial", parent_id=99, timezone=WITA
    )
    assert missing.outcome is Outcome.PARENT_NOT_ALLOWED and missing.parent is None
    taken = await agencies.create_agency(
        origin,
        type=AgencyType.KEJARI,
        name="kejaksaan negeri SAMARINDA",
        parent_id=None,
        timezone=WITA,
    )
    assert taken.outcome is Outcome.NAME_TAKEN
    command = await agencies.create_agency(
        origin, type=AgencyType.BAPAS, name="/start", parent_id=None, timezone=WITA
    )
    assert command.outcome is Outcome.BAD_NAME
    abroad = await agencies.create_agency(
        origin, type=AgencyType.BAPAS, name="Bapas Tokyo", parent_id=None, timezone="Asia/Tokyo"
    )
    assert abroad.outcome is Outcome.BAD_TIMEZONE
    assert len(await db.reader().agencies.all()) == 2
    assert await db.reader().audit.count("agency.created") == 0


async def test_a_jaksa_registers_no_agency(db: Database, now: datetime) -> None:
    jaksa = await seed_office(db, now)
    result = await agencies.create_agency(
        Origin(db, jaksa, now),
        type=AgencyType.BAPAS,
        name="Bapas Samarinda",
        parent_id=None,
        timezone=WITA,
    )
    assert result.outcome is Outcome.REFUSED
    assert await db.reader().agencies.by_name("Bapas Samarinda") is None
