"""A message's text stays only until it is settled: sent, failed, skipped or unreachable."""

from datetime import datetime

import pytest

from storage.db import Database
from storage.repositories import Store

NAME = "Budi Santoso"


async def _plan(store: Store, key: str, chat_id: int, now: datetime) -> int:
    assert await store.outbox.add(
        dedupe_key=key,
        chat_id=chat_id,
        kind="notice",
        payload={"text": f"<b>{NAME}</b> hadir pukul 08.02 WITA"},
        due_at=now,
        now=now,
    )
    [row] = [r for r in await store.outbox.due(now, 100) if r.dedupe_key == key]
    return row.id


async def _texts(db: Database) -> dict[str, str]:
    async with db.reader().conn.execute("SELECT dedupe_key, payload FROM outbox") as cur:
        return {str(key): str(payload) for key, payload in await cur.fetchall()}


@pytest.mark.parametrize("settle", ["sent", "failed", "skipped", "unreachable"])
async def test_a_settled_message_keeps_no_text_and_never_goes_again(
    db: Database, now: datetime, settle: str
) -> None:
    async with db.transaction() as store:
        row_id = await _plan(store, "notice:1", 10, now)
        await _plan(store, "notice:2", 20, now)  # still to go: its text stays
    async with db.transaction() as store:
        if settle == "sent":
            await store.outbox.mark_sent(row_id, message_id=5, now=now)
        elif settle == "unreachable":
            await store.outbox.mark_unreachable(10, reason="forbidden", now=now)
        else:
            await store.outbox.mark(row_id, settle, "why")
    texts = await _texts(db)
    assert texts["notice:1"] == "{}"
    assert NAME in texts["notice:2"]
    async with db.transaction() as store:
        # The key still says it was planned: it is never sent a second time.
        assert await store.outbox.planned_already("notice:1")
        assert not await store.outbox.add(
            dedupe_key="notice:1",
            chat_id=10,
            kind="notice",
            payload={"text": NAME},
            due_at=now,
            now=now,
        )
    assert (await _texts(db))["notice:1"] == "{}"


async def test_a_sent_reminder_still_says_which_sessions_it_was_about(
    db: Database, now: datetime
) -> None:
    about = [[7, "2026-12-01T00:00:00+00:00"]]
    async with db.transaction() as store:
        await store.outbox.add(
            dedupe_key="remind:7",
            chat_id=10,
            kind="remind.offender.evening",
            payload={"text": f"{NAME}, besok kerja sosial", "about": about},
            due_at=now,
            now=now,
        )
        [row] = await store.outbox.due(now, 10)
        await store.outbox.mark_sent(row.id, message_id=5, now=now)
    assert (await _texts(db))["remind:7"] == '{"about":[[7,"2026-12-01T00:00:00+00:00"]]}'
