"""``/orang`` (who is registered) and ``/cabut`` (revoke a role, keeping the history).

An admin sees everybody; a jaksa sees the people of their own agency. A person's card
offers a revoke button for each role the viewer may revoke, and revoking asks once more.
"""

from itertools import groupby

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.models import Agency, Membership
from domain.permissions import Action
from handlers.context import Request, load_actor
from handlers.guards import button, command, refuse_object, stale
from handlers.keyboards import PAGE_SIZE, choices, clamp_page, confirm, page_count
from handlers.menus import set_personal_menu
from handlers.render import role_name
from services import people as roster
from services.people import Card, Entry, Outcome, Revocation
from texts import Html, for_user, join_lines

LIST = Prefix.PEOPLE
REVOKE = Prefix.REVOKE


@command(Action.LIST_PEOPLE)
async def people(req: Request) -> None:
    text, keyboard = await _page(req, 0)
    await req.reply(text, reply_markup=keyboard)


async def _page(req: Request, page: int) -> tuple[Html, InlineKeyboardMarkup | None]:
    """One page of people, grouped: staff by agency and role, then the offenders apart.
    Each entry is a button to the person's card."""
    entries = await roster.visible_entries(req.db.reader(), req.actor)
    if not entries:
        return req.texts("people.empty"), None
    page = clamp_page(page, len(entries))
    shown = entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    keyboard = choices(
        [(_label(req, e), callbacks.encode(LIST, "s", e.person.id)) for e in shown],
        texts=req.texts,
        page=page,
        total=len(entries),
        nav=lambda p: callbacks.encode(LIST, "p", p),
        already_paged=True,
    )
    people_count = len({e.person.id for e in entries})
    header = req.texts(
        "people.header", total=people_count, page=page + 1, pages=page_count(len(entries))
    )
    return join_lines([header, *_groups(req, shown)]), keyboard


def _label(req: Request, entry: Entry) -> str:
    return req.texts.plain("people.button").format(
        name=entry.person.full_name, role=req.texts.plain(f"role_short.{entry.membership.role}")
    )


def _groups(req: Request, shown: list[Entry]) -> list[Html]:
    """The page's entries as text: a section for staff and one for offenders, an agency's
    name over its people, one line per role. ``shown`` is in that order already."""
    lines: list[Html] = []
    for staff, part in groupby(shown, key=lambda e: e.staff):
        lines += [Html(""), req.texts("people.staff" if staff else "people.offenders")]
        for agency, in_agency in groupby(part, key=lambda e: e.agency):
            lines.append(req.texts("people.agency", agency=agency.name))
            for role, holders in groupby(in_agency, key=lambda e: e.membership.role):
                names = ", ".join(e.person.full_name for e in holders)
                lines.append(
                    req.texts(
                        "people.role_line", role=req.texts.plain(f"role_short.{role}"), names=names
                    )
                )
    return lines


@button(Action.LIST_PEOPLE)
async def people_button(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, LIST, 2)
    number = callbacks.decode_int(parts[1]) if parts else None
    if parts is None or number is None or parts[0] not in ("p", "s"):
        await stale(req)
        return
    await query.answer()
    if parts[0] == "p":
        text, keyboard = await _page(req, number)
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=keyboard)
        return
    await _show_card(req, await roster.view_person(req.origin, person_id=number))


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
    await _show_card(req, await roster.view_person(req.origin, telegram_user_id=user_id))


async def _show_card(req: Request, card: Card) -> None:
    """A person's roles that the viewer may see, with a revoke button for each they may revoke."""
    person, agencies = card.person, card.agencies
    if person is None or agencies is None:
        await req.reply(req.texts("people.not_found"))
        return
    lines = [_role_line(req, m, agencies) for m in card.memberships]
    buttons = [
        [
            InlineKeyboardButton(
                req.texts.plain("revoke.button").format(
                    role=m.role.value, agency=agencies[m.agency_id].name
                ),
                callback_data=callbacks.encode(REVOKE, "a", m.id),
            )
        ]
        for m in card.revocable
    ]
    text = req.texts(
        "people.card",
        name=person.full_name,
        user_id=person.telegram_user_id,
        roles=join_lines(lines),
    )
    await req.reply(text, reply_markup=InlineKeyboardMarkup(buttons) if buttons else None)


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
    if parts is None or membership_id is None or parts[0] not in ("a", "y", "n"):
        await stale(req)
        return
    if parts[0] == "y":
        await _revoke(req, membership_id)
        return
    found = await roster.revocation(req.db.reader(), req.actor, membership_id)
    if not await _revocable(req, found):
        return
    await query.answer()
    if parts[0] == "a":
        assert found.membership is not None
        await req.reply(
            req.texts("revoke.confirm", **_names(req, found)),
            reply_markup=confirm(
                req.texts,
                callbacks.encode(REVOKE, "y", found.membership.id),
                callbacks.encode(REVOKE, "n", found.membership.id),
                yes_label="button.revoke",
                no_label="button.keep",
            ),
        )
        return
    await query.edit_message_reply_markup(None)
    await req.reply(req.texts("revoke.kept"))


async def _revoke(req: Request, membership_id: int) -> None:
    """Revoke, then shrink the person's command menu to what they still hold."""
    query = req.update.callback_query
    assert query is not None
    result = await roster.revoke_membership(req.origin, membership_id)
    if not await _revocable(req, result):
        return
    person = result.person
    assert person is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    await req.reply(req.texts("revoke.done", **_names(req, result)))
    remaining = await load_actor(req.services, person.telegram_user_id)
    await set_personal_menu(
        req.context.bot, person.telegram_user_id, remaining, for_user(person.language_code)
    )


async def _revocable(req: Request, found: Revocation) -> bool:
    """True if the press may go on; otherwise it has been answered (stale, refused, done)."""
    query = req.update.callback_query
    assert query is not None
    if found.outcome is Outcome.NOT_FOUND:
        await stale(req)
    elif found.outcome is Outcome.NOT_ALLOWED:
        assert found.membership is not None
        await refuse_object(req, f"membership:{found.membership.id}")
    elif found.outcome is Outcome.ALREADY:
        await query.answer(req.texts.plain("revoke.already"), show_alert=True)
    return found.outcome is Outcome.OK


def _names(req: Request, found: Revocation) -> dict[str, str]:
    assert found.membership is not None and found.person is not None and found.agency is not None
    return {
        "role": role_name(req.texts, found.membership.role),
        "agency": found.agency.name,
        "name": found.person.full_name,
    }
