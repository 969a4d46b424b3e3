"""``/undang <peran>``: an invitation as a deep link and a printable QR code."""

from telegram import InlineKeyboardMarkup

from domain import authority
from domain import callback_data as callbacks
from domain import invitations as invitation_rules
from domain.callback_data import Prefix
from domain.models import Agency, Site
from domain.permissions import Action
from domain.roles import Role, parse_role
from handlers.context import Request
from handlers.guards import button, command, refuse_object, stale
from handlers.keyboards import choices
from handlers.render import role_name, send_invitation
from services import invitations
from services.invitations import Created, Outcome
from services.people import Profile
from texts import Html

PICK = Prefix.INVITE_AGENCY
PAGE = Prefix.INVITE_PAGE
SITE = Prefix.INVITE_SITE


def _profile(req: Request) -> Profile:
    return Profile(req.user.full_name, req.user.language_code)


@command(Action.INVITE)
async def invite(req: Request) -> None:
    may_invite = sorted(authority.invitable_roles(req.actor))
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
        await refuse_object(
            req,
            f"invite:{role.value}",
            text_key="invite.role_not_allowed",
            values={"role": role_name(req.texts, role), "roles": role_list},
        )
        return
    if invitation_rules.names_a_case(role) and len(req.context.args) > 1:
        await _invite_offender_of(req, req.context.args[1][:20])
        return
    if invitation_rules.names_a_site(role):
        await _ask_site(req)
        return
    agencies = await invitations.invitable_agencies(req.db.reader(), req.actor, role)
    if not agencies:
        await req.reply(_no_fitting_agency(req, role))
        return
    if len(agencies) == 1:
        created = await _create(req, role, agencies[0].id)
        if created is not None:
            await _send(req, created)
        return
    await req.reply(
        req.texts("invite.choose_agency", role=role_name(req.texts, role)),
        reply_markup=_agency_keyboard(req, role, agencies, 0),
    )


def _kinds(req: Request, role: Role) -> str:
    """The kinds of agency a role belongs in, as a reader says them: "Bapas atau …"."""
    names = [req.texts.plain(f"agency_type.{kind}") for kind in authority.home_kinds(role)]
    if len(names) == 1:
        return names[0]
    return req.texts.plain("invite.kinds_or").format(first=", ".join(names[:-1]), last=names[-1])


def _no_fitting_agency(req: Request, role: Role) -> Html:
    key = (
        "invite.no_fitting_agency"
        if authority.may(req.actor, Action.NEW_AGENCY)
        else "invite.no_fitting_agency_ask"
    )
    return req.texts(key, role=role_name(req.texts, role), kinds=_kinds(req, role))


@button(Action.INVITE)
async def pick_agency(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, PICK, 2)
    role = parse_role(parts[0]) if parts else None
    agency_id = callbacks.decode_int(parts[1]) if parts else None
    agency = await req.db.reader().agencies.get(agency_id) if agency_id else None
    if role is None or agency is None or invitation_rules.names_a_site(role):
        await stale(req)  # a pengawas's invitation is chosen by its site, not its agency
        return
    created = await _create(req, role, agency.id)
    if created is not None:
        await _chosen(req)
        await _send(req, created)


@button(Action.INVITE)
async def page_agencies(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, PAGE, 2)
    role = parse_role(parts[0]) if parts else None
    page = callbacks.decode_int(parts[1]) if parts else None
    store = req.db.reader()
    if role is not None and page is not None and invitation_rules.names_a_site(role):
        sites = await invitations.invitable_sites(store, req.actor)
        if sites:
            await query.answer()
            await query.edit_message_reply_markup(_site_keyboard(req, sites, page))
            return
    agencies = await invitations.invitable_agencies(store, req.actor, role) if role else []
    if role is None or page is None or not agencies:
        await stale(req)
        return
    await query.answer()
    await query.edit_message_reply_markup(_agency_keyboard(req, role, agencies, page))


async def _invite_offender_of(req: Request, code: str) -> None:
    """``/undang terpidana KS-2026-0042``: a new link for the offender of an existing case."""
    created = await invitations.invite_offender(
        req.origin, code=code, profile=_profile(req), validity=req.services.invitation_validity
    )
    if created.outcome is Outcome.NOT_ALLOWED and created.case is not None:
        # Another Kejari's case: refused like any other, worded as if it did not exist.
        await refuse_object(
            req,
            f"case:{created.case.id}",
            text_key="schedule.case_not_found",
            values={"code": code},
        )
        return
    if created.outcome is not Outcome.CREATED:
        await req.reply(req.texts("schedule.case_not_found", code=code))
        return
    await _send(req, created)


async def _ask_site(req: Request) -> None:
    """A pengawas supervises a site, so their invitation names it, and their role is in the
    site's host (the local government or dinas they work for), whoever invites them."""
    sites = await invitations.invitable_sites(req.db.reader(), req.actor)
    if not sites:
        await req.reply(req.texts("invite.no_site"))
        return
    await req.reply(req.texts("invite.choose_site"), reply_markup=_site_keyboard(req, sites, 0))


def _site_keyboard(
    req: Request, sites: list[tuple[Site, Agency]], page: int
) -> InlineKeyboardMarkup:
    return choices(
        [
            (
                req.texts.plain("invite.site_button").format(site=site.name, host=host.name),
                callbacks.encode(SITE, host.id, site.id),
            )
            for site, host in sites
        ],
        texts=req.texts,
        page=page,
        nav=lambda p: callbacks.encode(PAGE, Role.PENGAWAS.value, p),
    )


@button(Action.INVITE)
async def pick_site(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, SITE, 2)
    agency_id = callbacks.decode_int(parts[0]) if parts else None
    site_id = callbacks.decode_int(parts[1]) if parts else None
    if agency_id is None or site_id is None:
        await stale(req)
        return
    created = await _create(req, Role.PENGAWAS, agency_id, site_id)
    if created is not None:
        await _chosen(req)
        await _send(req, created)


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
    req: Request, role: Role, agency_id: int, site_id: int | None = None
) -> Created | None:
    """The invitation, or None once the refusal or the stale press has been answered."""
    created = await invitations.create_invitation(
        req.origin,
        role=role,
        agency_id=agency_id,
        profile=_profile(req),
        validity=req.services.invitation_validity,
        site_id=site_id,
    )
    if created.outcome is Outcome.NOT_ALLOWED:
        await _refuse(req, role, created.agency)
        return None
    if created.outcome is Outcome.NOT_FOUND:
        if req.update.callback_query is not None:
            await stale(req)
        return None
    return created


async def _refuse(req: Request, role: Role, agency: Agency | None) -> None:
    """Refused, in one line; when the agency is of the wrong kind, which kind would do."""
    if agency is not None and not authority.invitation_fits(role, agency):
        await refuse_object(
            req,
            f"invite:{role.value}",
            text_key="invite.misfit",
            button_key="invite.misfit",
            detail={"agency_id": agency.id, "reason": "misfit"},
            values={
                "role": role_name(req.texts, role),
                "agency": agency.name,
                "kinds": _kinds(req, role),
            },
        )
        return
    detail = {"agency_id": agency.id} if agency is not None else {}
    await refuse_object(req, f"invite:{role.value}", detail=detail)


async def _chosen(req: Request) -> None:
    """Answer the press and take the choice buttons away, so one tap makes one invitation."""
    query = req.update.callback_query
    assert query is not None
    await query.answer(req.texts.plain("invite.created_button"))
    await query.edit_message_reply_markup(None)


async def _send(req: Request, created: Created) -> None:
    invitation, agency = created.invitation, created.agency
    assert created.token is not None and invitation is not None and agency is not None
    await send_invitation(
        req,
        created.token,
        invitation.role,
        agency,
        invitation.expires_at,
        site=created.site,
        case=created.case,
    )
