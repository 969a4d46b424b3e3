"""``/start``: greeting, and redeeming an invitation from a ``t.me/<bot>?start=<token>`` link."""

from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from domain import invitations as rules
from domain.invitations import Redeemability
from domain.models import Agency, Invitation
from handlers.context import Request, load_actor
from handlers.menus import command_list, set_personal_menu
from handlers.render import role_name
from texts import Html, join_lines
from texts.formatting import format_instant


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    req = await Request.load(update, context)
    if context.args:
        await redeem(req, context.args[0])
        return
    if not req.actor.registered:
        await req.reply(req.texts("start.unknown", user_id=req.user.id))
        await req.audit("start.unregistered")
        return
    await greet(req)


async def greet(req: Request) -> None:
    if req.actor.person is None:  # an admin from the configuration, here for the first time
        async with req.transaction() as store:
            await store.people.ensure(
                telegram_user_id=req.user.id,
                full_name=req.user.full_name,
                language_code=req.user.language_code,
                now=req.now,
            )
            await store.audit.append(action="person.registered", **req.audit_fields())
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
    failures = await req.db.reader().redemption_failures.since(
        req.user.id, rules.FAILED_REDEMPTION_WINDOW, req.now
    )
    until = rules.locked_out_until(failures, req.now)
    if until is not None:
        await req.reply(req.texts("redeem.locked", until=_when(req, until)))
        await req.audit("invitation.refused", detail={"reason": "locked"})
        return

    invitation = None
    if rules.is_well_formed(token):
        invitation = await req.db.reader().invitations.by_token_hash(rules.token_hash(token))
        outcome = rules.redeemability(invitation, req.now)
    else:
        outcome = Redeemability.MALFORMED
    if outcome is not Redeemability.OK or invitation is None:
        await _fail(req, outcome, invitation)
        return

    agency = await req.db.reader().agencies.get(invitation.agency_id)
    assert agency is not None  # foreign key
    async with req.transaction() as store:
        person = await store.people.ensure(
            telegram_user_id=req.user.id,
            full_name=req.user.full_name,
            language_code=req.user.language_code,
            now=req.now,
        )
        held = {(m.agency_id, m.role) for m in await store.people.memberships_of(person.id)}
        # Holding the role already makes the invitation pointless, unless it brings a site
        # to supervise or a case to follow.
        already = (
            (invitation.agency_id, invitation.role) in held
            and invitation.site_id is None
            and invitation.case_id is None
        )
        if not already:
            if not await store.invitations.mark_used(invitation.id, by=person.id, now=req.now):
                outcome = Redeemability.USED  # claimed a moment ago by someone else
            else:
                await store.people.add_membership(
                    person_id=person.id,
                    agency_id=invitation.agency_id,
                    role=invitation.role,
                    invitation_id=invitation.id,
                    now=req.now,
                )
                if invitation.site_id is not None:
                    await store.sites.add_supervisor(invitation.site_id, person.id, req.now)
                if invitation.case_id is not None:
                    await store.cases.link_offender(invitation.case_id, person.id)
                fields = req.audit_fields() | {"actor_person_id": person.id}
                await store.audit.append(
                    action="invitation.redeemed",
                    subject=f"invitation:{invitation.id}",
                    detail={"role": invitation.role.value, "agency_id": agency.id},
                    **fields,
                )
    if outcome is not Redeemability.OK:
        await _fail(req, outcome, invitation)
        return
    role = role_name(req.texts, invitation.role)
    if already:
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


async def _fail(req: Request, outcome: Redeemability, invitation: Invitation | None) -> None:
    values = {}
    if outcome is Redeemability.EXPIRED and invitation is not None:
        values["expired"] = _when(req, invitation.expires_at)
    await req.reply(req.texts(f"redeem.{outcome.value}", **values))
    async with req.transaction() as store:
        await store.redemption_failures.add(req.user.id, req.now)
        await store.audit.append(
            action="invitation.refused",
            subject=f"invitation:{invitation.id}" if invitation else None,
            detail={"reason": outcome.value},
            **req.audit_fields(),
        )


def _when(req: Request, instant: datetime) -> str:
    return format_instant(instant, req.services.default_timezone, req.texts.lang)
