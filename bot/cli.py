"""``kerjasosial``: run the bot and look after its data.

Exit status: 0 success, 1 a failure the operator must look at (token refused, Bot API
unreachable, broken audit chain...), 2 a missing or malformed setting or wrong usage.
"""

import argparse
import asyncio
import contextlib
import logging
import os
import sqlite3
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from telegram import Bot, Update
from telegram.error import InvalidToken, TelegramError

from bot import cli_data, cli_status
from bot.cli_db import NoDatabase, existing_database
from bot.config import ConfigError, Settings, load_settings, parse_listen
from bot.logging_setup import secrets_of, setup_logging
from bot.restore import restore
from bot.webhook import webhook_options
from handlers.context import utc_now
from services import metrics
from storage.db import Database, latest_version
from storage.private_files import create_private, private_dir

if TYPE_CHECKING:
    from bot.rate_limit import Budget

log = logging.getLogger("kerjasosial")

DEFAULT_WEBHOOK_LISTEN = "127.0.0.1:8080"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kerjasosial",
        description="Telegram bot for community-service sentences (pidana kerja sosial).",
        epilog="Settings come from KERJASOSIAL_* environment variables or a .env file; see README.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run", help="run the bot (long polling by default; Ctrl-C or SIGTERM stops it cleanly)"
    )
    run.add_argument(
        "--webhook",
        metavar="URL",
        help="receive updates by webhook at this public https URL instead of polling "
        "(needs KERJASOSIAL_WEBHOOK_SECRET)",
    )
    run.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help=f"with --webhook: where the webhook server listens, behind a reverse proxy "
        f"(default {DEFAULT_WEBHOOK_LISTEN})",
    )
    sub.add_parser("status", help="is the bot running, the outbox, undelivered messages, size")
    sub.add_parser("check", help="check settings, the token (getMe), the schema and the data dir")
    sub.add_parser("migrate", help="bring the database schema up to date")
    backup = sub.add_parser(
        "backup", help="copy the database consistently, even while the bot runs"
    )
    backup.add_argument("path", type=Path, help="where to write the copy")
    restore_cmd = sub.add_parser(
        "restore", help="put a checked backup in place of the database (stop the bot first)"
    )
    restore_cmd.add_argument("path", type=Path, help="the backup file to restore")
    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    audit_sub.add_parser("verify", help="check that no audit row was edited, removed or reordered")
    cli_data.add_commands(sub)
    return parser


def main(
    argv: list[str] | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    budget: "Budget | None" = None,
) -> int:
    """``clock`` is the one source of "now" for every command (tests pass their own), and
    ``budget`` the sending budget of ``run`` (Telegram's limits unless a test scripts faster)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "run" and args.listen and not args.webhook:
        parser.error("--listen is for webhook mode: give --webhook URL too")
    os.umask(0o077)  # the database, backups and evidence are personal data: owner-only
    try:
        settings = load_settings()
        setup_logging(_secrets(settings), settings.log_format)
        if args.command == "run":
            return _run(settings, args.webhook, args.listen, clock, budget)
        if args.command == "status":
            return asyncio.run(cli_status.status(settings, clock))
        if args.command == "check":
            return asyncio.run(_check(settings))
        if args.command == "migrate":
            return asyncio.run(_migrate(settings))
        if args.command == "backup":
            return _backup(settings, args.path)
        if args.command == "restore":
            return restore(settings, args.path, clock())
        if args.command == "audit":
            return asyncio.run(_audit_verify(settings))
        if args.command in ("import", "export", "purge", "report"):
            return asyncio.run(cli_data.run(settings, args, clock))
    except ConfigError as exc:
        print(f"kerjasosial: configuration error: {exc}", file=sys.stderr)
        return 2
    except NoDatabase as exc:
        print(f"kerjasosial: {exc}", file=sys.stderr)
        return 1
    return 2


def _secrets(settings: Settings) -> list[str]:
    token = settings.bot_token.get_secret_value() if settings.bot_token else None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    return secrets_of(token, secret)


def _run(
    settings: Settings,
    webhook_url: str | None,
    listen: str | None,
    clock: Callable[[], datetime],
    budget: "Budget | None" = None,
) -> int:
    listen = listen or DEFAULT_WEBHOOK_LISTEN
    webhook = webhook_options(settings, webhook_url, listen) if webhook_url else None
    if settings.metrics_listen and not metrics.AVAILABLE:
        raise ConfigError(
            "KERJASOSIAL_METRICS_LISTEN needs prometheus-client: pip install 'kerjasosial[metrics]'"
        )
    from bot.app import build_application  # PTB's Application is heavy; only `run` needs it

    problem = asyncio.run(_preflight(settings))
    if problem:
        print(f"kerjasosial: {problem}", file=sys.stderr)
        return 1
    try:
        if settings.metrics_listen:
            metrics.start(*parse_listen(settings.metrics_listen))
    except OSError as exc:
        print(f"kerjasosial: cannot serve metrics: {exc.strerror}", file=sys.stderr)
        return 1
    app = build_application(settings, clock=clock, budget=budget)
    try:
        if webhook is None:
            app.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)
            return 0
        try:
            app.run_webhook(**webhook, allowed_updates=Update.ALL_TYPES, close_loop=False)
        except OSError as exc:  # the port is taken, or not ours to bind
            print(f"kerjasosial: cannot listen on {listen}: {exc.strerror}", file=sys.stderr)
            return 1
        return 0
    finally:
        metrics.stop()


async def _preflight(settings: Settings) -> str | None:
    """Ask the Bot API who we are before starting, so that a refused token or an unreachable
    server is one clear line rather than a traceback from inside the polling loop."""
    try:
        async with _bot(settings) as bot:
            await bot.initialize()  # getMe
    except InvalidToken:
        return "the Bot API refused the token (401 Unauthorized)"
    except TelegramError as exc:
        return f"cannot reach the Bot API at {settings.api_url} ({type(exc).__name__})"
    return None


@contextlib.asynccontextmanager
async def _bot(settings: Settings) -> AsyncIterator[Bot]:
    """A Bot over aiohttp, like the bot itself (PTB's default, httpx, would build two clients,
    each loading the CA certificates anew), shut down however it was left."""
    from bot.http import AiohttpRequest

    requests = (AiohttpRequest(), AiohttpRequest())
    bot = Bot(
        settings.token,
        base_url=f"{settings.api_url}/bot",
        base_file_url=f"{settings.api_url}/file/bot",
        request=requests[0],
        get_updates_request=requests[1],
    )
    try:
        yield bot
    finally:
        with contextlib.suppress(Exception):
            await bot.shutdown()
        # Bot.shutdown leaves them alone when getMe failed, which aiohttp would complain of.
        for request in requests:
            await request.shutdown()


async def _check(settings: Settings) -> int:
    ok = True
    print(
        f"settings: ok (api {settings.api_url}, data {settings.data_dir}, zone {settings.timezone})"
    )
    try:
        async with _bot(settings) as bot:
            await bot.initialize()  # getMe
            print(f"bot api: ok (@{bot.username})")
    except InvalidToken:
        print("bot api: the token was refused (401 Unauthorized)")
        ok = False
    except TelegramError as exc:
        print(f"bot api: unreachable ({type(exc).__name__})")
        ok = False
    ok = _check_data_dir(settings.data_dir) and ok
    if settings.database_path.exists():
        db = await Database.open(settings.database_path, migrate=False)
        version = await db.schema_version()
        await db.close()
        state = "ok" if version == latest_version() else "needs `kerjasosial migrate`"
        print(f"schema: version {version} of {latest_version()} ({state})")
        ok = ok and version == latest_version()
        if version == latest_version():
            ok = await cli_status.check_memberships(settings) and ok
    else:
        print("schema: no database yet; it is created on the first `run` or `migrate`")
    return 0 if ok else 1


def _check_data_dir(data_dir: Path) -> bool:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir):
            pass
    except OSError as exc:
        print(f"data dir: not writable ({exc.strerror})")
        return False
    print("data dir: writable")
    return True


async def _migrate(settings: Settings) -> int:
    db = await Database.open(settings.database_path, migrate=False)
    try:
        applied = await db.migrate()
        version = await db.schema_version()
    finally:
        await db.close()
    names = ", ".join(applied) if applied else "nothing to apply"
    print(f"schema version {version} ({names})")
    return 0


def _backup(settings: Settings, target: Path) -> int:
    """SQLite's online backup API: a consistent copy while the bot keeps writing."""
    source_path = settings.database_path
    if not source_path.exists():
        print(f"kerjasosial: no database at {source_path}", file=sys.stderr)
        return 1
    if target.exists():
        print(f"kerjasosial: {target} already exists; choose a new file", file=sys.stderr)
        return 1
    private_dir(target.parent)
    create_private(target)  # owner-only before a byte is copied; SQLite fills it
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        check = dest.execute("PRAGMA integrity_check").fetchone()[0]
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dest.close()
        source.close()
    if check != "ok":
        print(f"kerjasosial: the copy failed its integrity check: {check}", file=sys.stderr)
        return 1
    print(f"backup written to {target} (integrity check: ok)")
    return 0


async def _audit_verify(settings: Settings) -> int:
    async with existing_database(settings) as db:
        checked, problems = await db.reader().audit.verify()
    if not problems:
        print(f"audit log intact: {checked} rows, chain verified")
        return 0
    print(f"audit log BROKEN: {len(problems)} problem(s) in {checked} rows")
    for problem in problems:
        where = f"row {problem.row_id}" if problem.row_id is not None else "end of log"
        print(f"  {where}: {problem.reason}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
