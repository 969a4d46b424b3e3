"""Pacing of outgoing messages so that the bot stays under Telegram's flood limits.

Telegram allows about 30 messages per second in total, about one per second to one private
chat (short bursts are tolerated) and 20 per minute to one group. PTB's ``AIORateLimiter`` lets
a full second's worth go out at once and then throttles; against a limit counted over "any one
second" that burst itself earns 429s, and Telegram penalises bots that keep hitting 429. This
limiter never bursts on the shared limit: message sends leave one at a time, evenly spaced, in
the order they were asked for. Only a private chat gets a small burst of its own.

Wire it in with ``ApplicationBuilder().rate_limiter(SmoothRateLimiter())``.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from services import metrics

__all__ = ["SmoothRateLimiter", "retry_after_seconds", "sends_message"]

_LOG = logging.getLogger(__name__)

JSONDict = dict[str, Any]

# Methods that deliver messages without "send" in their name.
_COPY_AND_FORWARD = frozenset({"copyMessage", "forwardMessage", "copyMessages", "forwardMessages"})
# Drop the state of idle chats once this many are tracked (grows with the number of chats).
_PRUNE_AT = 1024


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

    def idle(self, now: float) -> bool:
        """Unused and full again: forgetting it changes nothing."""
        self._refill(now)
        return self.users == 0 and self.tokens >= self.capacity


class SmoothRateLimiter(BaseRateLimiter[int]):
    """Spaces message sends evenly instead of letting them burst (asyncio only, no threads).

    * Overall: message sends start at least ``1 / overall_per_second`` apart, first come first
      served. An idle period earns no credit, so there is never a burst.
    * Private chat (positive chat id): a burst of ``private_burst``, then one message per
      ``private_chat_interval`` seconds.
    * Group or channel (negative chat id or ``@username``): one message every
      ``60 / group_per_minute`` seconds, which keeps any 60 s window within the limit.
    * A 429 (``RetryAfter``) pauses every message send until ``retry_after`` has passed; the
      request is then tried again up to ``max_retries`` times and the RetryAfter is re-raised
      after that, so that the caller (the outbox) can reschedule instead of losing it.
      ``rate_limit_args`` (an int) overrides ``max_retries`` for one request.

    Requests that do not send messages (getMe, getFile, answerCallbackQuery, edits, ...) pass
    straight through; only a RetryAfter of their own makes them wait and retry.
    """

    def __init__(
        self,
        overall_per_second: float = 28.0,
        private_chat_interval: float = 1.0,
        group_per_minute: int = 20,
        private_burst: int = 3,
        max_retries: int = 1,
    ) -> None:
        if overall_per_second <= 0 or private_chat_interval <= 0 or group_per_minute <= 0:
            raise ValueError("rates and intervals must be positive")
        if private_burst < 1 or max_retries < 0:
            raise ValueError("private_burst must be >= 1 and max_retries >= 0")
        self._spacing = 1.0 / overall_per_second
        self._private = (private_burst, private_chat_interval)
        self._group = (1, 60.0 / group_per_minute)
        self._max_retries = max_retries
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
        attempt = 0
        while True:
            if paced:
                await self._wait_turn(data.get("chat_id"))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                metrics.rate_limited()  # every 429, including those retried here
                delay = retry_after_seconds(exc)
                self._pause(delay)
                if attempt >= max_retries:
                    _LOG.warning("%s: flood limit, giving up after %d retries", endpoint, attempt)
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

    async def _wait_turn(self, chat_id: object) -> None:
        """Wait until this chat may receive a message, then for a slot at the shared gate."""
        bucket = self._bucket(chat_id)
        if bucket is None:
            await self._gate_turn()
            return
        bucket.users += 1
        try:
            async with bucket.lock:
                while (wait := bucket.wait_time(self._now())) > 0:
                    await asyncio.sleep(wait)
                # Only now join the shared queue: a chat that must wait does not hold up others.
                await self._gate_turn()
                bucket.take(self._now())
        finally:
            bucket.users -= 1

    async def _gate_turn(self) -> None:
        """One message at a time through the shared gate, ``1 / overall_per_second`` apart.

        The lock is held while sleeping so that requests pass in arrival order, and the due
        time is checked again after every sleep because a RetryAfter may have come in since.
        """
        async with self._gate:
            while True:
                now = self._now()
                due = max(self._next_send, self._paused_until)
                if due <= now:
                    break
                await asyncio.sleep(due - now)
            self._next_send = now + self._spacing

    def _bucket(self, chat_id: object) -> _ChatBucket | None:
        """The token bucket of ``chat_id`` (created on first use), or None without a chat."""
        key = _chat_key(chat_id)
        if key is None:
            return None
        bucket = self._chats.get(key)
        if bucket is None:
            if len(self._chats) >= self._prune_at:
                self._prune()
            private = isinstance(key, int) and key > 0
            capacity, interval = self._private if private else self._group
            bucket = _ChatBucket(capacity, interval, tokens=capacity, stamp=self._now())
            self._chats[key] = bucket
        return bucket

    def _prune(self) -> None:
        """Drop idle chats; the threshold grows so that pruning stays cheap on average."""
        now = self._now()
        self._chats = {k: b for k, b in self._chats.items() if not b.idle(now)}
        self._prune_at = max(_PRUNE_AT, 2 * len(self._chats))


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
