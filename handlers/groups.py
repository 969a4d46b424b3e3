"""Agency groups: linking a group when the bot is added, unlinking when it is removed, and
the digest on demand (``/ringkasan``) and its schedule (``/atur_ringkasan``).

Only an admin, a jaksa or a pejabat may link a group, and only to an agency they answer
for. Groups get counts and initials: never a face or a full name.
"""

import contextlib
from zoneinfo import ZoneInfo

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from domain import callback_data as callbacks
from domain.parsing import parse_time, parse_weekdays
from domain.permissions import Action, may
from handlers.context import Request, load_actor, services_of
from handlers.guards import button, command
from handlers.visibility import linkable_agencies
from services import digest as digests
from services.charts import digest_png
from storage.repositories import Store
from storage.repositories.groups import AgencyGroup
from texts import for_user
from texts.formatting import WEEKDAY_KEYS

LINK = "grp"  # grp:v1:<agency id>
PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}
GONE = {ChatMember.LEFT, ChatMember.BANNED}


async def membership_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    services = services_of(context)
    old, new = change.old_chat_member.status, change.new_chat_member.status
    now = services.clock()
    if new in GONE:
        async with services.db.transaction() as store:
            await store.groups.removed(change.chat.id)
            await store.audit.append(
                action="group.removed",
                subject=f"chat:{change.chat.id}",
                now=now,
                actor_telegram_id=change.from_user.id,
                update_id=update.update_id,
            )
        return
    if new not in PRESENT or old in PRESENT:
        return
    actor = await load_actor(services, change.from_user.id)
    texts = for_user(change.from_user.language_code)
    agencies = await linkable_agencies(services.db.reader(), actor)
    allowed = may(actor.roles, Action.LINK_GROUP)
    async with services.db.transaction() as store:
        await store.groups.added(
            change.chat.id, title=change.chat.title, by=change.from_user.id, now=now
        )
        await store.audit.append(
            action="group.added" if allowed else "refused",
            subject=f"chat:{change.chat.id}",
            now=now,
            actor_telegram_id=change.from_user.id,
            update_id=update.update_id,
        )
    bot = context.bot
    with contextlib.suppress(TelegramError):
        if not allowed or not agencies:
            await bot.send_message(
                change.chat.id, texts("group.not_allowed"), parse_mode=ParseMode.HTML
            )
            await bot.leave_chat(change.chat.id)
            return
        await bot.send_message(
            change.chat.id,
            texts("group.ask_agency"),
            parse_mode=ParseMode.HTML,
            reply_markup=InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(a.name, callback_data=callbacks.encode(LINK, a.id))]
                    for a in agencies[:30]
                ]
            ),
        )


@button(Action.LINK_GROUP)
async def link(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None and query.message is not None
    parts = callbacks.decode(query.data, LINK, 1)
    agency_id = callbacks.decode_int(parts[0]) if parts else None
    store = req.db.reader()
    agency = await store.agencies.get(agency_id) if agency_id else None
    chat_id = query.message.chat.id
    if agency is None or await store.groups.get(chat_id) is None:
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return
    if agency.id not in {a.id for a in await linkable_agencies(store, req.actor)}:
        await query.answer(req.texts.plain("refused_button"), show_alert=True)
        await req.audit("refused", subject=f"chat:{chat_id}", detail={"agency_id": agency.id})
        return
    async with req.transaction() as tx:
        await tx.groups.link(
            chat_id, agency.id, by=req.actor.person.id if req.actor.person else None, now=req.now
        )
        await tx.audit.append(
            action="group.linked",
            subject=f"chat:{chat_id}",
            detail={"agency_id": agency.id},
            **req.audit_fields(),
        )
    await query.answer()
    await query.edit_message_text(
        req.texts("group.linked", agency=agency.name), parse_mode=ParseMode.HTML
    )


async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its link and pending messages follow the new id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    services = services_of(context)
    async with services.db.transaction() as store:
        await store.groups.migrated(message.chat.id, message.migrate_to_chat_id)
        await store.outbox.move_chat(message.chat.id, message.migrate_to_chat_id)


async def _group_answered_for(req: Request, store: Store, chat_id: int) -> AgencyGroup | None:
    """This chat's linked group, if the asker answers for its agency; else say why, and None."""
    group = await store.groups.get(chat_id)
    if group is None or group.agency_id is None:
        await req.reply(req.texts("group.not_linked"))
        return None
    if group.agency_id not in {a.id for a in await linkable_agencies(store, req.actor)}:
        await req.reply(req.texts("refused"))
        await req.audit("refused", subject=f"chat:{chat_id}")
        return None
    return group


@command(Action.DIGEST, private_only=False)
async def digest_now(req: Request) -> None:
    """The digest on demand: in a linked group, that group's; in private, the asker's scope."""
    store = req.db.reader()
    chat = req.update.effective_chat
    title = req.texts.plain("digest.my_scope")
    if chat is not None and chat.type != ChatType.PRIVATE:
        group = await _group_answered_for(req, store, chat.id)
        if group is None or group.agency_id is None:
            return
        agency = await store.agencies.get(group.agency_id)
        assert agency is not None
        scope: set[int] | None = await digests.agency_scope(store, agency.id)
        title, zone = agency.name, agency.timezone
    else:
        scope = (
            None
            if req.actor.is_admin
            else {a.id for a in await linkable_agencies(store, req.actor)}
        )
        zone = req.services.default_timezone
    today = req.now.astimezone(ZoneInfo(zone)).date()
    cases = await digests.cases_in_scope(store, scope)
    result = await digests.compute(
        store, cases, week_start=digests.week_start_of(today), today=today
    )
    await req.reply(digests.render(req.texts, title, result))
    await req.context.bot.send_photo(req.chat_id, photo=digest_png(result, req.texts))
    await req.audit("digest.viewed", subject=f"chat:{req.chat_id}")


@command(Action.DIGEST, private_only=False)
async def digest_settings(req: Request) -> None:
    """``/atur_ringkasan senin 08.00 id`` in a linked group."""
    store = req.db.reader()
    group = await _group_answered_for(req, store, req.chat_id)
    if group is None:
        return
    args = req.context.args or []
    days = parse_weekdays(args[0]) if args else None
    at = parse_time(args[1]) if len(args) > 1 else None
    language = args[2].lower() if len(args) > 2 else group.language
    if not days or len(days) != 1 or at is None or language not in ("id", "en"):
        await req.reply(req.texts("group.settings_usage"))
        return
    async with req.transaction() as tx:
        await tx.groups.set_digest(
            group.chat_id, weekday=next(iter(days)), at=at, language=language
        )
        await tx.audit.append(
            action="group.digest_settings", subject=f"chat:{group.chat_id}", **req.audit_fields()
        )
    await req.reply(
        req.texts(
            "group.settings_saved",
            day=req.texts.plain(WEEKDAY_KEYS[next(iter(days))]),
            time=at.strftime("%H.%M"),
            language=language,
        )
    )
