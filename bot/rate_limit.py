"""One sending budget for every message the bot sends, under Telegram's flood limits.

Telegram allows about 30 messages per second in total, about one per second to one private
chat (short bursts are tolerated) and 20 per minute to one group. The replies to people and
the outbox (reminders, alerts, digests) count against the same limits, so they share one
budget: ``shared_budget()`` gives two limiters, one per bot, over one state.

* Message sends start at least ``1 / overall_per_second`` apart. An idle period earns no
  credit, so there is never a burst on the shared limit (PTB's ``AIORateLimiter`` lets a
  full second's worth go at once, which against "any one second" itself earns 429s). And
  fewer than ``WINDOW_LIMIT`` are ever in flight or answered within one second, however the
  round trips vary (``_Gate``).
* When several wait, a reply to a person who just wrote goes before the outbox: the outbox
  fills what replies leave.
* Each chat has its own pace: a private chat a burst of ``private_burst`` and then one per
  ``private_chat_interval``; a group within ``group_per_minute``. A chat that must wait does
  not hold up other chats, and one chat's messages keep their order.
* A 429 holds back the chat it was for during its ``retry_after`` and takes the chat's
  burst away; a second chat refused meanwhile holds back every send (the overall limit).
  The request is tried again: a reply until it goes (within ``REPLY_RETRY_WAIT``), an
  outbox message not at all: the dispatcher reschedules its row, which is never lost.

PTB never passes ``getUpdates`` through a rate limiter, so polling is neither paced nor
retried. Edits, reads and callback answers are not paced (see ``sends_message``).
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dtm
import heapq
import itertools
import logging
import math
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, NamedTuple

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.ordering import slot_let_go
from services import metrics

__all__ = [
    "Budget",
    "Lane",
    "SmoothRateLimiter",
    "retry_after_seconds",
    "sends_message",
    "shared_budget",
]

_LOG = logging.getLogger(__name__)

JSONDict = dict[str, Any]

# Methods that deliver messages without "send" in their name.
_COPY_AND_FORWARD = frozenset({"copyMessage", "forwardMessage", "copyMessages", "forwardMessages"})
# Drop the state of idle chats once this many are tracked (grows with the number of chats).
_PRUNE_AT = 1024
#: Messages a second in all, a little under Telegram's 30; the window below keeps round
#: trips that vary from ever putting 30 in one second.
OVERALL_PER_SECOND = 29.0
#: A group's budget, one under Telegram's 20 a minute for the same reason.
GROUP_PER_MINUTE = 19
#: The window of Telegram's overall limit, and how many may be in flight or answered in it.
WINDOW = 1.0
WINDOW_LIMIT = 29
#: A private chat's pace, a little slower than Telegram's one a second for the same reason.
PRIVATE_CHAT_INTERVAL = 1.05
#: A group takes this many at once (a digest's photo and its text, a command's answer).
GROUP_BURST = 3
#: A reply meeting 429s is tried again until it goes, but never waits longer than this in
#: all: a flood wait of many minutes frees the handler (the error handler logs one line).
REPLY_RETRY_WAIT = 600.0
REPLY_RETRIES = 1000


def sends_message(endpoint: str) -> bool:
    """Whether a Bot API method delivers a message and so counts towards the flood limits.

    ``sendChatAction`` only shows "typing…": delaying it behind a queue of messages would make
    it pointless, so it is not paced. Reads, edits, deletions and callback answers are not
    paced either: they are usually answers to a user who is waiting.
    """
    if endpoint == "sendChatAction":
        return False
    return endpoint.startswith("send") or endpoint in _COPY_AND_FORWARD


def retry_after_seconds(exc: RetryAfter) -> float:
    """``exc.retry_after`` in seconds: PTB gives an int, or a timedelta with PTB_TIMEDELTA set.

    Reading it as an int makes PTB 22 warn that it will become a timedelta; that warning is
    about this very code path, which already handles both, so it is silenced here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value)


class Lane(IntEnum):
    """Who is sending; a lower value goes first when both wait."""

    REPLY = 0  # an answer to a person who just wrote
    OUTBOX = 1  # a reminder, alert, digest or document


@dataclass
class _ChatBucket:
    """A token bucket for one chat: ``capacity`` messages at once, then one per ``interval``.

    Tokens are taken when a message actually leaves (after the shared gate), not when it
    queues, so time spent waiting behind other chats never shortens the gap in this chat.
    ``lock`` keeps one chat's messages in order and makes the next one measure its wait from
    the previous send.
    """

    capacity: int
    interval: float
    tokens: float
    stamp: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # requests waiting on or holding ``lock``; a bucket in use is never pruned
    held_until: float = 0.0  # a 429 for this chat: nothing to it before then

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) / self.interval)
        self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until a token is available (0 if one is available now)."""
        self._refill(now)
        missing = 1.0 - self.tokens
        return max(missing * self.interval if missing > 1e-9 else 0.0, self.held_until - now)

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1.0

    def slow_down(self, now: float, seconds: float) -> None:
        """Telegram refused a message to this chat: nothing for ``seconds``, then one per
        interval, no burst."""
        self.tokens, self.stamp = 0.0, now
        self.held_until = max(self.held_until, now + seconds)

    def idle(self, now: float) -> bool:
        """Unused and full again: forgetting it changes nothing."""
        self._refill(now)
        return self.users == 0 and self.tokens >= self.capacity and now >= self.held_until


class _Gate:
    """Hands out send slots ``spacing`` apart: the lowest lane first, in arrival order
    within a lane. A slot is given by resolving the waiter's future from a timer, so no
    waiter holds a lock while it sleeps and a reply can overtake queued outbox messages.

    With ``window_limit``, fewer than that many messages are ever in flight or answered
    within the last second (``WINDOW``): whoever counts "at most N in any one second" by the
    time each message arrived or was answered never sees more, however the round trips
    vary. Spacing alone cannot promise that, since a slow answer and a fast one can land
    closer together than they left.
    """

    def __init__(self, spacing: float, window_limit: int | None = None) -> None:
        self.spacing = spacing
        self.window_limit = window_limit
        self.reset()

    def reset(self) -> None:
        self._queue: list[tuple[int, int, asyncio.Future[None], float | None]] = []
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self.next_send = 0.0  # loop time before which no message may start
        self.paused_until = 0.0  # loop time set by the last RetryAfter
        self._in_flight = 0
        self._answered: collections.deque[float] = collections.deque()

    async def turn(self, lane: Lane, deadline: float | None) -> None:
        """Wait for this request's slot; a pause beyond ``deadline`` raises RetryAfter.
        Whoever got a slot must call ``answered`` once the request is over."""
        loop = asyncio.get_running_loop()
        if deadline is not None and self.paused_until > deadline:
            raise _retry_after(self.paused_until - loop.time())
        waiter: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._queue, (int(lane), next(self._order), waiter, deadline))
        self._pump()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # given a slot, then cancelled
                self.answered()
            raise

    def answered(self) -> None:
        """A message that had a slot is over (sent, refused or failed)."""
        self._in_flight -= 1
        self.note()

    def note(self) -> None:
        """Count a message answered in the window (edits too: Telegram counts them)."""
        if self.window_limit is not None:
            self._answered.append(asyncio.get_running_loop().time())
            self._pump()

    def pause(self, seconds: float) -> None:
        """Hold back every send for ``seconds``; waiters that cannot wait that long are told."""
        loop = asyncio.get_running_loop()
        self.paused_until = max(self.paused_until, loop.time() + seconds)
        kept = []
        for entry in self._queue:
            deadline, waiter = entry[3], entry[2]
            if deadline is not None and self.paused_until > deadline and not waiter.done():
                waiter.set_exception(_retry_after(self.paused_until - loop.time()))
            elif not waiter.done():
                kept.append(entry)
        heapq.heapify(kept)
        self._queue = kept
        self._pump()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _window_wait(self, now: float) -> float | None:
        """Seconds until the window has room (0: now; None: once a message is answered)."""
        if self.window_limit is None:
            return 0.0
        while self._answered and self._answered[0] <= now - WINDOW:
            self._answered.popleft()
        if self._in_flight + len(self._answered) < self.window_limit:
            return 0.0
        return self._answered[0] + WINDOW - now if self._answered else None

    def _pump(self) -> None:
        """Give every slot that is due now, then sleep (a timer) until the next one."""
        loop = asyncio.get_running_loop()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._queue:
            if self._queue[0][2].done():  # its request was cancelled
                heapq.heappop(self._queue)
                continue
            now = loop.time()
            due = max(self.next_send, self.paused_until)
            if due <= now and (room := self._window_wait(now)) != 0.0:
                if room is None:
                    return  # ``answered`` pumps again
                due = now + room
            if due > now:
                self._timer = loop.call_at(due, self._pump)
                return
            heapq.heappop(self._queue)[2].set_result(None)
            self._in_flight += 1
            # Busy, keep the cadence (a timer that fired late does not slow every later slot);
            # after a quiet spell, start it afresh.
            self.next_send = (due if now - due < self.spacing else now) + self.spacing


class _Core:
    """The state both lanes share: the gate and every chat's bucket."""

    def __init__(
        self,
        gate: _Gate,
        private: tuple[int, float],
        group: tuple[int, float],
    ) -> None:
        self.gate = gate
        self.private = private
        self.group = group
        self.chats: dict[int | str, _ChatBucket] = {}
        self.prune_at = _PRUNE_AT
        self.open_lanes = 0
        self.refused: tuple[int | str | None, float] = (None, 0.0)  # the last 429: chat, until

    def reset(self) -> None:
        self.gate.close()
        self.gate.reset()
        self.chats = {}
        self.prune_at = _PRUNE_AT
        self.refused = (None, 0.0)

    def refused_for(self, chat_id: object, seconds: float, now: float) -> None:
        """Telegram answered a message to ``chat_id`` with 429: hold back what it must.

        The chat waits ``seconds``. Every send waits too when the 429 names no chat, or when
        another chat was refused within the last such wait: then it is the overall limit,
        not one chat's, that was reached.
        """
        key = _chat_key(chat_id)
        last_key, last_until = self.refused
        if key is None or (now < last_until and last_key != key):
            self.gate.pause(seconds)
        self.refused = (key, max(now + seconds, last_until if last_key == key else 0.0))
        if (bucket := self.bucket(chat_id, now)) is not None:
            bucket.slow_down(now, seconds)

    def bucket(self, chat_id: object, now: float) -> _ChatBucket | None:
        """The token bucket of ``chat_id`` (created on first use), or None without a chat."""
        key = _chat_key(chat_id)
        if key is None:
            return None
        bucket = self.chats.get(key)
        if bucket is None:
            if len(self.chats) >= self.prune_at:
                self.chats = {k: b for k, b in self.chats.items() if not b.idle(now)}
                self.prune_at = max(_PRUNE_AT, 2 * len(self.chats))
            private = isinstance(key, int) and key > 0
            capacity, interval = self.private if private else self.group
            bucket = _ChatBucket(capacity, interval, tokens=capacity, stamp=now)
            self.chats[key] = bucket
        return bucket


class SmoothRateLimiter(BaseRateLimiter[int]):
    """Spaces message sends evenly instead of letting them burst (asyncio only, no threads).

    * Overall: message sends start at least ``1 / overall_per_second`` apart, the lower
      ``lane`` first, then first come first served. ``None`` leaves out the shared spacing:
      each chat keeps only its own pace. ``window_limit``: besides, fewer than that many
      are in flight or answered within any one second (see ``_Gate``).
    * Private chat (positive chat id): a burst of ``private_burst``, then one message per
      ``private_chat_interval`` seconds.
    * Group or channel (negative chat id or ``@username``): a burst of ``group_burst``, then
      one message every ``60 / (group_per_minute - group_burst + 1)`` seconds, which keeps any
      60 s window within ``group_per_minute``.
    * A 429 (``RetryAfter``) holds back its chat until ``retry_after`` has passed and takes
      the chat's burst away; every message send waits too if it names no chat or another
      chat was refused within that time (``_Core.refused_for``). The request is then tried
      again up to ``max_retries`` times and the RetryAfter is re-raised after that, so that
      the caller (the outbox) can reschedule instead of losing it. ``rate_limit_args`` (an
      int) overrides ``max_retries`` for one request.
    * ``max_retry_wait`` bounds the time one request spends in here once a 429 is involved:
      a retry that could only start later than that after the request came in, or a pause
      (someone else's 429) that lasts beyond it, re-raises a RetryAfter at once instead of
      holding the caller. ``None`` means no bound.

    ``share`` makes another limiter over the same budget (for a second bot). Requests that
    do not send messages (getMe, getFile, answerCallbackQuery, edits, ...) pass straight
    through; only a RetryAfter of their own makes them wait and retry.
    """

    def __init__(
        self,
        overall_per_second: float | None = OVERALL_PER_SECOND,
        private_chat_interval: float = 1.0,
        group_per_minute: int = GROUP_PER_MINUTE,
        private_burst: int = 3,
        max_retries: int = 1,
        *,
        group_burst: int = 1,
        max_retry_wait: float | None = None,
        lane: Lane = Lane.OUTBOX,
        window_limit: int | None = None,
    ) -> None:
        if (
            (overall_per_second is not None and overall_per_second <= 0)
            or private_chat_interval <= 0
            or group_per_minute <= 0
        ):
            raise ValueError("rates and intervals must be positive")
        if private_burst < 1 or max_retries < 0:
            raise ValueError("private_burst must be >= 1 and max_retries >= 0")
        if not 1 <= group_burst <= group_per_minute:
            raise ValueError("group_burst must be between 1 and group_per_minute")
        if max_retry_wait is not None and max_retry_wait < 0:
            raise ValueError("max_retry_wait must be >= 0")
        spacing = 0.0 if overall_per_second is None else 1.0 / overall_per_second
        self._core = _Core(
            _Gate(spacing, window_limit),
            (private_burst, private_chat_interval),
            (group_burst, 60.0 / (group_per_minute - group_burst + 1)),
        )
        self._lane = lane
        self._max_retries = max_retries
        self._max_retry_wait = max_retry_wait

    def share(
        self, lane: Lane, *, max_retries: int, max_retry_wait: float | None
    ) -> SmoothRateLimiter:
        """A limiter for another bot that spends this one's budget, in ``lane``."""
        other = SmoothRateLimiter.__new__(SmoothRateLimiter)
        other._core = self._core
        other._lane = lane
        other._max_retries = max_retries
        other._max_retry_wait = max_retry_wait
        return other

    async def initialize(self) -> None:
        """The first bot to start begins from a clean state; a second one joins it."""
        if self._core.open_lanes == 0:
            self._core.reset()
        self._core.open_lanes += 1

    async def shutdown(self) -> None:
        """The last bot to stop forgets the per-chat state; nothing else to release."""
        self._core.open_lanes = max(0, self._core.open_lanes - 1)
        if self._core.open_lanes == 0:
            self._core.gate.close()
            self._core.chats.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for this request's turn (message sends only), call it, retry after a 429."""
        max_retries = self._max_retries if rate_limit_args is None else rate_limit_args
        paced = sends_message(endpoint)
        deadline = None if self._max_retry_wait is None else self._now() + self._max_retry_wait
        attempt = 0
        while True:
            if paced:
                # Waiting here is not work: the update's slot goes to someone else meanwhile.
                async with slot_let_go():
                    await self._wait_turn(data.get("chat_id"), deadline)
            try:
                answer = await callback(*args, **kwargs)
                if not paced and endpoint.startswith("edit"):
                    self._core.gate.note()
                return answer
            except RetryAfter as exc:
                metrics.rate_limited()  # every 429, including those retried here
                delay = retry_after_seconds(exc)
                self._core.refused_for(data.get("chat_id"), delay, self._now())
                if attempt >= max_retries:
                    _LOG.warning("%s: flood limit, giving up after %d retries", endpoint, attempt)
                    raise
                if deadline is not None and self._now() + delay > deadline:
                    _LOG.warning(
                        "%s: flood limit, giving up: retry in %.1f s is too long to wait",
                        endpoint,
                        delay,
                    )
                    raise
                attempt += 1
                _LOG.warning("%s: flood limit, retrying in %.1f s", endpoint, delay)
                if not paced:  # paced requests wait for their chat and the gate
                    await asyncio.sleep(delay)
            finally:
                if paced:
                    self._core.gate.answered()

    # -- internals ------------------------------------------------------------------------

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    async def _wait_turn(self, chat_id: object, deadline: float | None) -> None:
        """Wait until this chat may receive a message, then for a slot at the shared gate."""
        bucket = self._core.bucket(chat_id, self._now())
        if bucket is None:
            await self._core.gate.turn(self._lane, deadline)
            return
        bucket.users += 1
        try:
            async with bucket.lock:
                while (wait := bucket.wait_time(self._now())) > 0:
                    if deadline is not None and bucket.held_until > deadline:
                        raise _retry_after(bucket.held_until - self._now())
                    await asyncio.sleep(wait)
                # Only now join the shared queue: a chat that must wait does not hold up others.
                await self._core.gate.turn(self._lane, deadline)
                bucket.take(self._now())
        finally:
            bucket.users -= 1


class Budget(NamedTuple):
    """The two limiters over one budget: the replying bot's and the outbox bot's."""

    replies: SmoothRateLimiter
    outbox: SmoothRateLimiter


def shared_budget(
    *,
    overall_per_second: float | None = OVERALL_PER_SECOND,
    private_chat_interval: float = PRIVATE_CHAT_INTERVAL,
    group_per_minute: int = GROUP_PER_MINUTE,
) -> Budget:
    """One budget for the whole bot: replies first, the outbox after them.

    A reply waits out 429s and is tried again until it goes (within ``REPLY_RETRY_WAIT``);
    an outbox message meeting a 429 goes back to its row, which the dispatcher reschedules.
    The paces are Telegram's; only tests that script conversations at machine speed pass
    faster ones (``None``: no overall limit).
    """
    outbox = SmoothRateLimiter(
        overall_per_second,
        private_chat_interval=private_chat_interval,
        group_per_minute=group_per_minute,
        window_limit=None if overall_per_second is None else WINDOW_LIMIT,
        group_burst=GROUP_BURST,
        max_retries=0,
        lane=Lane.OUTBOX,
    )
    replies = outbox.share(Lane.REPLY, max_retries=REPLY_RETRIES, max_retry_wait=REPLY_RETRY_WAIT)
    return Budget(replies=replies, outbox=outbox)


def _retry_after(seconds: float) -> RetryAfter:
    """A RetryAfter for ``seconds`` (at least 1, as Telegram says), built without PTB's
    warning about reading ``retry_after`` as an int."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return RetryAfter(max(1, math.ceil(seconds)))


def _chat_key(chat_id: object) -> int | str | None:
    """A chat id as PTB passed it (int, numeric string or ``@username``) made comparable."""
    if chat_id is None or isinstance(chat_id, bool):
        return None
    if isinstance(chat_id, int):
        return chat_id
    text = str(chat_id).strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return text.lower()  # @channelusername: a group/channel
