"""The day's rating as use cases: once per closed attendance at my site, in the case's PDF."""

from datetime import datetime, timedelta

from services import ratings, reports, roll_call
from services.attendance import Message, Photo
from services.origin import Origin
from storage.db import Database
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, seed_site_with_cases
from tests.sheets import pdf_text
from texts import for_user

PENGAWAS = 777


async def test_a_rating_is_kept_once_for_a_closed_day_and_shows_in_the_pdf(
    db: Database, now: datetime
) -> None:
    codes = await seed_site_with_cases(db, now, cases=2, pengawas_telegram_id=PENGAWAS)
    store = db.reader()
    ids = [c.id for c in [await store.cases.by_code(code) for code in codes] if c]
    # The rating card is of a day's session: the first planned one, whatever today is.
    start = (await store.cases.sessions_of(ids[0]))[0].starts_at + timedelta(minutes=5)
    origin = Origin(db, await actor_of(db, PENGAWAS), start)
    await roll_call.check_in_all(
        origin, case_ids=ids, photo=Photo("f", "u", 1), message=Message(PENGAWAS, 1, start)
    )
    first, second = [await store.attendance.open_for_case(i) for i in ids]
    assert first is not None and second is not None
    # Still open: nothing to rate yet.
    assert await ratings.to_rate(store, origin) == []
    assert (await ratings.rate_all(origin, {first: "baik"})).saved == 0
    later = Origin(db, origin.actor, start + timedelta(hours=2))
    await roll_call.check_out_all(
        later,
        attendance_ids=[first, second],
        end=later.now,
        message=Message(PENGAWAS, 2, later.now),
        photo=Photo("g", "v", 1),
    )
    assert [r.attendance_id for r in await ratings.to_rate(store, later)] == [first, second]
    # The jaksa may not rate; an unknown rating is not kept.
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), later.now)
    assert (await ratings.rate_all(jaksa, {first: "baik"})).saved == 0
    assert (await ratings.rate_all(later, {first: "luar biasa"})).saved == 0

    rated = await ratings.rate_all(later, {first: "kurang", second: "baik"}, "  tidur di bangku ")

    assert rated.saved == 2 and rated.told == 1  # the jaksa; these cases have no PK
    assert (await ratings.rate_all(later, {first: "baik"})).saved == 0  # once only
    assert await store.attendance.ratings_of_case(ids[0]) == {first: "kurang"}
    assert await ratings.to_rate(store, later) == []
    case = await store.cases.get(ids[0])
    assert case is not None
    pdf = await reports.case_pdf(store, case, for_user("id"), later.now)
    text = pdf_text(pdf)
    assert "penilaian pengawas atas kerja dan sikap: kurang — tidur di bangku" in text
