"""A roll-call as use cases: one group photo is the evidence of everyone it shows, kept once,
refused for a later record, and never deleted while another case still names it."""

from datetime import datetime, timedelta

from services import roll_call
from services.attendance import Message, Outcome, Photo
from services.origin import Origin
from storage.db import Database
from tests.seeds import actor_of, seed_site_with_cases

PENGAWAS = 777


async def _events(db: Database) -> int:
    async with db.reader().conn.execute("SELECT COUNT(*) FROM attendance_events") as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def test_one_group_photo_for_three_kept_once_and_refused_again(
    db: Database, now: datetime
) -> None:
    codes = await seed_site_with_cases(db, now, cases=3, pengawas_telegram_id=PENGAWAS)
    store = db.reader()
    cases = [await store.cases.by_code(code) for code in codes]
    ids = [c.id for c in cases if c is not None]
    # The seeded sessions start at 08.00 local, and "now" is 09.00 WITA.
    origin = Origin(db, await actor_of(db, PENGAWAS), now)
    group = Photo("file-group", "unique-group", 1000)

    arrived = await roll_call.check_in_all(
        origin, case_ids=ids, photo=group, message=Message(PENGAWAS, 10, now)
    )

    assert [r.outcome for r in arrived] == [Outcome.RECORDED] * 3
    async with store.conn.execute("SELECT id, shared_with FROM evidence ORDER BY id") as cur:
        rows = [tuple(r) for r in await cur.fetchall()]
    first = rows[0][0]
    assert rows == [(first, None), (first + 1, first), (first + 2, first)]
    # Downloaded once; its file and hash are every record's.
    assert [e for e, _ in await store.attendance.evidence_to_download(5)] == [first]
    async with db.transaction() as tx:
        await tx.attendance.evidence_downloaded(
            first, sha256="ab" * 32, path="/evidence/ab.jpg", size=1000, now=now
        )
    async with store.conn.execute("SELECT COUNT(*) FROM evidence WHERE path IS NOT NULL") as cur:
        assert (await cur.fetchone())[0] == 3  # type: ignore[index]

    # The same photo for the check-out: refused for everyone, nothing written.
    before = await _events(db)
    later = Origin(db, origin.actor, now + timedelta(hours=2))
    open_ids = [await store.attendance.open_for_case(i) for i in ids]
    left = await roll_call.check_out_all(
        later,
        attendance_ids=[i for i in open_ids if i is not None],
        end=later.now,
        message=Message(PENGAWAS, 11, later.now),
        photo=group,
    )
    assert [r.outcome for r in left] == [Outcome.PHOTO_USED] * 3
    assert await _events(db) == before
    left = await roll_call.check_out_all(
        later,
        attendance_ids=[i for i in open_ids if i is not None],
        end=later.now,
        message=Message(PENGAWAS, 12, later.now),
        photo=Photo("file-out", "unique-out", 1000),
    )
    assert [r.outcome for r in left] == [Outcome.RECORDED] * 3
    assert all(r.credited_minutes == 120 for r in left)  # two hours a day, as decided

    # Purging one case forgets its rows; the file stays, the other two still name it.
    async with db.transaction() as tx:
        await tx.attendance.forget_evidence_of_case(ids[0])
        assert await tx.attendance.path_in_use("/evidence/ab.jpg")
        for case_id in ids[1:]:
            await tx.attendance.forget_evidence_of_case(case_id)
        assert not await tx.attendance.path_in_use("/evidence/ab.jpg")


async def test_one_refusal_does_not_keep_the_others_out(db: Database, now: datetime) -> None:
    codes = await seed_site_with_cases(db, now, cases=2, pengawas_telegram_id=PENGAWAS)
    store = db.reader()
    first, second = [c for c in [await store.cases.by_code(code) for code in codes] if c]
    origin = Origin(db, await actor_of(db, PENGAWAS), now)
    await roll_call.check_in_all(
        origin,
        case_ids=[first.id],
        photo=Photo("f1", "u1", 10),
        message=Message(PENGAWAS, 1, now),
    )
    results = await roll_call.check_in_all(
        origin,
        case_ids=[first.id, second.id, second.id],  # a double tap names one twice
        photo=Photo("f2", "u2", 10),
        message=Message(PENGAWAS, 2, now),
    )
    assert [r.outcome for r in results] == [Outcome.ALREADY_IN, Outcome.RECORDED]
    assert await store.attendance.open_for_case(second.id) is not None
