"""Pacing of outgoing messages so that the bot stays under Telegram's flood limits.

Telegram allows about 30 messages per second in total, about one per second to one private
chat (short bursts are tolerated) and 20 per minute to one group. PTB's ``AIORateLimiter`` lets
a full second's worth go out at once and then throttles; against a limit counted over "any one
second" that burst itself earns 429s, and Telegram penalises bots that keep hitting 429. This
limiter never bursts on the shared limit: message sends leave one at a time, evenly spaced, in
the order they were asked for. Only a chat gets a small burst of its own (by default only a
private chat).

Wire it in with ``ApplicationBuilder().rate_limiter(SmoothRateLimiter())``. The outbox uses
the defaults. Replies use ``for_replies()``: the person who just wrote is answered at once (no
shared queue, and a chat is held to Telegram's pace only once Telegram has answered a message
to it with 429), and a 429 is waited out a few times within a bounded time instead of
surfacing as an error. PTB never passes ``getUpdates`` through a rate limiter, so polling is
neither paced nor retried.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import math
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from services import metrics

__all__ = ["SmoothRateLimiter", "for_replies", "retry_after_seconds", "sends_message"]

_LOG = logging.getLogger(__name__)

JSONDict = dict[str, Any]

# Methods that deliver messages without "send" in their name.
_COPY_AND_FORWARD = frozenset({"copyMessage", "forwardMessage", "copyMessages", "forwardMessages"})
# Drop the state of idle chats once this many are tracked (grows with the number of chats).
_PRUNE_AT = 1024
#: A reply meeting a 429 is tried again this often, and never waits longer than this in all.
REPLY_RETRIES = 3
REPLY_RETRY_WAIT = 60.0
#: A chat whose reply met a 429 is paced for this long after the last one.
REPLY_PACING = 60.0


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
    #: With pacing after a 429 only: the chat is paced until then. None: always paced.
    paced_until: float | None = None

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) / self.interval)
        self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until a token is available (0 if one is available now)."""
        self._refill(now)
        missing = 1.0 - self.tokens
        return missing * self.interval if missing > 1e-9 else 0.0

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1.0

    def paced(self, now: float) -> bool:
        return self.paced_until is None or now < self.paced_until

    def slow_down(self, now: float, until: float) -> None:
        """Telegram refused a message to this chat: no burst now, one per interval until
        ``until`` (pacing after a 429 only)."""
        self.tokens, self.stamp = 0.0, now
        self.paced_until = max(self.paced_until or 0.0, until)

    def idle(self, now: float) -> bool:
        """Unused and full again (or no longer paced): forgetting it changes nothing."""
        self._refill(now)
        if self.paced_until is not None:
            return self.users == 0 and now >= self.paced_until
        return self.users == 0 and self.tokens >= self.capacity


class SmoothRateLimiter(BaseRateLimiter[int]):
    """Spaces message sends evenly instead of letting them burst (asyncio only, no threads).

    * Overall: message sends start at least ``1 / overall_per_second`` apart, first come first
      served. An idle period earns no credit, so there is never a burst. ``None`` leaves out
      the shared spacing: each chat keeps only its own pace.
    * Private chat (positive chat id): a burst of ``private_burst``, then one message per
      ``private_chat_interval`` seconds.
    * Group or channel (negative chat id or ``@username``): a burst of ``group_burst``, then
      one message every ``60 / (group_per_minute - group_burst + 1)`` seconds, which keeps any
      60 s window within ``group_per_minute``.
    * A 429 (``RetryAfter``) pauses every message send until ``retry_after`` has passed; the
      request is then tried again up to ``max_retries`` times and the RetryAfter is re-raised
      after that, so that the caller (the outbox) can reschedule instead of losing it.
      ``rate_limit_args`` (an int) overrides ``max_retries`` for one request.
    * ``pace_chats_after_429`` (seconds) holds a chat to its pace only for that long after
      Telegram last answered a message to it with 429, without a burst at first; until then
      its messages go at once. ``None`` (the default) paces every chat all the time.
    * ``max_retry_wait`` bounds the time one request spends in here once a 429 is involved:
      a retry that could only start later than that after the request came in, or a pause
      (someone else's 429) that lasts beyond it, re-raises a RetryAfter at once instead of
      holding the caller. ``None`` means no bound.

    Requests that do not send messages (getMe, getFile, answerCallbackQuery, edits, ...) pass
    straight through; only a RetryAfter of their own makes them wait and retry.
    """

    def __init__(
        self,
        overall_per_second: float | None = 28.0,
        private_chat_interval: float = 1.0,
        group_per_minute: int = 20,
        private_burst: int = 3,
        max_retries: int = 1,
        *,
        group_burst: int = 1,
        pace_chats_after_429: float | None = None,
        max_retry_wait: float | None = None,
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
        if (max_retry_wait is not None and max_retry_wait < 0) or (
            pace_chats_after_429 is not None and pace_chats_after_429 <= 0
        ):
            raise ValueError("max_retry_wait must be >= 0 and pace_chats_after_429 > 0")
        self._spacing = 0.0 if overall_per_second is None else 1.0 / overall_per_second
        self._private = (private_burst, private_chat_interval)
        self._group = (group_burst, 60.0 / (group_per_minute - group_burst + 1))
        self._max_retries = max_retries
        self._max_retry_wait = max_retry_wait
        self._pace_after_429 = pace_chats_after_429
        self._reset()

    def _reset(self) -> None:
        self._gate = asyncio.Lock()  # asyncio.Lock wakes its waiters in FIFO order
        self._next_send = 0.0  # loop time before which no message may start
        self._paused_until = 0.0  # loop time set by the last RetryAfter
        self._chats: dict[int | str, _ChatBucket] = {}
        self._prune_at = _PRUNE_AT

    async def initialize(self) -> None:
        """Start from a clean state (nothing to open: the limiter holds no resources)."""
        self._reset()

    async def shutdown(self) -> None:
        """Forget per-chat state; nothing else to release."""
        self._chats.clear()

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
                await self._wait_turn(data.get("chat_id"), endpoint, deadline)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                metrics.rate_limited()  # every 429, including those retried here
                delay = retry_after_seconds(exc)
                self._pause(delay)
                if paced:
                    self._slow_down(data.get("chat_id"))
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
                if not paced:  # paced requests wait for the pause at the gate
                    await asyncio.sleep(delay)

    # -- internals ------------------------------------------------------------------------

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    def _pause(self, seconds: float) -> None:
        """Hold back every message send for ``seconds`` (Telegram asked us to)."""
        self._paused_until = max(self._paused_until, self._now() + seconds)

    def _slow_down(self, chat_id: object) -> None:
        """With pacing after a 429 only: pace this chat from now on, for a while."""
        if self._pace_after_429 is None:
            return
        bucket = self._bucket(chat_id)
        if bucket is not None:
            now = self._now()
            bucket.slow_down(now, now + self._pace_after_429)

    async def _wait_turn(self, chat_id: object, endpoint: str, deadline: float | None) -> None:
        """Wait until this chat may receive a message, then for a slot at the shared gate."""
        bucket = self._bucket(chat_id, create=self._pace_after_429 is None)
        if bucket is None or not bucket.paced(self._now()):
            await self._gate_turn(endpoint, deadline)
            return
        bucket.users += 1
        try:
            async with bucket.lock:
                while (wait := bucket.wait_time(self._now())) > 0:
                    await asyncio.sleep(wait)
                # Only now join the shared queue: a chat that must wait does not hold up others.
                await self._gate_turn(endpoint, deadline)
                bucket.take(self._now())
        finally:
            bucket.users -= 1

    async def _gate_turn(self, endpoint: str, deadline: float | None) -> None:
        """One message at a time through the shared gate, ``1 / overall_per_second`` apart.

        The lock is held while sleeping so that requests pass in arrival order, and the due
        time is checked again after every sleep because a RetryAfter may have come in since.
        A pause that outlasts ``deadline`` raises RetryAfter for what is left of it.
        """
        async with self._gate:
            while True:
                now = self._now()
                if deadline is not None and self._paused_until > deadline:
                    left = self._paused_until - now
                    _LOG.warning("%s: flood limit, giving up: paused for %.1f s", endpoint, left)
                    raise _retry_after(left)
                due = max(self._next_send, self._paused_until)
                if due <= now:
                    break
                await asyncio.sleep(due - now)
            self._next_send = now + self._spacing

    def _bucket(self, chat_id: object, *, create: bool = True) -> _ChatBucket | None:
        """The token bucket of ``chat_id`` (created on first use unless ``create`` is false),
        or None without a chat."""
        key = _chat_key(chat_id)
        if key is None:
            return None
        bucket = self._chats.get(key)
        if bucket is None and create:
            if len(self._chats) >= self._prune_at:
                self._prune()
            private = isinstance(key, int) and key > 0
            capacity, interval = self._private if private else self._group
            bucket = _ChatBucket(capacity, interval, tokens=capacity, stamp=self._now())
            if self._pace_after_429 is not None:
                bucket.paced_until = 0.0  # not paced until a 429 says so
            self._chats[key] = bucket
        return bucket

    def _prune(self) -> None:
        """Drop idle chats; the threshold grows so that pruning stays cheap on average."""
        now = self._now()
        self._chats = {k: b for k, b in self._chats.items() if not b.idle(now)}
        self._prune_at = max(_PRUNE_AT, 2 * len(self._chats))


def for_replies() -> SmoothRateLimiter:
    """The limiter of the application's own bot, which answers the person who just wrote.

    No shared queue: one person's reply never waits behind anyone else's, and replies go at
    once as long as Telegram takes them. Once a message to a chat meets a 429, that chat is
    held to Telegram's pace for ``REPLY_PACING`` seconds (a private chat: one a second, a
    burst of three once it has been quiet; a group: within 20 a minute), so that a person
    sending an album or typing fast costs one 429, not one per reply. A 429 is waited out up
    to ``REPLY_RETRIES`` times but never for more than ``REPLY_RETRY_WAIT`` seconds, so that
    a long flood wait frees the handler (the error handler then logs one warning line).
    Replies are not paced from the start: a person waits for each of them, Telegram lets
    short bursts through, and one a second per chat would hold up anyone who writes faster
    (bench/inbound.py drives each chat at two a second).
    """
    return SmoothRateLimiter(
        overall_per_second=None,
        group_burst=3,
        pace_chats_after_429=REPLY_PACING,
        max_retries=REPLY_RETRIES,
        max_retry_wait=REPLY_RETRY_WAIT,
    )


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
