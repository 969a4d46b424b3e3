"""``/undang <peran>``: an invitation as a deep link and a printable QR code."""

from telegram import InlineKeyboardMarkup

from domain import callback_data as callbacks
from domain import invitations as rules
from domain.models import Agency, Case, Site
from domain.permissions import Action, invitable_roles
from domain.roles import Role, parse_role
from handlers.context import Request
from handlers.guards import button, command
from handlers.keyboards import choices
from handlers.render import role_name, send_invitation

PICK = "inv"  # inv:v1:<role>:<agency id>
PAGE = "inp"  # inp:v1:<role>:<page>
SITE = "ins"  # ins:v1:<agency id>:<site id>, for a pengawas


@command(Action.INVITE)
async def invite(req: Request) -> None:
    may_invite = sorted(invitable_roles(req.actor.roles))
    role_list = ", ".join(r.value for r in may_invite)
    if not req.context.args:
        await req.reply(req.texts("invite.usage", roles=role_list))
        return
    given = req.context.args[0][:40]
    role = parse_role(given)
    if role is None:
        await req.reply(req.texts("invite.bad_role", given=given, roles=role_list))
        return
    if role not in may_invite:
        await req.reply(
            req.texts("invite.role_not_allowed", role=role_name(req.texts, role), roles=role_list)
        )
        await req.audit("refused", subject=f"invite:{role.value}")
        return
    if role is Role.TERPIDANA and len(req.context.args) > 1:
        await _invite_offender_of(req, req.context.args[1][:20])
        return
    agencies = await _agencies_for(req, role)
    if not agencies:
        await req.reply(req.texts("invite.no_agency"))
        return
    if len(agencies) == 1:
        await _create_or_ask_site(req, role, agencies[0])
        return
    await req.reply(
        req.texts("invite.choose_agency", role=role_name(req.texts, role)),
        reply_markup=_agency_keyboard(req, role, agencies, 0),
    )


@button(Action.INVITE)
async def pick_agency(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, PICK, 2)
    role = parse_role(parts[0]) if parts else None
    agency_id = callbacks.decode_int(parts[1]) if parts else None
    agency = await req.db.reader().agencies.get(agency_id) if agency_id else None
    if role is None or agency is None:
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return
    if not req.actor.may_invite_to(role, agency.id):
        await query.answer(req.texts.plain("refused_button"), show_alert=True)
        await req.audit("refused", subject=f"invite:{role.value}", detail={"agency_id": agency.id})
        return
    await query.answer(req.texts.plain("invite.created_button"))
    await query.edit_message_reply_markup(None)
    await _create_or_ask_site(req, role, agency)


@button(Action.INVITE)
async def page_agencies(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, PAGE, 2)
    role = parse_role(parts[0]) if parts else None
    page = callbacks.decode_int(parts[1]) if parts else None
    agencies = await _agencies_for(req, role) if role is not None else []
    if role is None or page is None or not agencies:
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(_agency_keyboard(req, role, agencies, page))


async def _invite_offender_of(req: Request, code: str) -> None:
    """``/undang terpidana KS-2026-0042``: a new link for the offender of an existing case
    (an imported one, or when the first link expired)."""
    store = req.db.reader()
    case = await store.cases.by_code(code)
    if case is None or not req.actor.may_invite_to(Role.TERPIDANA, case.agency_id):
        await req.reply(req.texts("schedule.case_not_found", code=code))
        return
    agency = await store.agencies.get(case.agency_id)
    assert agency is not None
    await _create(req, Role.TERPIDANA, agency, case=case)


async def _create_or_ask_site(req: Request, role: Role, agency: Agency) -> None:
    """A pengawas supervises a site, so their invitation names it; other roles need none."""
    if role is not Role.PENGAWAS:
        await _create(req, role, agency)
        return
    sites = await req.db.reader().sites.all()
    if not sites:
        await req.reply(req.texts("invite.no_site"))
        return
    await req.reply(
        req.texts("invite.choose_site"),
        reply_markup=choices(
            [(site.name, callbacks.encode(SITE, agency.id, site.id)) for site in sites],
            texts=req.texts,
        ),
    )


@button(Action.INVITE)
async def pick_site(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, SITE, 2)
    agency_id = callbacks.decode_int(parts[0]) if parts else None
    site_id = callbacks.decode_int(parts[1]) if parts else None
    store = req.db.reader()
    agency = await store.agencies.get(agency_id) if agency_id else None
    site = await store.sites.get(site_id) if site_id else None
    if agency is None or site is None:
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return
    if not req.actor.may_invite_to(Role.PENGAWAS, agency.id):
        await query.answer(req.texts.plain("refused_button"), show_alert=True)
        await req.audit("refused", subject="invite:pengawas", detail={"agency_id": agency.id})
        return
    await query.answer(req.texts.plain("invite.created_button"))
    await query.edit_message_reply_markup(None)
    await _create(req, Role.PENGAWAS, agency, site)


async def _agencies_for(req: Request, role: Role) -> list[Agency]:
    return [a for a in await req.db.reader().agencies.all() if req.actor.may_invite_to(role, a.id)]


def _agency_keyboard(
    req: Request, role: Role, agencies: list[Agency], page: int
) -> InlineKeyboardMarkup:
    return choices(
        [(a.name, callbacks.encode(PICK, role.value, a.id)) for a in agencies],
        texts=req.texts,
        page=page,
        nav=lambda p: callbacks.encode(PAGE, role.value, p),
    )


async def _create(
    req: Request, role: Role, agency: Agency, site: Site | None = None, case: Case | None = None
) -> None:
    token = rules.new_token()
    expires = req.now + req.services.invitation_validity
    async with req.transaction() as store:
        inviter = req.actor.person or await store.people.ensure(
            telegram_user_id=req.user.id,
            full_name=req.user.full_name,
            language_code=req.user.language_code,
            now=req.now,
        )
        invitation = await store.invitations.add(
            token_hash=rules.token_hash(token),
            role=role,
            agency_id=agency.id,
            created_by=inviter.id,
            now=req.now,
            expires_at=expires,
            site_id=site.id if site else None,
            case_id=case.id if case else None,
        )
        await store.audit.append(
            action="invitation.created",
            subject=f"invitation:{invitation.id}",
            detail={"role": role.value, "agency_id": agency.id, "site_id": invitation.site_id},
            **(req.audit_fields() | {"actor_person_id": inviter.id}),
        )
    await send_invitation(req, token, role, agency, expires, site=site, case=case)
