"""``kerjasosial status``: the bot's health from the database, safe while the bot runs."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.cli_db import existing_database
from bot.config import Settings
from services.people import misfits
from services.status import BotStatus, read_status
from texts.formatting import format_size


async def status(settings: Settings, clock: Callable[[], datetime]) -> int:
    async with existing_database(settings) as db:
        report = await read_status(db)
    print("\n".join(render(report, clock())))
    return 0


async def check_memberships(settings: Settings) -> bool:
    """``kerjasosial check``: every role held in an agency of the wrong kind, to be put right
    by hand (revoke it, invite again where it belongs); nothing is changed here."""
    async with existing_database(settings) as db:
        found = await misfits(db.reader())
    if not found:
        print("memberships: ok (every role is in an agency of a kind that fits it)")
        return True
    print(f"memberships: {len(found)} in an agency that does not fit the role:")
    for f in found:
        print(
            f"  membership {f.membership.id}: {f.person.full_name}"
            f" (Telegram id {f.person.telegram_user_id}) is {f.membership.role.value}"
            f" in {f.agency.name} ({f.agency.type.value}); a {f.membership.role.value}"
            f" belongs in: {', '.join(f.fits_in)}"
        )
    print("  fix: /cabut <Telegram id> as an admin, then /undang the person where they belong")
    return False


def render(report: BotStatus, now: datetime) -> list[str]:
    return [
        _bot_line(report, now),
        f"outbox: {report.pending} pending; last message sent: {_when(report.last_sent_at)}",
        "undelivered: " + ", ".join(f"{n} {status}" for status, n in report.undelivered.items()),
        f"database: {format_size(report.database_bytes, 'en')}",
    ]


def _bot_line(report: BotStatus, now: datetime) -> str:
    if report.running(now):
        assert report.started_at is not None and report.heartbeat_at is not None
        return (
            f"bot: running since {_when(report.started_at)} (up {_ago(now - report.started_at)});"
            f" last heartbeat {_ago(now - report.heartbeat_at)} ago"
        )
    if report.started_at is None and report.stopped_at is not None:
        return f"bot: not running (stopped at {_when(report.stopped_at)})"
    if report.heartbeat_at is not None:
        return (
            f"bot: NOT RUNNING: no heartbeat for {_ago(now - report.heartbeat_at)}"
            " (it stopped without shutting down)"
        )
    return "bot: not running (never started on this database)"


def _when(instant: datetime | None) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if instant else "never"


def _ago(delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes}m"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {seconds}s" if minutes else f"{seconds}s"
