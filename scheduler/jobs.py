"""The time-driven jobs, registered on PTB's JobQueue (APScheduler underneath).

Each runs with ``misfire_grace_time=None, coalesce=True, max_instances=1``: a tick that was
late still runs, missed ticks collapse into one, and two never overlap.
"""

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.ext import Application, ContextTypes

from scheduler import maintenance
from scheduler.dispatcher import dispatch
from scheduler.planning import (
    plan_digests,
    plan_followups_now,
    plan_outbox,
    plan_unreachable_notices,
    plan_weekly_alerts,
)
from services import metrics

PLAN_EVERY = timedelta(minutes=5)
DISPATCH_EVERY = timedelta(seconds=5)
JOB_OPTIONS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}


def register(app: Application, services_key: str, outbox_bot: Bot) -> Callable[[], None]:
    """``outbox_bot`` sends what the bot sends on its own initiative: a Bot with a smooth
    rate limiter, so a morning's thousands of reminders never burst past Telegram's limits,
    while replies to people go out at once through the application's own bot.

    Returns the outbox's wake-up: a dispatch right away, after the one under way if any, so
    that a notice written by a use case does not wait for the next tick; wake-ups that come
    while one is already queued are covered by it.
    """
    assert app.job_queue is not None
    one_dispatch_at_a_time = asyncio.Lock()

    async def plan(context: ContextTypes.DEFAULT_TYPE) -> None:
        services = context.bot_data[services_key]
        now = services.clock()
        await plan_outbox(services.db, now)
        await plan_followups_now(services.db, now)
        await plan_digests(services.db, now)
        await plan_weekly_alerts(services.db, now, services.default_timezone)

    async def send(context: ContextTypes.DEFAULT_TYPE) -> None:
        await send_due(context.application)

    async def send_due(application: Application) -> None:
        services = application.bot_data[services_key]

        def stopping() -> bool:
            return not application.running

        async with one_dispatch_at_a_time:
            # A morning's thousands go batch after batch at the budget's pace, with no wait
            # for the next tick between them.
            while True:
                now = services.clock()
                report = await dispatch(
                    outbox_bot, services.db, now, failures=services.failures, stopping=stopping
                )
                if report.unreachable:
                    await plan_unreachable_notices(services.db, report.unreachable, now)
                if not report.more_due or stopping():
                    break
        if metrics.serving():
            metrics.set_outbox_depth(await services.db.reader().outbox.pending_count())

    async def prune(context: ContextTypes.DEFAULT_TYPE) -> None:
        services = context.bot_data[services_key]
        await maintenance.prune(services.db, services.clock())

    app.job_queue.run_repeating(plan, PLAN_EVERY, first=3, name="plan", job_kwargs=JOB_OPTIONS)
    app.job_queue.run_repeating(
        send, DISPATCH_EVERY, first=5, name="dispatch", job_kwargs=JOB_OPTIONS
    )
    app.job_queue.run_repeating(
        prune, maintenance.INTERVAL, first=60, name="prune", job_kwargs=JOB_OPTIONS
    )

    # Fifty supervisors' check-ins each queue a notice: one dispatch running behind the one
    # under way sends them all. A task, not a job: a job per commit cost the JobQueue and
    # APScheduler's bookkeeping on every check-in.
    woken = False
    draining: asyncio.Task[None] | None = None

    async def drain() -> None:
        nonlocal woken
        while woken:
            woken = False  # a wake from here on runs one more dispatch after this one
            await send_due(app)

    def wake() -> None:
        nonlocal woken, draining
        woken = True
        if app.running and (draining is None or draining.done()):  # else: the next tick
            draining = app.create_task(drain(), name="dispatch-now")

    return wake
