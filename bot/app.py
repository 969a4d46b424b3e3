"""Build the python-telegram-bot Application: Bot API root, database, handlers, menus."""

import logging
from collections.abc import Callable
from datetime import datetime

from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter, ContextTypes, ExtBot

from bot.config import Settings
from bot.http import AiohttpRequest
from bot.ordering import InOrderPerPerson
from bot.persistence import OpenOnce, SqlitePersistence
from bot.polling import InboxPollingBot, UnfinishedUpdates
from bot.rate_limit import Budget, SmoothRateLimiter, shared_budget
from handlers.context import SERVICES_KEY, Services, utc_now
from handlers.menus import set_public_menu
from handlers.wiring import register
from scheduler import dispatcher, jobs
from services import evidence, import_batches, status

log = logging.getLogger(__name__)

OUTBOX_BOT_KEY = "outbox_bot"


class ReplyingBot(InboxPollingBot):
    """The application's own bot: it polls (see ``InboxPollingBot``) and the handlers answer
    through it, in the reply lane of the one sending budget (``rate_limit.shared_budget``):
    ahead of the outbox, and a 429 waited out and tried again.

    PTB hands getUpdates past any rate limiter, so polling is neither paced nor retried here.
    """

    __slots__ = ("_replies",)

    def __init__(
        self, token: str, api_url: str, unfinished: UnfinishedUpdates, limiter: SmoothRateLimiter
    ) -> None:
        super().__init__(token, api_url, unfinished)
        self._replies = limiter

    @property
    def rate_limiter(self) -> BaseRateLimiter[None] | None:
        # ExtBot reads its limiter only through this property (requests, initialize, shutdown).
        # The limiter takes an int as rate_limit_args; the handlers never pass any.
        return self._replies  # type: ignore[return-value]


def make_outbox_bot(settings: Settings, limiter: SmoothRateLimiter) -> ExtBot[int]:
    """The bot the outbox sends through, in the outbox lane of the sending budget: it fills
    what replies leave, and a 429 goes back to the dispatcher, which reschedules the row
    rather than wait in place."""
    return ExtBot(
        settings.token,
        base_url=f"{settings.api_url}/bot",
        base_file_url=f"{settings.api_url}/file/bot",
        rate_limiter=limiter,
        request=AiohttpRequest(connection_pool_size=dispatcher.CONCURRENCY),
        # Never used (it does not poll), but PTB would otherwise build an httpx client.
        get_updates_request=AiohttpRequest(),
    )


def build_application(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    schedule_jobs: bool = True,
    budget: Budget | None = None,
) -> Application:
    """The Application, wired but not started; the database opens in ``post_init``.

    ``clock`` is the one source of "now" for every use case, so tests can move time;
    ``schedule_jobs=False`` leaves the time-driven jobs to the test, which calls them itself;
    ``budget`` is the sending budget (Telegram's limits unless a test scripts faster).
    """

    async def post_init(app: Application) -> None:
        db = await database.get()
        app.bot_data[SERVICES_KEY] = Services(
            db=db,
            admin_ids=settings.admin_ids,
            default_timezone=settings.timezone,
            invitation_validity=settings.invitation_validity,
            evidence_dir=settings.evidence_dir,
            clock=clock,
        )
        await status.record_start(db, clock())
        # An import a crash cut short is taken back before anyone sees it half done.
        if undone := await import_batches.undo_abandoned(db, clock()):
            log.info("%s unfinished imports taken back", undone)
        if isinstance(app.bot, InboxPollingBot):
            replayed = await app.bot.replay_inbox(db, clock, app.update_queue.put)
            if replayed:
                log.info("%s updates left unfinished by the last run handed over again", replayed)
        await set_public_menu(app.bot)
        if app.job_queue is not None and schedule_jobs:
            outbox_bot = make_outbox_bot(settings, sending.outbox)
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

    # The conversations are read back (PTB's initialize) before post_init: the persistence
    # is the first to need the database, and opens it for everyone.
    database = OpenOnce(settings.database_path)
    sending = budget or shared_budget()
    unfinished = UnfinishedUpdates()
    in_order = InOrderPerPerson(on_finished=[unfinished.finished])
    app = (
        ApplicationBuilder()
        .bot(ReplyingBot(settings.token, settings.api_url, unfinished, sending.replies))
        .concurrent_updates(in_order)
        .persistence(SqlitePersistence(database.get, clock))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )

    async def after_each() -> None:
        # The update's conversation, and whatever it left for later, in one transaction.
        await app.update_persistence()
        await (await database.get()).batch.flush()

    in_order.after_each = after_each
    register(app)
    return app
