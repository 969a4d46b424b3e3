"""Concurrent updates wait only for earlier ones from the same person or the same chat."""

import asyncio

from telegram import Chat, Message, Update, User

from bot.ordering import InOrderPerPerson, slot_let_go
from tests.clock import SUITE_NOW


def _update(update_id: int, user_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE if chat_id == user_id else Chat.GROUP)
    user = User(user_id, "Nama", is_bot=False)
    message = Message(update_id, SUITE_NOW, chat, from_user=user, text="x")
    return Update(update_id, message=message)


async def _run_all(updates: list[Update]) -> list[tuple[str, int]]:
    """Hand every update to the processor the way PTB does (a task each, in order) and
    return the order in which their handling started and ended."""
    processor = InOrderPerPerson(max_concurrent_updates=8)
    events: list[tuple[str, int]] = []

    async def handle(update_id: int) -> None:
        events.append(("start", update_id))
        await asyncio.sleep(0.02)
        events.append(("end", update_id))

    await asyncio.gather(
        *(asyncio.create_task(processor.process_update(u, handle(u.update_id))) for u in updates)
    )
    return events


async def test_one_persons_updates_run_one_after_another_in_order() -> None:
    events = await _run_all([_update(1, 10, 10), _update(2, 10, 10), _update(3, 10, 10)])
    assert events == [("start", 1), ("end", 1), ("start", 2), ("end", 2), ("start", 3), ("end", 3)]


async def test_different_people_run_at_once() -> None:
    events = await _run_all([_update(1, 10, 10), _update(2, 20, 20)])
    assert events[:2] == [("start", 1), ("start", 2)]


async def test_a_group_chat_is_one_queue_and_its_members_private_chats_wait_for_it() -> None:
    group = -100
    events = await _run_all([_update(1, 10, group), _update(2, 20, group), _update(3, 10, 10)])
    # Two people in one group: in order. The first one's private message waits for their
    # group message, not for the other person's.
    assert events.index(("end", 1)) < events.index(("start", 2))
    assert events.index(("end", 1)) < events.index(("start", 3))
    assert events.index(("start", 3)) < events.index(("end", 2))


async def test_one_person_sending_many_does_not_hold_up_the_next_person() -> None:
    # Twelve from one person, each reply paced (here 20 ms); the thirteenth update, from
    # someone else, starts at once instead of after eight of them.
    burst = [_update(n, 10, 10) for n in range(1, 13)]
    events = await _run_all([*burst, _update(13, 20, 20)])
    assert events.index(("start", 13)) < events.index(("end", 1))


async def test_an_answer_waiting_for_the_flood_limits_gives_its_slot_to_the_next_person() -> None:
    """Eight people whose answers wait for Telegram's pace (an overload: more to answer than
    30 a second) hold no slot meanwhile: a ninth person's update, a tap whose answer is an
    edit, is handled at once. Their work itself still takes a slot each, at most eight."""
    processor = InOrderPerPerson(max_concurrent_updates=8)
    budget = asyncio.Event()  # Telegram's limits letting the answers go
    working = 0
    most_working = 0
    handled: list[int] = []

    async def answer_later(update_id: int) -> None:
        nonlocal working, most_working
        working += 1
        most_working = max(most_working, working)
        working -= 1
        async with slot_let_go():
            await budget.wait()
        working += 1
        most_working = max(most_working, working)
        await asyncio.sleep(0)
        working -= 1
        handled.append(update_id)

    async def tap(update_id: int) -> None:
        handled.append(update_id)

    waiting = [
        asyncio.create_task(processor.process_update(_update(n, 10 + n, 10 + n), answer_later(n)))
        for n in range(1, 9)
    ]
    tapped = asyncio.create_task(processor.process_update(_update(9, 99, 99), tap(9)))
    await asyncio.wait_for(tapped, 1)
    assert handled == [9]
    budget.set()
    await asyncio.wait_for(asyncio.gather(*waiting), 1)
    assert sorted(handled) == list(range(1, 10))
    assert most_working <= 8


async def test_a_task_started_by_a_handler_does_not_spend_the_updates_slot() -> None:
    """The outbox's wake-up is a task made inside a handler: it inherits the update's context,
    slot included, and its sends wait for the budget too. Had it let go of that slot and
    taken one again, the update's own release would find nothing to give back, and a slot
    would be lost for good, one per check-in, until no update was handled at all."""
    processor = InOrderPerPerson(max_concurrent_updates=1)
    budget = asyncio.Event()
    started: list[asyncio.Task[None]] = []

    async def outbox_send() -> None:
        async with slot_let_go():
            await budget.wait()

    async def check_in() -> None:
        started.append(asyncio.create_task(outbox_send()))
        await asyncio.sleep(0)

    await processor.process_update(_update(1, 10, 10), check_in())
    budget.set()
    await asyncio.gather(*started)
    handled: list[int] = []

    async def next_update() -> None:
        handled.append(2)

    await asyncio.wait_for(processor.process_update(_update(2, 20, 20), next_update()), 1)
    assert handled == [2]
