"""SmoothRateLimiter against the fake Bot API with its flood control on.

The rates are scaled up from Telegram's (100/s instead of 28/s) so that the file stays fast;
what is checked is the shape: no burst, no 429, and the pause after a RetryAfter.

The fake counts "at most N in any one second" by the time it finished each request, so a
limiter spacing messages at exactly the fake's rate is one loopback jitter away from a 429.
Where the test rate equals the fake's, the limiter gets a 10 % margin.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import itertools
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot.rate_limit import (
    Lane,
    SmoothRateLimiter,
    retry_after_seconds,
    sends_message,
    shared_budget,
)
from tests.fakebot.server import FakeBotApi

ALICE = 1001
GROUP = -4001

# PTB itself reads RetryAfter.retry_after as an int when it builds the exception's message.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        api.create_user(ALICE, "Alice")
        api.create_group(GROUP, "Regu Taman Kota")
        yield api


def make_bot(fake: FakeBotApi, limiter: SmoothRateLimiter) -> ExtBot[int]:
    return ExtBot(
        token=fake.token,
        base_url=fake.bot_base_url,
        base_file_url=fake.file_base_url,
        rate_limiter=limiter,
    )


def send_times(fake: FakeBotApi, chat_id: int) -> list[float]:
    """When the fake received each sendMessage to ``chat_id``."""
    return [c.at for c in fake.calls_of("sendMessage") if c.params.get("chat_id") == chat_id]


def test_which_endpoints_are_paced() -> None:
    for endpoint in ("sendMessage", "sendPhoto", "sendMediaGroup", "copyMessage", "forwardMessage"):
        assert sends_message(endpoint), endpoint
    for endpoint in (
        "getMe",
        "getFile",
        "answerCallbackQuery",
        "setMyCommands",
        "editMessageText",
        "deleteMessage",
        "sendChatAction",
    ):
        assert not sends_message(endpoint), endpoint


def test_retry_after_in_seconds_int_or_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PTB_TIMEDELTA", raising=False)
    assert retry_after_seconds(RetryAfter(3)) == 3.0
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    assert retry_after_seconds(RetryAfter(dtm.timedelta(seconds=1.5))) == 1.5


async def test_fan_out_is_smooth_and_never_429(fake: FakeBotApi) -> None:
    count = 150
    for user_id in range(1, count + 1):
        fake.create_user(10_000 + user_id, f"User {user_id}")
    fake.set_flood_limits(global_per_second=110, per_chat_per_second=1.0)
    async with make_bot(fake, SmoothRateLimiter(overall_per_second=100)) as bot:
        started = time.monotonic()
        await asyncio.gather(
            *(bot.send_message(10_000 + i, f"Pesan {i}") for i in range(1, count + 1))
        )
        elapsed = time.monotonic() - started
    assert len(fake.sent) == count
    assert fake.too_many_requests == 0
    # 149 gaps of 10 ms at least; the ceiling only catches a limiter gone far too slow, since
    # a busy machine stretches every gap (bench/fanout.py measures the real rate).
    assert 1.45 <= elapsed <= 10.0, elapsed
    # No burst at the start (AIORateLimiter would let 100 through at once).
    first = fake.calls_of("sendMessage")[0].at
    early = [c for c in fake.calls_of("sendMessage") if c.at - first < 0.1]
    assert len(early) <= 12


async def test_private_chat_burst_then_one_per_interval(fake: FakeBotApi) -> None:
    # The fake's 3.0/s per chat means "3 in any one second": a burst of 3 fits.
    fake.set_flood_limits(global_per_second=30, per_chat_per_second=3.0)
    limiter = SmoothRateLimiter(private_burst=3, private_chat_interval=1.1)
    async with make_bot(fake, limiter) as bot:
        await asyncio.gather(*(bot.send_message(ALICE, f"Pesan {i}") for i in range(5)))
    assert fake.too_many_requests == 0
    assert [m.text for m in fake.sent_to(ALICE)] == [f"Pesan {i}" for i in range(5)]
    at = send_times(fake, ALICE)
    assert at[2] - at[0] < 0.9  # the burst: not held to the 1.1 s interval
    assert at[3] - at[0] >= 1.0
    assert at[4] - at[3] >= 1.0


async def test_group_messages_evenly_spaced(fake: FakeBotApi) -> None:
    # 300 per minute -> one every 0.2 s; the fake's per-chat 1/s would refuse that, so only
    # the spacing is checked here.
    fake.set_flood_limits(global_per_second=30, per_chat_per_second=None, per_group_per_minute=300)
    async with make_bot(fake, SmoothRateLimiter(group_per_minute=300)) as bot:
        await asyncio.gather(*(bot.send_message(GROUP, f"Pengumuman {i}") for i in range(3)))
    assert fake.too_many_requests == 0
    at = send_times(fake, GROUP)
    assert len(at) == 3
    assert min(b - a for a, b in itertools.pairwise(at)) >= 0.18


async def test_non_send_calls_are_not_delayed(fake: FakeBotApi) -> None:
    for user_id in range(1, 11):
        fake.create_user(20_000 + user_id, f"User {user_id}")
    async with make_bot(fake, SmoothRateLimiter(overall_per_second=1)) as bot:
        sends = [asyncio.create_task(bot.send_message(20_000 + i, "antre")) for i in range(1, 11)]
        await fake.wait_for(lambda: fake.sent, timeout=5)  # the queue is draining: ~10 s
        for _ in range(20):
            await bot.get_me()
        # Had getMe waited in the send queue, every send would be out before it returned.
        pending = sum(not task.done() for task in sends)
        for task in sends:
            task.cancel()
        await asyncio.gather(*sends, return_exceptions=True)
    assert pending > 0


async def test_retry_after_holds_its_chat_then_delivers(fake: FakeBotApi) -> None:
    fake.create_user(1002, "Budi")
    flood(fake, 1, retry_after=1)
    async with make_bot(fake, SmoothRateLimiter(max_retries=1)) as bot:
        first = asyncio.create_task(bot.send_message(ALICE, "satu"))
        await fake.wait_for(lambda: fake.too_many_requests, message="the 429")
        await bot.send_message(1002, "dua")  # another chat: not held by Alice's limit
        await bot.send_message(ALICE, "tiga")  # Alice's chat: after the wait, in order
        await first
    assert fake.too_many_requests == 1
    refused, *delivered = fake.calls_of("sendMessage")
    assert [c.params["text"] for c in delivered] == ["dua", "satu", "tiga"]
    # Measured where the fake received them, so a slow test loop cannot shorten the pause.
    assert delivered[0].at - refused.at < 0.5
    assert all(call.at - refused.at >= 0.95 for call in delivered[1:])


async def test_a_second_chat_refused_meanwhile_holds_every_send(fake: FakeBotApi) -> None:
    for user_id in (1002, 1003):
        fake.create_user(user_id, f"User {user_id}")
    flood(fake, 2, retry_after=1)
    async with make_bot(fake, SmoothRateLimiter(max_retries=1)) as bot:
        sends = [asyncio.create_task(bot.send_message(ALICE, "satu"))]
        await fake.wait_for(lambda: fake.too_many_requests == 1, message="the first 429")
        sends.append(asyncio.create_task(bot.send_message(1002, "dua")))
        await fake.wait_for(lambda: fake.too_many_requests == 2, message="the second 429")
        await bot.send_message(1003, "tiga")  # never refused, yet it waits: the overall limit
        await asyncio.gather(*sends)
    calls = fake.calls_of("sendMessage")
    second_refusal = [c for c in calls if c.status == 429][-1]
    [tiga] = [c for c in calls if c.params["chat_id"] == 1003]
    assert tiga.at - second_refusal.at >= 0.95
    assert sorted(m.text for m in fake.sent) == ["dua", "satu", "tiga"]


async def test_retry_after_raised_when_retries_run_out(fake: FakeBotApi) -> None:
    fake.fail_next(1, status=429, parameters={"retry_after": 1}, methods=["sendMessage"])
    async with make_bot(fake, SmoothRateLimiter(max_retries=0)) as bot:
        started = time.monotonic()
        with pytest.raises(RetryAfter):
            await bot.send_message(ALICE, "hilang?")
        # Raised at once rather than after the 1 s pause: the outbox reschedules it.
        assert time.monotonic() - started < 0.9
    assert fake.sent == []


def flood(fake: FakeBotApi, n: int, retry_after: int, method: str = "sendMessage") -> None:
    fake.fail_next(
        n,
        status=429,
        parameters={"retry_after": retry_after},
        description=f"Too Many Requests: retry after {retry_after}",
        methods=[method],
    )


async def test_without_overall_spacing_only_each_chat_is_paced(fake: FakeBotApi) -> None:
    for user_id in range(1, 61):
        fake.create_user(30_000 + user_id, f"User {user_id}")
    async with make_bot(fake, SmoothRateLimiter(overall_per_second=None)) as bot:
        await asyncio.gather(*(bot.send_message(30_000 + i, "halo") for i in range(1, 61)))
        await asyncio.gather(*(bot.send_message(ALICE, f"Pesan {i}") for i in range(4)))
    first, *_, last = [c.at for c in fake.calls_of("sendMessage")][:60]
    # 28 per second would take more than 2 s for 60 chats; nothing holds them back here.
    assert last - first < 1.5
    at = send_times(fake, ALICE)
    assert at[3] - at[0] >= 0.95  # Alice's own chat still gets a burst of 3, then 1/s


async def test_group_burst_then_within_the_minute_limit(fake: FakeBotApi) -> None:
    # 3 at once, then one every 60 / (60 - 3 + 1) s: never more than 60 in any minute.
    fake.set_flood_limits(global_per_second=30, per_chat_per_second=None, per_group_per_minute=60)
    limiter = SmoothRateLimiter(group_per_minute=60, group_burst=3)
    async with make_bot(fake, limiter) as bot:
        await asyncio.gather(*(bot.send_message(GROUP, f"Pengumuman {i}") for i in range(5)))
    assert fake.too_many_requests == 0
    at = send_times(fake, GROUP)
    assert at[2] - at[0] < 0.9  # the burst: not held to the 1.03 s interval
    assert at[3] - at[0] >= 1.0 and at[4] - at[3] >= 1.0


def test_group_burst_must_fit_the_minute() -> None:
    with pytest.raises(ValueError):
        SmoothRateLimiter(group_per_minute=2, group_burst=3)
    with pytest.raises(ValueError):
        SmoothRateLimiter(max_retry_wait=-1)


async def test_retried_up_to_max_retries_each_after_its_wait(fake: FakeBotApi) -> None:
    flood(fake, 3, retry_after=1)
    async with make_bot(fake, SmoothRateLimiter(max_retries=3, max_retry_wait=60)) as bot:
        await bot.send_message(ALICE, "akhirnya")
    calls = fake.calls_of("sendMessage")
    assert [c.status for c in calls] == [429, 429, 429, 200]
    assert all(b.at - a.at >= 0.95 for a, b in itertools.pairwise(calls))
    assert [m.text for m in fake.sent_to(ALICE)] == ["akhirnya"]


async def test_calls_that_are_not_paced_are_retried_too(fake: FakeBotApi) -> None:
    async with make_bot(fake, SmoothRateLimiter(max_retries=3, max_retry_wait=60)) as bot:
        message = await bot.send_message(ALICE, "lama")
        flood(fake, 1, retry_after=1, method="editMessageText")
        await bot.edit_message_text("baru", chat_id=ALICE, message_id=message.message_id)
    refused, edited = fake.calls_of("editMessageText")
    assert refused.status == 429 and edited.ok
    assert edited.at - refused.at >= 0.95


async def test_a_wait_beyond_max_retry_wait_is_raised_at_once(fake: FakeBotApi) -> None:
    fake.create_user(1002, "Budi")
    flood(fake, 1, retry_after=30)
    limiter = SmoothRateLimiter(overall_per_second=None, max_retries=3, max_retry_wait=2)
    async with make_bot(fake, limiter) as bot:
        started = time.monotonic()
        with pytest.raises(RetryAfter):
            await bot.send_message(ALICE, "terlalu lama")
        # The next message to the same chat meets the same 30 s wait: raised too, not sent.
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(ALICE, "juga")
        assert time.monotonic() - started < 10  # not 30 s
        await bot.send_message(1002, "lain")  # another chat was never held
    assert retry_after_seconds(caught.value) > 2
    assert [c.status for c in fake.calls_of("sendMessage")] == [429, 200]
    assert [m.text for m in fake.sent] == ["lain"]


async def test_a_reply_goes_before_the_queued_outbox(fake: FakeBotApi) -> None:
    for user_id in range(1, 21):
        fake.create_user(40_000 + user_id, f"User {user_id}")
    outbox = SmoothRateLimiter(overall_per_second=10, max_retries=0, lane=Lane.OUTBOX)
    replies = outbox.share(Lane.REPLY, max_retries=3, max_retry_wait=60)
    async with make_bot(fake, outbox) as outbox_bot, make_bot(fake, replies) as reply_bot:
        queued = [
            asyncio.create_task(outbox_bot.send_message(40_000 + i, "pengingat"))
            for i in range(1, 21)
        ]
        await fake.wait_for(lambda: len(fake.sent) >= 3, timeout=5)
        await reply_bot.send_message(ALICE, "jawaban")
        await asyncio.gather(*queued)
    order = [m.chat_id for m in fake.sent]
    # At 10 a second the queue takes 2 s; the reply took the next slot, not the 21st.
    assert order.index(ALICE) <= 5, order
    assert len(order) == 21 and fake.too_many_requests == 0


async def test_replies_and_outbox_share_one_overall_limit(fake: FakeBotApi) -> None:
    # Scaled: the fake allows 50 in any second and the budget spends 45; two limiters of
    # their own at 45 each would send 90 a second and meet 429s.
    for user_id in range(1, 91):
        fake.create_user(50_000 + user_id, f"User {user_id}")
    fake.set_flood_limits(global_per_second=50, per_chat_per_second=1.0)
    outbox = SmoothRateLimiter(overall_per_second=45, max_retries=0)
    replies = outbox.share(Lane.REPLY, max_retries=3, max_retry_wait=60)
    async with make_bot(fake, outbox) as outbox_bot, make_bot(fake, replies) as reply_bot:
        await asyncio.gather(
            *(outbox_bot.send_message(50_000 + i, "pengingat") for i in range(1, 61)),
            *(reply_bot.send_message(50_000 + i, "jawaban") for i in range(61, 91)),
        )
    assert fake.too_many_requests == 0
    assert len(fake.sent) == 90


async def test_a_burst_to_one_person_is_paced_not_refused(fake: FakeBotApi) -> None:
    # Scaled: a burst of 3, then 4 a second, on the fake and in the budget alike.
    fake.set_flood_limits(global_per_second=30, per_chat_per_second=4.0, per_chat_burst=3)
    outbox = SmoothRateLimiter(private_burst=3, private_chat_interval=0.26, max_retries=0)
    replies = outbox.share(Lane.REPLY, max_retries=3, max_retry_wait=60)
    async with make_bot(fake, replies) as bot:
        await asyncio.gather(*(bot.send_message(ALICE, f"jawaban {i}") for i in range(8)))
    assert fake.too_many_requests == 0
    assert [m.text for m in fake.sent_to(ALICE)] == [f"jawaban {i}" for i in range(8)]


async def test_budget_retries_a_reply_and_hands_an_outbox_429_back(fake: FakeBotApi) -> None:
    budget = shared_budget()
    async with make_bot(fake, budget.outbox) as outbox_bot, make_bot(fake, budget.replies) as bot:
        flood(fake, 2, retry_after=1)
        await bot.send_message(ALICE, "tetap sampai")
        flood(fake, 1, retry_after=1)
        with pytest.raises(RetryAfter):
            await outbox_bot.send_message(ALICE, "kembali ke antrean")
    assert [c.status for c in fake.calls_of("sendMessage")] == [429, 429, 200, 429]
    assert [m.text for m in fake.sent_to(ALICE)] == ["tetap sampai"]


async def test_the_window_never_lets_the_fake_count_too_many(fake: FakeBotApi) -> None:
    # The fake counts "at most 10 in any second" by the time it answered each request.
    # Spaced at 12 a second alone, this would meet 429s; the window (fewer than 10 in
    # flight or answered within the last second) holds each message until the count allows.
    for user_id in range(1, 31):
        fake.create_user(60_000 + user_id, f"User {user_id}")
    fake.set_flood_limits(global_per_second=10, per_chat_per_second=None)
    limiter = SmoothRateLimiter(overall_per_second=12, window_limit=10, max_retries=0)
    async with make_bot(fake, limiter) as bot:
        await asyncio.gather(*(bot.send_message(60_000 + i, "halo") for i in range(1, 31)))
    assert fake.too_many_requests == 0
    assert len(fake.sent) == 30
