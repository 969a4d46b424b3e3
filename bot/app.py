"""Build the python-telegram-bot Application: Bot API root, database, handlers, menus."""

import logging
from collections.abc import Callable
from datetime import datetime

from telegram.ext import Application, ApplicationBuilder, ContextTypes, ExtBot

from bot.config import Settings
from bot.http import AiohttpRequest
from bot.ordering import InOrderPerPerson
from bot.polling import InboxPollingBot, UnfinishedUpdates
from bot.rate_limit import SmoothRateLimiter
from handlers.context import SERVICES_KEY, Services, utc_now
from handlers.menus import set_public_menu
from handlers.wiring import register
from scheduler import dispatcher, jobs
from services import evidence, status
from storage.db import Database

log = logging.getLogger(__name__)

OUTBOX_BOT_KEY = "outbox_bot"


def build_application(
    settings: Settings, *, clock: Callable[[], datetime] = utc_now, schedule_jobs: bool = True
) -> Application:
    """The Application, wired but not started; the database opens in ``post_init``.

    ``clock`` is the one source of "now" for every use case, so tests can move time;
    ``schedule_jobs=False`` leaves the time-driven jobs to the test, which calls them itself.
    """

    async def post_init(app: Application) -> None:
        db = await Database.open(settings.database_path)
        app.bot_data[SERVICES_KEY] = Services(
            db=db,
            admin_ids=settings.admin_ids,
            default_timezone=settings.timezone,
            invitation_validity=settings.invitation_validity,
            evidence_dir=settings.evidence_dir,
            clock=clock,
        )
        await status.record_start(db, clock())
        if isinstance(app.bot, InboxPollingBot):
            replayed = await app.bot.replay_inbox(db, clock, app.update_queue.put)
            if replayed:
                log.info("%s updates left unfinished by the last run handed over again", replayed)
        await set_public_menu(app.bot)
        if app.job_queue is not None and schedule_jobs:
            outbox_bot = ExtBot(
                settings.token,
                base_url=f"{settings.api_url}/bot",
                base_file_url=f"{settings.api_url}/file/bot",
                rate_limiter=SmoothRateLimiter(overall_per_second=27, group_per_minute=19),
                request=AiohttpRequest(connection_pool_size=dispatcher.CONCURRENCY),
            )
            await outbox_bot.initialize()
            app.bot_data[OUTBOX_BOT_KEY] = outbox_bot
            app.bot_data[SERVICES_KEY].wake_outbox = jobs.register(app, SERVICES_KEY, outbox_bot)
            app.job_queue.run_repeating(
                _evidence_job,
                interval=evidence.RETRY_INTERVAL,
                first=30,
                name="evidence",
                job_kwargs=jobs.JOB_OPTIONS,
            )
            app.job_queue.run_repeating(
                _heartbeat_job,
                interval=status.HEARTBEAT_EVERY,
                first=status.HEARTBEAT_EVERY,
                name="heartbeat",
                job_kwargs=jobs.JOB_OPTIONS,
            )
        log.info("ready as @%s, schema version %s", app.bot.username, await db.schema_version())

    async def post_shutdown(app: Application) -> None:
        outbox_bot = app.bot_data.get(OUTBOX_BOT_KEY)
        if isinstance(outbox_bot, ExtBot):
            await outbox_bot.shutdown()
        services = app.bot_data.get(SERVICES_KEY)
        if isinstance(services, Services):
            await status.record_stop(services.db, services.clock())
            await services.db.close()

    async def _evidence_job(context: ContextTypes.DEFAULT_TYPE) -> None:
        services = context.bot_data[SERVICES_KEY]
        await evidence.retry_downloads(
            context.bot, services.db, services.evidence_dir, services.clock()
        )

    async def _heartbeat_job(context: ContextTypes.DEFAULT_TYPE) -> None:
        services = context.bot_data[SERVICES_KEY]
        await status.record_heartbeat(services.db, services.clock())

    unfinished = UnfinishedUpdates()
    app = (
        ApplicationBuilder()
        .bot(InboxPollingBot(settings.token, settings.api_url, unfinished))
        .concurrent_updates(InOrderPerPerson(on_finished=[unfinished.finished]))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    register(app)
    return app
