"""Agency groups as use cases: who may link which agency, and what the group row records."""

from datetime import datetime, time

import pytest

from domain.actor import Actor
from domain.roles import AgencyType, Role
from services import groups
from services.groups import Outcome
from services.origin import DuplicateUpdate, Origin
from storage.db import Database
from tests.seeds import seed_office

KEJARI = 1  # Kejaksaan Negeri Samarinda, as seed_office numbers it
CHAT = -5001
OTHER_JAKSA = 556


async def _jaksa_of_another_kejari(db: Database, now: datetime) -> Actor:
    async with db.transaction() as store:
        bontang = await store.agencies.add(
            type=AgencyType.KEJARI,
            name="Kejaksaan Negeri Bontang",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
        person = await store.people.ensure(
            telegram_user_id=OTHER_JAKSA, full_name="Jaksa Bontang", language_code="id", now=now
        )
        await store.people.add_membership(
            person_id=person.id,
            agency_id=bontang.id,
            role=Role.JAKSA,
            invitation_id=None,
            now=now,
        )
        memberships = tuple(await store.people.memberships_of(person.id))
    return Actor(OTHER_JAKSA, person, memberships)


async def test_a_jaksa_adds_the_bot_and_links_the_group_to_their_kejari(
    db: Database, now: datetime
) -> None:
    jaksa = await seed_office(db, now)
    added = await groups.bot_added(Origin(db, jaksa, now, update_id=1), CHAT, title="Pidum")
    # Their own Kejari only: the city's Dinas is not theirs to report on.
    assert added.outcome is Outcome.DONE and [a.id for a in added.agencies] == [KEJARI]
    linked = await groups.link_group(Origin(db, jaksa, now, update_id=2), CHAT, KEJARI)
    assert linked.outcome is Outcome.DONE
    group = await db.reader().groups.get(CHAT)
    assert group is not None and group.active and group.agency_id == KEJARI
    actions = [r["action"] for r in await db.reader().audit.rows_about([f"chat:{CHAT}"])]
    assert actions == ["group.added", "group.linked"]


async def test_another_kejaris_jaksa_neither_links_nor_sets_the_digest(
    db: Database, now: datetime
) -> None:
    jaksa = await seed_office(db, now)
    stranger = await _jaksa_of_another_kejari(db, now)
    await groups.bot_added(Origin(db, jaksa, now), CHAT, title="Pidum")
    refused = await groups.link_group(Origin(db, stranger, now), CHAT, KEJARI)
    assert refused.outcome is Outcome.NOT_YOURS
    group = await db.reader().groups.get(CHAT)
    assert group is not None and group.agency_id is None
    await groups.link_group(Origin(db, jaksa, now), CHAT, KEJARI)
    before = await db.reader().groups.get(CHAT)
    answer = await groups.set_digest(
        Origin(db, stranger, now), CHAT, weekday=2, at=time(9, 30), language="en"
    )
    assert answer.outcome is Outcome.NOT_YOURS
    assert await db.reader().groups.get(CHAT) == before
    assert await db.reader().audit.count("group.linked") == 1
    assert await db.reader().audit.count("group.digest_settings") == 0


async def test_the_groups_own_jaksa_sets_when_its_digest_comes(db: Database, now: datetime) -> None:
    jaksa = await seed_office(db, now)
    origin = Origin(db, jaksa, now)
    unlinked = await groups.set_digest(origin, CHAT, weekday=2, at=time(9, 30), language="en")
    assert unlinked.outcome is Outcome.NOT_LINKED
    await groups.bot_added(origin, CHAT, title="Pidum")
    await groups.link_group(origin, CHAT, KEJARI)
    bad = await groups.set_digest(origin, CHAT, weekday=2, at=time(9, 30), language="fr")
    assert bad.outcome is Outcome.INVALID
    saved = await groups.set_digest(origin, CHAT, weekday=2, at=time(9, 30), language="en")
    assert saved.outcome is Outcome.DONE
    group = await db.reader().groups.get(CHAT)
    assert group is not None
    assert (group.digest_weekday, group.digest_time, group.language) == (2, time(9, 30), "en")


async def test_a_stranger_who_adds_the_bot_is_refused_and_a_stale_link_changes_nothing(
    db: Database, now: datetime
) -> None:
    await seed_office(db, now)
    stranger = Actor(6900)
    added = await groups.bot_added(Origin(db, stranger, now), CHAT, title="Grup Acak")
    assert added.outcome is Outcome.NOT_ALLOWED and added.agencies == ()
    [row] = await db.reader().audit.rows_about([f"chat:{CHAT}"])
    assert (row["action"], row["actor_telegram_id"]) == ("refused", 6900)
    admin = Actor(1, is_config_admin=True)
    assert (await groups.link_group(Origin(db, admin, now), CHAT, 99)).outcome is Outcome.STALE
    assert (await groups.link_group(Origin(db, admin, now), -1, KEJARI)).outcome is Outcome.STALE
    group = await db.reader().groups.get(CHAT)
    assert group is not None and group.agency_id is None


async def test_removal_unlinks_and_skips_what_was_still_to_be_sent(
    db: Database, now: datetime
) -> None:
    jaksa = await seed_office(db, now)
    await groups.bot_added(Origin(db, jaksa, now), CHAT, title="Pidum")
    await groups.link_group(Origin(db, jaksa, now), CHAT, KEJARI)
    async with db.transaction() as store:
        await store.outbox.add(
            dedupe_key="digest:x", chat_id=CHAT, kind="digest", payload={}, due_at=now, now=now
        )
    await groups.bot_removed(Origin(db, jaksa, now), CHAT)
    group = await db.reader().groups.get(CHAT)
    assert group is not None and not group.active
    assert await db.reader().groups.linked() == []
    assert await db.reader().outbox.due(now, 10) == []
    assert await db.reader().audit.count("group.removed") == 1


async def test_an_update_delivered_twice_links_once(db: Database, now: datetime) -> None:
    jaksa = await seed_office(db, now)
    await groups.bot_added(Origin(db, jaksa, now, update_id=1), CHAT, title="Pidum")
    await groups.link_group(Origin(db, jaksa, now, update_id=2), CHAT, KEJARI)
    with pytest.raises(DuplicateUpdate):
        await groups.link_group(Origin(db, jaksa, now, update_id=2), CHAT, KEJARI)
    assert await db.reader().audit.count("group.linked") == 1
