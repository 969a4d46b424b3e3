"""``/bantuan``, ``/saya`` and the answers to anything the bot does not understand."""

from telegram import Update
from telegram.ext import ContextTypes

from domain import authority
from domain.permissions import Action
from handlers.context import Request
from handlers.guards import command, refuse
from handlers.menus import command_list
from handlers.welcome import role_lines, site_lines
from services import welcome
from texts import Html


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open to everybody: the unregistered learn how to get access, the rest their commands."""
    req = await Request.load(update, context)
    if not req.actor.registered:
        await req.reply(req.texts("help.unknown"))
        return
    await req.reply(req.texts("help.known", commands=command_list(req.actor, req.texts)))


@command(Action.ME)
async def me(req: Request) -> None:
    """Who I am here: my roles with their agencies and since when, and a supervisor's sites."""
    found = await welcome.welcome(req.db.reader(), req.actor, req.now)
    text = req.texts(
        "me",
        name=req.user.full_name,
        user_id=req.user.id,
        roles=role_lines(req, found, since=True),
    )
    if found.sites or authority.supervises(req.actor):
        text = Html(text + "\n\n" + site_lines(req, found.sites))
    await req.reply(text)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    req = await Request.load(update, context)
    await req.reply(req.texts("unknown_command"))


async def unknown_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, photos, stickers... outside any conversation, in a private chat."""
    req = await Request.load(update, context)
    key = "unknown_text" if req.actor.registered else "help.unknown"
    await req.reply(req.texts(key))


async def nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    req = await Request.load(update, context)
    await req.reply(req.texts("nothing_to_cancel"))


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press no handler claims: an old keyboard, a finished form, or forged data."""
    req = await Request.load(update, context)
    assert update.callback_query is not None
    await refuse(
        req,
        text_key="stale_button",
        button_key="stale_button",
        subject="button",
        detail={"reason": "stale or unknown"},
    )
