"""``/instansi_baru``: register an agency in a short conversation, confirmed with a button.

Each step checks the role again: someone whose access is revoked mid-way cannot finish.
The draft lives in ``user_data`` and is lost on restart; the person simply starts again.
"""

import html
import sqlite3
import warnings
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from domain import agencies as rules
from domain.permissions import Action
from domain.roles import AgencyType
from handlers import callbacks
from handlers.context import Request
from handlers.filters import FOR_ME, PRIVATE
from handlers.guards import allowed
from handlers.keyboards import choices, confirm
from handlers.registry import CANCEL, NEW_AGENCY
from texts import Html, Texts
from texts.formatting import zone_abbreviation

TYPE, NAME, PARENT, ZONE, CONFIRM = range(5)
END = ConversationHandler.END
TIMEOUT_SECONDS = 15 * 60
DRAFT = "agency_draft"
PREFIX = "agn"  # agn:v1:<step>:<value>


def _draft(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    assert context.user_data is not None
    draft: dict[str, Any] = context.user_data.setdefault(DRAFT, {})
    return draft


async def _start_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Request | None:
    req = await Request.load(update, context)
    if not await allowed(req, Action.NEW_AGENCY):
        return None
    if update.callback_query is not None:
        await update.callback_query.answer()
    return req


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    req = await _start_step(update, context)
    if req is None:
        return END
    if update.effective_chat and update.effective_chat.type != "private":
        await req.reply(req.texts("private_only"))
        return END
    _draft(context).clear()
    keyboard = choices(
        [
            (req.texts.plain(f"agency_type.{t.value}"), callbacks.encode(PREFIX, "t", t.value))
            for t in AgencyType
        ],
        texts=req.texts,
    )
    await req.reply(req.texts("agency.ask_type"), reply_markup=keyboard)
    return TYPE


async def got_type(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    req = await _start_step(update, context)
    if req is None:
        return END
    parts = callbacks.decode(
        update.callback_query.data if update.callback_query else None, PREFIX, 2
    )
    if parts is None or parts[0] != "t" or parts[1] not in AgencyType.__members__.values():
        return TYPE
    _draft(context)["type"] = parts[1]
    await _edit_choice(update, req.texts.plain(f"agency_type.{parts[1]}"))
    await req.reply(req.texts("agency.ask_name", max=rules.NAME_MAX))
    return NAME


async def got_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    req = await _start_step(update, context)
    if req is None:
        return END
    assert update.message is not None and update.message.text is not None
    name = rules.clean_name(update.message.text)
    if name is None:
        await req.reply(req.texts("agency.bad_name", max=rules.NAME_MAX))
        return NAME
    if await req.db.reader().agencies.by_name(name) is not None:
        await req.reply(req.texts("agency.name_taken", name=name))
        return NAME
    draft = _draft(context)
    draft["name"] = name
    child = AgencyType(draft["type"])
    if not rules.ALLOWED_PARENTS[child]:
        draft["parent_id"] = None
        return await _ask_zone(req)
    return await _ask_parent(req, child, page=0)


async def _ask_parent(req: Request, child: AgencyType, page: int, edit: bool = False) -> int:
    candidates = [
        a for a in await req.db.reader().agencies.all() if rules.parent_allowed(child, a.type)
    ]
    items = [(req.texts.plain("agency.no_parent"), callbacks.encode(PREFIX, "p", 0))]
    items += [(a.name, callbacks.encode(PREFIX, "p", a.id)) for a in candidates]
    keyboard = choices(
        items, texts=req.texts, page=page, nav=lambda p: callbacks.encode(PREFIX, "pp", p)
    )
    query = req.update.callback_query
    if edit and query is not None:
        await query.edit_message_reply_markup(keyboard)
    else:
        type_label = req.texts.plain(f"agency_type.{child.value}")
        await req.reply(req.texts("agency.ask_parent", type=type_label), reply_markup=keyboard)
    return PARENT


async def got_parent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    req = await _start_step(update, context)
    if req is None:
        return END
    draft = _draft(context)
    child = AgencyType(draft["type"])
    data = update.callback_query.data if update.callback_query else None
    if (page := callbacks.decode(data, PREFIX, 2)) and page[0] == "pp":
        number = callbacks.decode_int(page[1])
        return await _ask_parent(req, child, page=number or 0, edit=True)
    parts = callbacks.decode(data, PREFIX, 2)
    parent_id = callbacks.decode_int(parts[1]) if parts and parts[0] == "p" else None
    if parent_id is None:
        return PARENT
    if parent_id == 0:
        draft["parent_id"] = None
        await _edit_choice(update, req.texts.plain("agency.no_parent"))
        return await _ask_zone(req)
    parent = await req.db.reader().agencies.get(parent_id)
    if parent is None or not rules.parent_allowed(child, parent.type):
        await req.reply(
            req.texts(
                "agency.parent_not_allowed",
                parent=parent.name if parent else "?",
                type=req.texts.plain(f"agency_type.{child.value}"),
            )
        )
        return PARENT
    draft["parent_id"] = parent.id
    draft["parent_name"] = parent.name
    await _edit_choice(update, parent.name)
    return await _ask_zone(req)


async def _ask_zone(req: Request) -> int:
    default = req.services.default_timezone
    zones = [default, *(z for z in rules.TIMEZONES if z != default)]
    keyboard = choices(
        [
            (
                f"{zone_abbreviation(z)} — {z}",
                callbacks.encode(PREFIX, "z", rules.TIMEZONES.index(z)),
            )
            for z in zones
            if z in rules.TIMEZONES
        ],
        texts=req.texts,
    )
    label = f"{zone_abbreviation(default)} ({default})"
    await req.reply(req.texts("agency.ask_timezone", default=label), reply_markup=keyboard)
    return ZONE


async def got_zone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    req = await _start_step(update, context)
    if req is None:
        return END
    parts = callbacks.decode(
        update.callback_query.data if update.callback_query else None, PREFIX, 2
    )
    index = callbacks.decode_int(parts[1]) if parts and parts[0] == "z" else None
    if index is None or index >= len(rules.TIMEZONES):
        return ZONE
    draft = _draft(context)
    draft["timezone"] = rules.TIMEZONES[index]
    await _edit_choice(update, draft["timezone"])
    await req.reply(
        _summary(req.texts, draft),
        reply_markup=confirm(
            req.texts, callbacks.encode(PREFIX, "ok", 1), callbacks.encode(PREFIX, "no", 1)
        ),
    )
    return CONFIRM


def _summary(texts: Texts, draft: dict[str, Any]) -> Html:
    return texts(
        "agency.summary",
        type=texts.plain(f"agency_type.{draft['type']}"),
        name=draft["name"],
        parent=draft.get("parent_name") or texts.plain("agency.none"),
        timezone=f"{zone_abbreviation(draft['timezone'])} ({draft['timezone']})",
    )


async def got_confirmation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    req = await _start_step(update, context)
    if req is None:
        return END
    parts = callbacks.decode(
        update.callback_query.data if update.callback_query else None, PREFIX, 2
    )
    if parts is None or parts[0] not in ("ok", "no"):
        return CONFIRM
    draft = _draft(context)
    query = update.callback_query
    assert query is not None
    await query.edit_message_reply_markup(None)
    if parts[0] == "no":
        draft.clear()
        await req.reply(req.texts("cancelled"))
        return END
    try:
        async with req.transaction() as store:
            agency = await store.agencies.add(
                type=AgencyType(draft["type"]),
                name=draft["name"],
                parent_id=draft.get("parent_id"),
                timezone=draft["timezone"],
                created_by=req.actor.person.id if req.actor.person else None,
                now=req.now,
            )
            await store.audit.append(
                action="agency.created",
                subject=f"agency:{agency.id}",
                detail={"type": agency.type.value, "parent_id": agency.parent_id},
                **req.audit_fields(),
            )
    except sqlite3.IntegrityError:
        # Someone registered the same name while this form was open.
        await req.reply(req.texts("agency.name_taken", name=draft["name"]))
        await req.reply(req.texts("agency.ask_name", max=rules.NAME_MAX))
        return NAME
    draft.clear()
    await req.reply(req.texts("agency.saved", name=agency.name))
    return END


async def _edit_choice(update: Update, chosen: str) -> None:
    """Replace an answered question's buttons with the answer, so they cannot be pressed again."""
    query = update.callback_query
    if query is not None and query.message is not None:
        text = getattr(query.message, "text_html", None) or ""
        await query.edit_message_text(f"{text}\n<b>→ {html.escape(chosen)}</b>", parse_mode="HTML")


async def expected_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    req = await Request.load(update, context)
    await req.reply(
        req.texts("expected_text", prompt=req.texts("agency.ask_name", max=rules.NAME_MAX))
    )
    return NAME


async def expected_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    req = await Request.load(update, context)
    await req.reply(req.texts("expected_button"))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    req = await Request.load(update, context)
    _draft(context).clear()
    await req.reply(req.texts("cancelled"))
    return END


async def timed_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _draft(context).clear()
    if update.effective_user is not None:
        req = await Request.load(update, context)
        await req.reply(req.texts("agency.timeout"))


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    not_command = PRIVATE & ~filters.COMMAND
    button_step: list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, object]] = [
        MessageHandler(not_command, expected_button)
    ]
    pattern = rf"^{PREFIX}:"
    # Button steps are keyed per user and chat, as intended; PTB warns about per-message keys.
    warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
    return ConversationHandler(
        entry_points=[CommandHandler(list(NEW_AGENCY.names), begin, filters=FOR_ME)],
        states={
            TYPE: [CallbackQueryHandler(got_type, pattern=pattern), *button_step],
            NAME: [
                MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, got_name),
                MessageHandler(not_command, expected_text),
            ],
            PARENT: [CallbackQueryHandler(got_parent, pattern=pattern), *button_step],
            ZONE: [CallbackQueryHandler(got_zone, pattern=pattern), *button_step],
            CONFIRM: [CallbackQueryHandler(got_confirmation, pattern=pattern), *button_step],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
        },
        fallbacks=[CommandHandler(list(CANCEL.names), cancel, filters=FOR_ME)],
        conversation_timeout=TIMEOUT_SECONDS,
        name="new_agency",
        allow_reentry=True,
    )
