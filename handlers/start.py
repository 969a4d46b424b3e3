"""``/start``: greeting, and redeeming an invitation from a ``t.me/<bot>?start=<token>`` link."""

from dataclasses import replace
from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from handlers.context import Request, load_actor
from handlers.menus import set_personal_menu
from handlers.render import role_name
from handlers.welcome import first_site, paragraphs, role_lines, role_parts
from services import invitations, people, welcome
from services.invitations import Redemption
from services.people import Profile
from texts import Html
from texts.formatting import format_instant


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    req = await Request.load(update, context)
    if context.args:
        await redeem(req, context.args[0])
        return
    if not req.actor.registered:
        await req.reply(req.texts("start.unknown", user_id=req.user.id))
        await people.stranger_started(req.origin)
        return
    await greet(req)


async def greet(req: Request) -> None:
    """A registered person's ``/start``: who they are here and what to do first; the full
    command list is one ``/bantuan`` away (and in the menu)."""
    if req.actor.person is None:  # an admin from the configuration, here for the first time
        await people.register(req.origin, _profile(req))
        req.actor = await load_actor(req.services, req.user.id)
    await _welcome(req, req.texts("start.known", name=req.user.full_name))
    await set_personal_menu(req.context.bot, req.user.id, req.actor, req.texts)


async def _welcome(req: Request, greeting: Html) -> None:
    """The greeting, the next step (if one is missing) first, the roles, what the role needs;
    for an offender, the map pin of their first session's site after it."""
    found = await welcome.welcome(req.db.reader(), req.actor, req.now)
    parts = [greeting]
    if found.next_step is not None:
        parts.append(req.texts(f"next.{found.next_step.value}"))
    parts.append(req.texts("welcome.roles", roles=role_lines(req, found)))
    parts += role_parts(req, replace(found, next_step=None))
    parts.append(req.texts("welcome.more"))
    await req.reply(paragraphs(parts))
    site = first_site(found)
    if site is not None:
        await req.context.bot.send_location(req.chat_id, site.latitude, site.longitude)


async def redeem(req: Request, token: str) -> None:
    """Redeem an invitation. Every failure is counted, and too many lock the user out a while."""
    result = await invitations.redeem_invitation(req.origin, token, _profile(req))
    invitation, agency = result.invitation, result.agency
    if result.outcome is Redemption.LOCKED:
        assert result.locked_until is not None
        await req.reply(req.texts("redeem.locked", until=_when(req, result.locked_until)))
        return
    if result.outcome not in (Redemption.JOINED, Redemption.ALREADY):
        values = {}
        if result.outcome is Redemption.EXPIRED and invitation is not None:
            values["expired"] = _when(req, invitation.expires_at)
        await req.reply(req.texts(f"redeem.{result.outcome.value}", **values))
        return
    assert invitation is not None and agency is not None
    role = role_name(req.texts, invitation.role)
    if result.outcome is Redemption.ALREADY:
        await req.reply(req.texts("redeem.already", role=role, agency=agency.name))
        return
    req.actor = await load_actor(req.services, req.user.id)
    await _welcome(
        req, req.texts("redeem.ok", name=req.user.full_name, role=role, agency=agency.name)
    )
    await set_personal_menu(req.context.bot, req.user.id, req.actor, req.texts)


def _profile(req: Request) -> Profile:
    return Profile(req.user.full_name, req.user.language_code)


def _when(req: Request, instant: datetime) -> str:
    return format_instant(instant, req.services.default_timezone, req.texts.lang)
