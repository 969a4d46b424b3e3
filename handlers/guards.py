"""The role check that runs before every command and every button press.

A refusal gets one polite line in the person's language and one audit row. Handlers
wrapped here receive a :class:`Request` whose actor is known to be allowed the action.
"""

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from domain.permissions import Action, may
from handlers.context import Request

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, object]]
RequestHandler = Callable[[Request], Awaitable[object]]


async def allowed(req: Request, action: Action) -> bool:
    """Check ``action`` for the actor; on refusal, tell them and write the audit row."""
    if may(req.actor.roles, action):
        return True
    key = "not_registered" if not req.actor.registered else "refused"
    if req.update.callback_query is not None:
        await req.update.callback_query.answer(req.texts.plain("refused_button"), show_alert=True)
    else:
        await req.reply(req.texts(key))
    await req.audit("refused", subject=action.value, detail={"registered": req.actor.registered})
    return False


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
    """Wrap a callback-query handler with the role check; the press is always answered."""

    def decorate(func: RequestHandler) -> Handler:
        @functools.wraps(func)
        async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
            req = await Request.load(update, context)
            if not await allowed(req, action):
                return None
            return await func(req)

        return wrapper

    return decorate
