"""Send what is due in the outbox, one row at a time, never twice.

A row is marked sent in its own commit right after Telegram accepts it. The one case that
can still send twice is a crash between Telegram's acceptance and that commit: the row is
still pending after the restart and goes again. Everything else is exactly once.

| error            | what happens                                                         |
|------------------|----------------------------------------------------------------------|
| 429 RetryAfter   | the row waits ``retry_after`` (no sleeping inside the tick)          |
| 403 Forbidden    | the chat is unreachable; its jaksa and pengawas are told, once        |
| ChatMigrated     | pending rows follow the group's new id, and go next tick             |
| other 400        | the row failed: retrying cannot help                                  |
| network errors   | back off: 30 s, 1 min, 2 min ... up to 30 min; the tick stops         |

While Telegram is unreachable the log gets one line a minute, not one per row.
"""

import asyncio
import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from domain.reminders import still_stands
from services import closing_record, metrics
from services.log_throttle import LogThrottle
from storage.db import Database
from storage.repositories import Store
from storage.repositories.outbox import OutboxRow

log = logging.getLogger(__name__)

GRACE = timedelta(minutes=30)
BATCH = 200
CONCURRENCY = 8
MAX_BACKOFF = timedelta(minutes=30)
UNREACHABLE = "outbox: Telegram unreachable"
_FAILURES = LogThrottle()  # for callers without the application's own (benchmarks, tests)


@dataclass
class DispatchReport:
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    unreachable: list[int] = field(default_factory=list)
    #: Reminders not sent because their session moved, was cancelled, attended or excused.
    withdrawn: int = 0
    failed: int = 0
    slowed_down: bool = False
    network_errors: int = 0
    #: A whole batch was due: more rows may be due right now.
    full_batch: bool = False

    @property
    def more_due(self) -> bool:
        """Worth another tick at once: the batch was full and nothing told us to stop."""
        return self.full_batch and not self.slowed_down and not self.network_errors


def _markup(payload: dict[str, object]) -> InlineKeyboardMarkup | None:
    rows = payload.get("buttons")
    if not isinstance(rows, list):
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def _send(bot: Bot, row: OutboxRow, db: Database, now: datetime) -> Message:
    payload = row.payload
    if isinstance(document := payload.get("document"), dict):
        return await _send_document(bot, row, db, now, int(document["case_id"]))
    if "png_b64" in payload:
        caption = payload.get("caption")
        return await bot.send_photo(
            row.chat_id,
            photo=base64.b64decode(str(payload["png_b64"])),
            caption=str(caption) if caption else None,
            parse_mode=ParseMode.HTML if caption else None,
        )
    if row.kind == "location":
        return await bot.send_location(
            row.chat_id,
            latitude=float(str(payload["latitude"])),
            longitude=float(str(payload["longitude"])),
        )
    return await bot.send_message(
        row.chat_id,
        str(payload["text"]),
        parse_mode=ParseMode.HTML,
        reply_markup=_markup(payload),
    )


async def _send_document(
    bot: Bot, row: OutboxRow, db: Database, now: datetime, case_id: int
) -> Message:
    """A case's closing record, made on its first sending and kept (the same file after)."""
    content = await closing_record.kept_or_made(db, case_id, now=now)
    if content is None:  # the case was reopened by a correction before this went out
        raise BadRequest("the case's record no longer stands")
    caption = row.payload.get("caption")
    return await bot.send_document(
        row.chat_id,
        document=content,
        filename=str(row.payload.get("filename") or "berita-acara.pdf"),
        caption=str(caption) if caption else None,
        parse_mode=ParseMode.HTML if caption else None,
    )


def _seconds(value: object) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(str(value))


async def dispatch(
    bot: Bot,
    db: Database,
    now: datetime,
    grace: timedelta = GRACE,
    failures: LogThrottle | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> DispatchReport:
    """One tick: send every due row, or decide what becomes of it.

    ``stopping`` is asked before each send: once the bot is shutting down, what is not sent
    yet stays pending for the next start, so a long queue never holds up a restart.

    Rows for different chats go out concurrently, a few at a time, so the rate limiter
    (not the round trip of each request) sets the pace; rows for one chat keep their order.
    A network error ends the tick: the next rows would only fail the same way.
    """
    failures = failures or _FAILURES
    report = DispatchReport()
    pending = []
    due = await db.reader().outbox.due(now, BATCH)
    report.full_batch = len(due) == BATCH
    untrue = await _untrue_reminders(db, due)
    for row in due:
        if row.id in untrue:
            async with db.transaction() as tx:
                await tx.outbox.mark(row.id, "skipped", "session changed")
            log.info("outbox %s withdrawn: its session changed", row.id)
            report.withdrawn += 1
        elif now - row.due_at > grace:
            # A reminder for a session that has passed is useless; say so in the log.
            async with db.transaction() as tx:
                await tx.outbox.mark(row.id, "skipped", "overdue after downtime")
            log.info("outbox %s skipped: overdue by %s", row.id, now - row.due_at)
            report.skipped += 1
        else:
            pending.append(row)
    if pending:
        # A message sent cannot be unsent: if another program holds the database, whatever
        # went out could not be marked sent and would go again. Find out first.
        await db.check_writable()
    by_chat: dict[int, list[OutboxRow]] = {}
    for row in pending:
        by_chat.setdefault(row.chat_id, []).append(row)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one_chat(rows: list[OutboxRow]) -> None:
        async with gate:
            for row in rows:  # one chat's messages stay in order
                if report.slowed_down or report.network_errors or stopping():
                    return
                await _deliver(bot, db, row, now, report, failures)

    await asyncio.gather(*(one_chat(rows) for rows in by_chat.values()))
    if report.sent:
        failures.recovered(log, UNREACHABLE, "outbox: Telegram answers again")
    return report


def _about(row: OutboxRow) -> list[tuple[int, datetime]]:
    about = row.payload.get("about")
    if not isinstance(about, list):
        return []
    return [(int(session_id), datetime.fromisoformat(str(at))) for session_id, at in about]


async def _untrue_reminders(db: Database, rows: list[OutboxRow]) -> set[int]:
    """Rows whose sessions are no longer what the message says (``still_stands``): asked at
    send time, so no change to a session can leave a stale reminder behind."""
    abouts = {row.id: _about(row) for row in rows}
    ids = {session_id for about in abouts.values() for session_id, _ in about}
    if not ids:
        return set()
    sessions = await db.reader().reminders.sessions_now(ids)
    return {
        row.id
        for row in rows
        if abouts[row.id] and not still_stands(row.kind, abouts[row.id], sessions)
    }


async def _deliver(
    bot: Bot,
    db: Database,
    row: OutboxRow,
    now: datetime,
    report: DispatchReport,
    failures: LogThrottle,
) -> None:
    try:
        message = await _send(bot, row, db, now)
    except RetryAfter as exc:
        async with db.transaction() as tx:
            await tx.outbox.retry_later(
                row.id, at=now + timedelta(seconds=_seconds(exc.retry_after)), error="429"
            )
        report.retried += 1
        report.slowed_down = True  # the whole bot is being told to slow down
    except Forbidden:
        metrics.error("outbox", "Forbidden")
        async with db.transaction() as tx:
            first = await tx.outbox.mark_unreachable(row.chat_id, reason="forbidden", now=now)
        if first:
            report.unreachable.append(row.chat_id)
    except ChatMigrated as exc:
        async with db.transaction() as tx:
            await tx.outbox.move_chat(row.chat_id, int(exc.new_chat_id))
        report.retried += 1
    except BadRequest as exc:
        metrics.error("outbox", type(exc).__name__)
        async with db.transaction() as tx:
            await tx.outbox.mark(row.id, "failed", str(exc)[:200])
        log.warning("outbox %s failed: %s", row.id, type(exc).__name__)
        report.failed += 1
    except NetworkError as exc:
        metrics.error("outbox", type(exc).__name__)
        wait = min(timedelta(seconds=30) * 2**row.attempts, MAX_BACKOFF)
        async with db.transaction() as tx:
            await tx.outbox.retry_later(row.id, at=now + wait, error=type(exc).__name__)
        report.retried += 1
        report.network_errors += 1
        failures.warning(
            log, UNREACHABLE, now, "%s (%s); rows wait and retry", UNREACHABLE, type(exc).__name__
        )
    else:

        async def sent(tx: Store) -> None:
            await tx.outbox.mark_sent(row.id, message_id=message.message_id, now=now)

        await db.batch.write(sent)
        metrics.message_sent()
        report.sent += 1
