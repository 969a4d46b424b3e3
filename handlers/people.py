"""``/orang`` (who is registered) and ``/cabut`` (revoke a role, keeping the history).

An admin sees everybody; a jaksa sees the people of their own agency. A person's card
offers a revoke button for each role the viewer may revoke, and revoking asks once more.
"""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain import callback_data as callbacks
from domain.models import Agency, Membership, Person
from domain.permissions import Action
from domain.roles import Role
from handlers.context import Request, load_actor
from handlers.guards import button, command
from handlers.keyboards import PAGE_SIZE, choices, clamp_page, confirm, page_count
from handlers.menus import set_personal_menu
from handlers.notify import notify
from handlers.render import role_name
from texts import Html, for_user, join_lines

LIST = "ppl"  # ppl:v1:p:<page> | ppl:v1:s:<person id>
REVOKE = "rev"  # rev:v1:a|y|n:<membership id>


def _scope(req: Request) -> set[int] | None:
    """The agencies whose people the viewer may see; None means all of them."""
    return None if req.actor.is_admin else set(req.actor.agencies_as(Role.JAKSA))


@command(Action.LIST_PEOPLE)
async def people(req: Request) -> None:
    text, keyboard = await _page(req, 0)
    await req.reply(text, reply_markup=keyboard)


async def _page(req: Request, page: int) -> tuple[Html, InlineKeyboardMarkup | None]:
    store = req.db.reader()
    scope = _scope(req)
    total = await store.people.count_with_active_membership(scope)
    if total == 0:
        return req.texts("people.empty"), None
    page = clamp_page(page, total)
    persons = await store.people.page_with_active_membership(
        scope, offset=page * PAGE_SIZE, limit=PAGE_SIZE
    )
    keyboard = choices(
        [(p.full_name, callbacks.encode(LIST, "s", p.id)) for p in persons],
        texts=req.texts,
        page=page,
        total=total,
        nav=lambda p: callbacks.encode(LIST, "p", p),
        already_paged=True,
    )
    header = req.texts("people.header", total=total, page=page + 1, pages=page_count(total))
    return header, keyboard


@button(Action.LIST_PEOPLE)
async def people_button(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, LIST, 2)
    number = callbacks.decode_int(parts[1]) if parts else None
    if parts is None or number is None or parts[0] not in ("p", "s"):
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return
    await query.answer()
    if parts[0] == "p":
        text, keyboard = await _page(req, number)
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=keyboard)
        return
    person = await req.db.reader().people.get(number)
    await _show_card(req, person)


@command(Action.REVOKE)
async def revoke(req: Request) -> None:
    if not req.context.args:
        await req.reply(req.texts("revoke.usage"))
        return
    given = req.context.args[0][:32]
    user_id = callbacks.decode_int(given)
    if user_id is None:
        await req.reply(req.texts("revoke.bad_id", given=given))
        return
    await _show_card(req, await req.db.reader().people.by_telegram_id(user_id))


async def _show_card(req: Request, person: Person | None) -> None:
    """A person's roles that the viewer may see, with a revoke button for each they may revoke."""
    store = req.db.reader()
    memberships = await store.people.memberships_of(person.id) if person else []
    visible = [m for m in memberships if req.actor.sees_agency(m.agency_id)]
    if person is None or not visible:
        await req.reply(req.texts("people.not_found"))
        await req.audit("people.not_found")
        return
    agencies = await store.agencies.by_ids({m.agency_id for m in visible})
    lines = [_role_line(req, m, agencies) for m in visible]
    buttons = [
        [
            InlineKeyboardButton(
                req.texts.plain("revoke.button").format(
                    role=m.role.value, agency=agencies[m.agency_id].name
                ),
                callback_data=callbacks.encode(REVOKE, "a", m.id),
            )
        ]
        for m in visible
        if req.actor.may_manage(m)
    ]
    text = req.texts(
        "people.card",
        name=person.full_name,
        user_id=person.telegram_user_id,
        roles=join_lines(lines),
    )
    await req.reply(text, reply_markup=InlineKeyboardMarkup(buttons) if buttons else None)
    # Looking at someone's record is itself recorded (UU PDP: who saw what).
    await req.audit("person.viewed", subject=f"person:{person.id}")


def _role_line(req: Request, m: Membership, agencies: dict[int, Agency]) -> Html:
    return req.texts(
        "role_line", role=role_name(req.texts, m.role), agency=agencies[m.agency_id].name
    )


@button(Action.REVOKE)
async def revoke_button(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, REVOKE, 2)
    membership_id = callbacks.decode_int(parts[1]) if parts else None
    store = req.db.reader()
    membership = await store.people.membership(membership_id) if membership_id else None
    if parts is None or membership is None or parts[0] not in ("a", "y", "n"):
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return
    if not req.actor.may_manage(membership):
        await query.answer(req.texts.plain("refused_button"), show_alert=True)
        await req.audit("refused", subject=f"membership:{membership.id}")
        return
    if membership.revoked_at is not None:
        await query.answer(req.texts.plain("revoke.already"), show_alert=True)
        return
    person = await store.people.get(membership.person_id)
    agency = await store.agencies.get(membership.agency_id)
    assert person is not None and agency is not None
    await query.answer()
    names = {
        "role": role_name(req.texts, membership.role),
        "agency": agency.name,
        "name": person.full_name,
    }
    if parts[0] == "a":
        await req.reply(
            req.texts("revoke.confirm", **names),
            reply_markup=confirm(
                req.texts,
                callbacks.encode(REVOKE, "y", membership.id),
                callbacks.encode(REVOKE, "n", membership.id),
                yes_label="button.revoke",
                no_label="button.keep",
            ),
        )
        return
    await query.edit_message_reply_markup(None)
    if parts[0] == "n":
        await req.reply(req.texts("revoke.kept"))
        return
    async with req.transaction() as tx:
        done = await tx.people.revoke(
            membership.id, by=req.actor.person.id if req.actor.person else None, now=req.now
        )
        if done:
            await tx.audit.append(
                action="membership.revoked",
                subject=f"membership:{membership.id}",
                detail={
                    "person_id": person.id,
                    "role": membership.role.value,
                    "agency_id": agency.id,
                },
                **req.audit_fields(),
            )
    if not done:
        await req.reply(req.texts("revoke.already"))
        return
    await req.reply(req.texts("revoke.done", **names))
    await _tell_revoked(req, person, membership, agency)


async def _tell_revoked(
    req: Request, person: Person, membership: Membership, agency: Agency
) -> None:
    """Tell the person, and shrink their command menu to what they still hold."""
    bot = req.context.bot
    await notify(
        bot,
        person,
        lambda t: t("revoke.notice", role=role_name(t, membership.role), agency=agency.name),
    )
    remaining = await load_actor(req.services, person.telegram_user_id)
    await set_personal_menu(bot, person.telegram_user_id, remaining, for_user(person.language_code))
