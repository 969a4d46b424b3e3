"""The role check that runs before every command and every button press.

A refusal gets one polite line in the person's language and one audit row; someone refused
too often is told once that the bot stops answering them for a while, and then gets
silence (the audit rows go on). Handlers wrapped here receive a :class:`Request` whose
actor is known to be allowed the action.
"""

import functools
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes, ConversationHandler

from domain import authority
from domain.permissions import Action
from handlers.context import Request
from handlers.refusals import Answer
from texts.formatting import format_instant

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, object]]
RequestHandler = Callable[[Request], Awaitable[object]]


async def allowed(req: Request, action: Action) -> bool:
    """Check ``action`` for the actor; on refusal, tell them and write the audit row."""
    if authority.may(req.actor, action):
        return True
    key = "not_registered" if not req.actor.registered else "refused"
    await refuse(
        req,
        text_key=key,
        button_key="refused_button",
        subject=action.value,
        detail={"registered": req.actor.registered},
    )
    return False


async def refuse(
    req: Request,
    *,
    text_key: str,
    button_key: str,
    subject: str,
    detail: dict[str, Any],
    values: Mapping[str, object] | None = None,
) -> None:
    """Say no (unless this person was refused too often lately) and write one audit row."""
    answer, until = req.services.refusals.register(req.user.id, req.now)
    query = req.update.callback_query
    if answer is Answer.NOTICE and until is not None:
        when = format_instant(until, req.services.default_timezone, req.texts.lang)
        if query is not None:
            notice = req.texts.plain("refused.muted").format(until=when)
            await query.answer(notice, show_alert=True)
        else:
            await req.reply(req.texts("refused.muted", until=when))
    elif answer is Answer.REPLY:
        if query is not None:
            alert = req.texts.plain(button_key)
            if values and button_key != "refused_button":
                alert = alert.format(**{k: str(v) for k, v in values.items()})
            await query.answer(alert, show_alert=True)
        else:
            await req.reply(req.texts(text_key, **(values or {})))
    muted = {"muted": True} if answer is not Answer.REPLY else {}
    await req.audit("refused", subject=subject, detail=detail | muted)


async def refuse_object(
    req: Request,
    subject: str,
    *,
    text_key: str = "refused",
    detail: dict[str, Any] | None = None,
    values: Mapping[str, object] | None = None,
    button_key: str = "refused_button",
) -> None:
    """The actor holds the role but not this record (another Kejari's case, another site's
    offender): the same refusal, counted and audited like any other."""
    await refuse(
        req,
        text_key=text_key,
        button_key=button_key,
        subject=subject,
        detail=detail or {},
        values=values,
    )


async def stale(req: Request) -> None:
    """A press on a button whose card no longer holds (an old list, a finished step, a forged
    payload): answered so the phone stops spinning; nothing changes, so nothing is audited."""
    query = req.update.callback_query
    assert query is not None
    await query.answer(req.texts.plain("stale_button"), show_alert=True)


def command(action: Action, *, private_only: bool = True) -> Callable[[RequestHandler], Handler]:
    """Wrap a command handler with the role check (and the private-chat rule)."""

    def decorate(func: RequestHandler) -> Handler:
        @functools.wraps(func)
        async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
            req = await Request.load(update, context)
            if (
                private_only
                and update.effective_chat
                and update.effective_chat.type != ChatType.PRIVATE
            ):
                await req.reply(req.texts("private_only"))
                return None
            if not await allowed(req, action):
                return None
            return await func(req)

        return wrapper

    return decorate


def button(action: Action) -> Callable[[RequestHandler], Handler]:
    """Wrap a callback-query handler with the role check; the press is answered unless
    the presser has been refused too often lately."""

    def decorate(func: RequestHandler) -> Handler:
        @functools.wraps(func)
        async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
            req = await Request.load(update, context)
            if not await allowed(req, action):
                return None
            return await func(req)

        return wrapper

    return decorate


StepHandler = Callable[[Request, Update, ContextTypes.DEFAULT_TYPE], Awaitable[int]]
Step = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, int]]


def step(action: Action) -> Callable[[StepHandler], Step]:
    """Wrap a conversation's entry or step with the role check. A refusal ends the
    conversation, so someone whose role was revoked halfway cannot finish what they began."""

    def decorate(func: StepHandler) -> Step:
        @functools.wraps(func)
        async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
            req = await Request.load(update, context)
            if not await allowed(req, action):
                return int(ConversationHandler.END)
            return await func(req, update, context)

        return wrapper

    return decorate
