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

from bot.rate_limit import SmoothRateLimiter, retry_after_seconds, sends_message
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


async def test_retry_after_pauses_all_sends_then_delivers(fake: FakeBotApi) -> None:
    fake.create_user(1002, "Budi")
    fake.fail_next(
        1,
        status=429,
        parameters={"retry_after": 1},
        description="Too Many Requests: retry after 1",
        methods=["sendMessage"],
    )
    async with make_bot(fake, SmoothRateLimiter(max_retries=1)) as bot:
        started = time.monotonic()
        first = asyncio.create_task(bot.send_message(ALICE, "satu"))
        await fake.wait_for(lambda: fake.too_many_requests, message="the 429")
        await bot.send_message(1002, "dua")  # another chat: held back by the pause as well
        await first
        first_done = time.monotonic()
    assert fake.too_many_requests == 1
    # Both wait out the same pause; which of two chats goes first after it is not a promise.
    assert sorted(m.text for m in fake.sent) == ["dua", "satu"]
    assert first_done - started < 3.0  # one pause of retry_after, not two
    # Measured where the fake received them, so a slow test loop cannot shorten the pause.
    refused, *delivered = fake.calls_of("sendMessage")
    assert len(delivered) == 2
    assert all(call.at - refused.at >= 0.95 for call in delivered)


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
        # Someone else's message meets the same 30 s pause: raised too, and never sent.
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(1002, "juga")
        assert time.monotonic() - started < 10  # not 30 s
    assert retry_after_seconds(caught.value) > 2
    assert [c.status for c in fake.calls_of("sendMessage")] == [429]
    assert fake.sent == []


async def test_paced_after_a_429_only_a_chat_goes_at_once_until_refused(
    fake: FakeBotApi,
) -> None:
    fake.create_user(1002, "Budi")
    limiter = SmoothRateLimiter(overall_per_second=None, pace_chats_after_429=60, max_retries=3)
    async with make_bot(fake, limiter) as bot:
        await asyncio.gather(*(bot.send_message(ALICE, f"cepat {i}") for i in range(6)))
        fast = send_times(fake, ALICE)
        flood(fake, 1, retry_after=1)
        await bot.send_message(ALICE, "pelan 0")  # refused, then sent after the wait
        await asyncio.gather(
            *(bot.send_message(ALICE, f"pelan {i}") for i in (1, 2)),
            bot.send_message(1002, "tidak menunggu"),
        )
    assert fast[-1] - fast[0] < 0.9  # six at once: no burst limit before a 429
    refused, *slow = [c for c in fake.calls_of("sendMessage")[6:] if c.params["chat_id"] == ALICE]
    assert refused.status == 429 and [c.ok for c in slow] == [True] * 3
    # From the 429 on, Alice's chat gets no burst: one a second.
    assert all(b.at - a.at >= 0.95 for a, b in itertools.pairwise([refused, *slow]))
    assert [m.text for m in fake.sent_to(ALICE)][-3:] == ["pelan 0", "pelan 1", "pelan 2"]
    # Budi's chat was never refused: his message did not wait for Alice's pace.
    [budi] = [c for c in fake.calls_of("sendMessage") if c.params["chat_id"] == 1002]
    assert budi.at < slow[-1].at - 0.5
