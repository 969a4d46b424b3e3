"""Agency groups: linking a group when the bot is added, unlinking when it is removed, and
the digest on demand (``/ringkasan``) and its schedule (``/atur_ringkasan``).

Who may link a group, and to which agency, is ``services.groups``. Groups get counts and
initials: never a face or a full name.
"""

import contextlib
from zoneinfo import ZoneInfo

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.digest import reported_week
from domain.parsing import parse_time, parse_weekdays
from domain.permissions import Action
from handlers.context import Request, load_actor, services_of
from handlers.guards import button, command, refuse_object, stale
from services import digest as digests
from services import groups
from services.digest_post import digest_post
from services.groups import Answered, Outcome
from services.origin import Origin
from texts import for_user
from texts.formatting import WEEKDAY_KEYS

LINK = Prefix.GROUP_LINK
PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}
GONE = {ChatMember.LEFT, ChatMember.BANNED}


async def _origin(update: Update, context: ContextTypes.DEFAULT_TYPE, user_id: int) -> Origin:
    """An update about the group rather than from a command: built by hand, like a Request."""
    services = services_of(context)
    return Origin(
        db=services.db,
        actor=await load_actor(services, user_id),
        now=services.clock(),
        update_id=update.update_id,
        wake_outbox=services.wake_outbox,
        on_claimed=services.claimed.add,
    )


async def membership_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    old, new = change.old_chat_member.status, change.new_chat_member.status
    if new in GONE:
        await groups.bot_removed(
            await _origin(update, context, change.from_user.id), change.chat.id
        )
        return
    if new not in PRESENT or old in PRESENT:
        return
    texts = for_user(change.from_user.language_code)
    added = await groups.bot_added(
        await _origin(update, context, change.from_user.id), change.chat.id, title=change.chat.title
    )
    bot = context.bot
    with contextlib.suppress(TelegramError):
        if added.outcome is not Outcome.DONE:
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
                    for a in added.agencies[:30]
                ]
            ),
        )


@button(Action.LINK_GROUP)
async def link(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None and query.message is not None
    parts = callbacks.decode(query.data, LINK, 1)
    agency_id = callbacks.decode_int(parts[0]) if parts else None
    chat_id = query.message.chat.id
    result = await groups.link_group(req.origin, chat_id, agency_id) if agency_id else None
    if result is None or result.outcome is Outcome.STALE or result.agency is None:
        await stale(req)
        return
    if result.outcome is Outcome.NOT_YOURS:
        await refuse_object(req, f"chat:{chat_id}", detail={"agency_id": result.agency.id})
        return
    await query.answer()
    await query.edit_message_text(
        req.texts("group.linked", agency=result.agency.name), parse_mode=ParseMode.HTML
    )


async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its link and pending messages follow the new id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    user = update.effective_user  # whoever converted the group; Telegram may name nobody
    origin = await _origin(update, context, user.id if user else 0)
    await groups.group_migrated(origin, message.chat.id, message.migrate_to_chat_id)


async def _turned_away(req: Request, answered: Answered) -> bool:
    """Say why, when the chat is not linked or the asker does not answer for its agency."""
    if answered.outcome is Outcome.NOT_LINKED:
        await req.reply(req.texts("group.not_linked"))
        return True
    if answered.outcome is Outcome.NOT_YOURS:
        await refuse_object(req, f"chat:{req.chat_id}")
        return True
    return False


@command(Action.DIGEST, private_only=False)
async def digest_now(req: Request) -> None:
    """The digest on demand: in a linked group, that group's; in private, the asker's scope."""
    store = req.db.reader()
    chat = req.update.effective_chat
    title = req.texts.plain("digest.my_scope")
    if chat is not None and chat.type != ChatType.PRIVATE:
        answered = await groups.answered_group(store, req.actor, chat.id)
        if await _turned_away(req, answered) or answered.agency is None:
            return
        agency = answered.agency
        scope: set[int] | None = await digests.agency_scope(store, agency.id)
        title, zone = agency.name, agency.timezone
    else:
        scope = await groups.digest_scope(store, req.actor)
        zone = req.services.default_timezone
    today = req.now.astimezone(ZoneInfo(zone)).date()
    cases = await digests.cases_in_scope(store, scope)
    result = await digests.compute(
        store, cases, week_start=reported_week(today), today=today, now=req.now
    )
    # One photo: the chart, captioned with the digest (or its headline, the rest after it).
    post = await digest_post(req.texts, title, result)
    await req.context.bot.send_photo(
        req.chat_id, photo=post.photo, caption=post.caption, parse_mode=ParseMode.HTML
    )
    for part in post.follow_up:
        await req.reply(part)
    await req.audit("digest.viewed", subject=f"chat:{req.chat_id}")


@command(Action.DIGEST, private_only=False)
async def digest_settings(req: Request) -> None:
    """``/atur_ringkasan senin 08.00 id`` in a linked group."""
    answered = await groups.answered_group(req.db.reader(), req.actor, req.chat_id)
    if await _turned_away(req, answered) or answered.group is None:
        return
    args = req.context.args or []
    days = parse_weekdays(args[0]) if args else None
    at = parse_time(args[1]) if len(args) > 1 else None
    language = args[2].lower() if len(args) > 2 else answered.group.language
    if not days or len(days) != 1 or at is None or language not in groups.DIGEST_LANGUAGES:
        await req.reply(req.texts("group.settings_usage"))
        return
    saved = await groups.set_digest(
        req.origin, req.chat_id, weekday=next(iter(days)), at=at, language=language
    )
    if await _turned_away(req, saved):
        return
    if saved.outcome is not Outcome.DONE:
        await req.reply(req.texts("group.settings_usage"))
        return
    await req.reply(
        req.texts(
            "group.settings_saved",
            day=req.texts.plain(WEEKDAY_KEYS[next(iter(days))]),
            time=at.strftime("%H.%M"),
            language=language,
        )
    )
