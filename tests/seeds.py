"""A small office written straight to storage, for tests and benchmarks that skip the chat."""

from datetime import datetime

from domain.actor import Actor
from domain.roles import AgencyType, Role
from storage.db import Database

JAKSA_TELEGRAM_ID = 555


async def seed_office(db: Database, now: datetime) -> Actor:
    """A Kejari with one jaksa (Telegram id 555) and a city office that hosts sites."""
    async with db.transaction() as store:
        kejari = await store.agencies.add(
            type=AgencyType.KEJARI,
            name="Kejaksaan Negeri Samarinda",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
        await store.agencies.add(
            type=AgencyType.DINAS,
            name="Dinas Lingkungan Hidup Kota Samarinda",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
        jaksa = await store.people.ensure(
            telegram_user_id=JAKSA_TELEGRAM_ID,
            full_name="Jaksa Konsol",
            language_code="id",
            now=now,
        )
        await store.people.add_membership(
            person_id=jaksa.id, agency_id=kejari.id, role=Role.JAKSA, invitation_id=None, now=now
        )
        memberships = tuple(await store.people.memberships_of(jaksa.id))
    return Actor(JAKSA_TELEGRAM_ID, jaksa, memberships)
