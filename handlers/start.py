"""``/start``: greeting, and redeeming an invitation from a ``t.me/<bot>?start=<token>`` link."""

from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from domain.models import Agency
from handlers.context import Request, load_actor
from handlers.menus import command_list, set_personal_menu
from handlers.render import role_name
from services import invitations, people
from services.invitations import Redemption
from services.people import Profile
from texts import Html, join_lines
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
    if req.actor.person is None:  # an admin from the configuration, here for the first time
        await people.register(req.origin, _profile(req))
        req.actor = await load_actor(req.services, req.user.id)
    agencies = await req.db.reader().agencies.by_ids({m.agency_id for m in req.actor.memberships})
    await req.reply(
        req.texts(
            "start.known",
            name=req.user.full_name,
            roles=role_lines(req, agencies),
            commands=command_list(req.actor, req.texts),
        )
    )
    await set_personal_menu(req.context.bot, req.user.id, req.actor, req.texts)


def role_lines(req: Request, agencies: dict[int, Agency]) -> Html:
    lines = []
    if req.actor.is_config_admin:
        lines.append(Html("• " + req.texts("start.config_admin")))
    for m in req.actor.memberships:
        agency = agencies.get(m.agency_id)
        lines.append(
            req.texts(
                "role_line",
                role=role_name(req.texts, m.role),
                agency=agency.name if agency else "?",
            )
        )
    return join_lines(lines)


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
    await req.reply(
        join_lines(
            [
                req.texts("redeem.ok", name=req.user.full_name, role=role, agency=agency.name),
                Html(""),
                command_list(req.actor, req.texts),
            ]
        )
    )
    await set_personal_menu(req.context.bot, req.user.id, req.actor, req.texts)


def _profile(req: Request) -> Profile:
    return Profile(req.user.full_name, req.user.language_code)


def _when(req: Request, instant: datetime) -> str:
    return format_instant(instant, req.services.default_timezone, req.texts.lang)
