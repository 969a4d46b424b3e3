"""``/status``: the operator's health check from inside Telegram (administrators only)."""

from domain.permissions import Action
from handlers.context import Request
from handlers.guards import command
from services.status import read_status
from texts import join_lines
from texts.formatting import format_duration, format_instant, format_size


@command(Action.STATUS)
async def status(req: Request) -> None:
    report = await read_status(req.db)
    zone, lang = req.services.default_timezone, req.texts.lang
    # The bot answering is running; its uptime counts from the start it recorded.
    started = report.started_at or req.now
    never = req.texts.plain("status.never")
    last_sent = format_instant(report.last_sent_at, zone, lang) if report.last_sent_at else never
    lines = [
        req.texts("status.header"),
        req.texts(
            "status.uptime",
            since=format_instant(started, zone, lang),
            uptime=format_duration(int((req.now - started).total_seconds()) // 60, lang),
        ),
        req.texts("status.outbox", pending=report.pending, last_sent=last_sent),
        req.texts(
            "status.undelivered",
            failed=report.undelivered["failed"],
            skipped=report.undelivered["skipped"],
            unreachable=report.undelivered["unreachable"],
        ),
        req.texts("status.database", size=format_size(report.database_bytes, lang)),
    ]
    await req.reply(join_lines(lines))
