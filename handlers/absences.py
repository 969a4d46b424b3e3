"""Absences: the pengawas reports one (``/tidakhadir``), an offender asks in advance
(``/izin``), and the jaksa rules it *sah* (valid reason) or *tidak sah* with a button.

Supervisors flag, prosecutors decide: an absence ruled *tidak sah* is recorded against the
case with the consequence its decision ordered (KUHP Pasal 85 ayat 7).
"""

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain import callback_data as callbacks
from domain.cases import CaseStatus
from domain.models import Case
from domain.permissions import Action
from domain.roles import Role
from handlers.context import Request
from handlers.filters import FOR_ME, PRIVATE
from handlers.flows import cancel_fallback
from handlers.guards import allowed, button, step
from handlers.registry import ABSENT, LEAVE
from handlers.supervision import CODE_RE, Photo, photo_of, site_if_mine, supervised_sites
from services import evidence
from texts import for_user
from texts.formatting import format_day

PICK, CATEGORY, REASON = range(3)
END = ConversationHandler.END
FLOW = "absence"
PREFIX = "tdh"  # tdh:v1:c:<case id> | tdh:v1:k:<category>
RULE = "abs"  # abs:v1:s|t:<absence id>
RSVP = "rsv"  # rsv:v1:<session id>:y|n, under a reminder (scheduler/planning.py)
MARK = "abn"  # abn:v1:<case id>, under a supervisor's follow-up (scheduler/planning.py)
CATEGORIES = ("sakit", "izin", "tanpa_keterangan", "lainnya")
REASON_MAX = 300


def _flow(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    assert context.user_data is not None
    flow: dict[str, Any] = context.user_data.setdefault(FLOW, {})
    return flow


async def _today(req: Request, case: Case) -> date:
    site = await req.db.reader().sites.get(case.site_id)
    zone = ZoneInfo(site.timezone if site else req.services.default_timezone)
    return req.now.astimezone(zone).date()


def _running(case: Case) -> bool:
    return case.status is CaseStatus.ACTIVE


# -- the pengawas reports -------------------------------------------------------------------


@step(Action.ATTENDANCE)
async def absent_command(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _flow(context).clear()
    store = req.db.reader()
    if context.args and (match := CODE_RE.search(" ".join(context.args))):
        case = await store.cases.by_code(match.group(0))
        if await site_if_mine(req, case) is None or case is None or not _running(case):
            await req.reply(req.texts("attendance.not_your_case", code=match.group(0)))
            return END
        return await _ask_category(req, context, case)
    sites = {s.id for s in await supervised_sites(req)}
    cases = [c for c in await store.cases.for_agencies(None) if c.site_id in sites]
    if not cases:
        await req.reply(req.texts("absence.no_cases"))
        return END
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{c.offender_name} · {c.code}",
                    callback_data=callbacks.encode(PREFIX, "c", c.id),
                )
            ]
            for c in cases[:30]
        ]
    )
    await req.reply(req.texts("absence.choose"), reply_markup=keyboard)
    return PICK


@step(Action.ATTENDANCE)
async def marked_from_followup(
    req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> int:
    """ "Mark absent" under the 30-minute follow-up: straight to the reason."""
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, MARK, 1)
    case_id = callbacks.decode_int(parts[0]) if parts else None
    case = await req.db.reader().cases.get(case_id) if case_id else None
    if await site_if_mine(req, case) is None or case is None or not _running(case):
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return END
    await query.answer()
    _flow(context).clear()
    return await _ask_category(req, context, case)


@step(Action.ATTENDANCE)
async def picked(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, PREFIX, 2)
    case_id = callbacks.decode_int(parts[1]) if parts and parts[0] == "c" else None
    case = await req.db.reader().cases.get(case_id) if case_id else None
    if await site_if_mine(req, case) is None or case is None or not _running(case):
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return PICK
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _ask_category(req, context, case)


async def _ask_category(req: Request, context: ContextTypes.DEFAULT_TYPE, case: Case) -> int:
    _flow(context).update({"case_id": case.id, "source": "pengawas"})
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    req.texts.plain(f"absence.category.{c}"),
                    callback_data=callbacks.encode(PREFIX, "k", c),
                )
            ]
            for c in CATEGORIES
        ]
    )
    await req.reply(
        req.texts("absence.ask_category", name=case.offender_name), reply_markup=keyboard
    )
    return CATEGORY


@step(Action.ATTENDANCE)
async def category(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, PREFIX, 2)
    if parts is None or parts[0] != "k" or parts[1] not in CATEGORIES:
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return CATEGORY
    await query.answer()
    await query.edit_message_reply_markup(None)
    _flow(context)["category"] = parts[1]
    await req.reply(req.texts("absence.ask_reason"))
    return REASON


# -- the offender asks in advance -----------------------------------------------------------


@step(Action.PROGRESS)
async def leave_command(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _flow(context).clear()
    assert req.actor.person is not None
    store = req.db.reader()
    for case in await store.cases.of_offender(req.actor.person.id):
        if case.status is not CaseStatus.ACTIVE:
            continue
        today = await _today(req, case)
        upcoming = [s for s in await store.cases.sessions_of(case.id) if s.day >= today]
        if upcoming:
            _flow(context).update(
                {
                    "case_id": case.id,
                    "source": "terpidana",
                    "category": "izin",
                    "day": upcoming[0].day.isoformat(),
                }
            )
            await req.reply(
                req.texts("absence.ask_leave", day=format_day(upcoming[0].day, req.texts.lang))
            )
            return REASON
    await req.reply(req.texts("schedule.no_upcoming"))
    return END


@step(Action.PROGRESS)
async def reminder_answer(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The buttons under a reminder: "I will attend" is thanked, "I can't" asks why."""
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, RSVP, 2)
    session_id = callbacks.decode_int(parts[0]) if parts else None
    store = req.db.reader()
    session = await store.cases.session(session_id) if session_id else None
    case = await store.cases.get(session.case_id) if session else None
    mine = (
        case is not None
        and req.actor.person is not None
        and (case.offender_person_id == req.actor.person.id)
    )
    if parts is None or parts[1] not in ("y", "n") or session is None or case is None or not mine:
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return END
    await query.answer()
    await query.edit_message_reply_markup(None)
    await req.audit(
        "reminder.answered", subject=f"session:{session.id}", detail={"answer": parts[1]}
    )
    if parts[1] == "y":
        await req.reply(req.texts("reminder.thanks"))
        return END
    _flow(context).clear()
    _flow(context).update(
        {
            "case_id": case.id,
            "source": "terpidana",
            "category": "izin",
            "day": session.day.isoformat(),
        }
    )
    await req.reply(req.texts("absence.ask_leave", day=format_day(session.day, req.texts.lang)))
    return REASON


# -- both: the reason, with optional evidence -----------------------------------------------


async def reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    req = await Request.load(update, context)
    flow = _flow(context)
    action = Action.PROGRESS if flow.get("source") == "terpidana" else Action.ATTENDANCE
    if not await allowed(req, action):
        return END
    message = update.message
    assert message is not None
    photo = photo_of(message)
    if photo is None and message.document is not None:
        photo = Photo(
            message.document.file_id, message.document.file_unique_id, message.document.file_size
        )
    text = " ".join((message.text or message.caption or "").split())
    if text == "-":
        text = ""
    # An offender asking leave, or "other", must say why (or show a letter).
    needs_reason = flow.get("source") == "terpidana" or flow.get("category") == "lainnya"
    if len(text) > REASON_MAX or (needs_reason and photo is None and len(text) < 3):
        await req.reply(req.texts("absence.bad_reason", max=REASON_MAX))
        return REASON
    if photo is not None and photo.size is not None and photo.size > evidence.MAX_DOWNLOAD_BYTES:
        await req.reply(req.texts("attendance.photo_too_big"))
        return REASON
    case = await req.db.reader().cases.get(int(flow.get("case_id", 0)))
    if case is None:
        return END
    day = date.fromisoformat(flow["day"]) if "day" in flow else await _today(req, case)
    evidence_id = None
    async with req.transaction() as tx:
        absence_id = await tx.attendance.add_absence(
            case_id=case.id,
            day=day,
            category=flow["category"],
            reason=text or None,
            source=flow["source"],
            by=req.actor.person.id if req.actor.person else None,
            now=req.now,
            chat_id=message.chat_id,
            message_id=message.message_id,
        )
        if absence_id is not None and photo is not None:
            evidence_id = await tx.attendance.add_evidence(
                file_id=photo.file_id,
                file_unique_id=photo.file_unique_id,
                size=photo.size,
                now=req.now,
                absence_id=absence_id,
            )
        if absence_id is not None:
            await tx.audit.append(
                action="absence.reported",
                subject=f"case:{case.id}",
                detail={
                    "absence_id": absence_id,
                    "category": flow["category"],
                    "source": flow["source"],
                },
                **req.audit_fields(),
            )
    flow.clear()
    if absence_id is None:
        await req.reply(req.texts("absence.already", day=format_day(day, req.texts.lang)))
        return END
    if evidence_id is not None and photo is not None:
        await evidence.keep(
            req.context.bot, req.db, evidence_id, photo.file_id, req.services.evidence_dir, req.now
        )
    await req.reply(
        req.texts("absence.recorded", name=case.offender_name, day=format_day(day, req.texts.lang))
    )
    await _ask_ruling(req, case, absence_id, day, text)
    return END


async def _ask_ruling(req: Request, case: Case, absence_id: int, day: date, text: str) -> None:
    """The jaksa decides; the PK and the site's supervisors are kept informed.

    Through the outbox, like every message to someone who did not just write: if Telegram
    refuses it now, it is retried, and a blocked jaksa is reported instead of lost.
    """
    store = req.db.reader()
    absence = await store.attendance.absence(absence_id)
    assert absence is not None
    recipients: list[tuple[int, bool]] = [(case.jaksa_person_id, True)]
    if case.pk_person_id is not None:
        recipients.append((case.pk_person_id, False))
    if absence["source"] == "terpidana":
        recipients += [(p, False) for p in await store.sites.supervisors_of(case.site_id)]
    async with req.db.transaction() as tx:
        for person_id, rules in recipients:
            person = await store.people.get(person_id)
            if person is None or person.telegram_user_id <= 0:
                continue
            texts = for_user(person.language_code)
            payload: dict[str, object] = {
                "text": texts(
                    "absence.notice",
                    code=case.code,
                    name=case.offender_name,
                    day=format_day(day, texts.lang),
                    category=texts.plain(f"absence.category.{absence['category']}"),
                    reason=text or "—",
                )
            }
            if rules:
                payload["buttons"] = [
                    [
                        [
                            texts.plain("absence.rule_valid"),
                            callbacks.encode(RULE, "s", absence_id),
                        ],
                        [
                            texts.plain("absence.rule_invalid"),
                            callbacks.encode(RULE, "t", absence_id),
                        ],
                    ]
                ]
            await tx.outbox.add(
                dedupe_key=f"absence:{absence_id}:{person.id}",
                chat_id=person.telegram_user_id,
                kind="alert.absence",
                payload=payload,
                due_at=req.now,
                now=req.now,
            )


@button(Action.RULE_ABSENCE)
async def rule(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, RULE, 2)
    absence_id = callbacks.decode_int(parts[1]) if parts else None
    store = req.db.reader()
    absence = await store.attendance.absence(absence_id) if absence_id else None
    case = await store.cases.get(int(str(absence["case_id"]))) if absence else None
    if parts is None or parts[0] not in ("s", "t") or absence is None or case is None:
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return
    if not (req.actor.is_admin or case.agency_id in req.actor.agencies_as(Role.JAKSA)):
        await query.answer(req.texts.plain("refused_button"), show_alert=True)
        await req.audit("refused", subject=f"absence:{absence_id}")
        return
    ruling = "sah" if parts[0] == "s" else "tidak_sah"
    consequence = None if ruling == "sah" else f"{case.consequence.value}: {case.replaced_penalty}"
    async with req.transaction() as tx:
        done = await tx.attendance.rule_absence(
            int(str(absence["id"])),
            ruling=ruling,
            consequence=consequence,
            by=req.actor.person.id if req.actor.person else None,
            now=req.now,
        )
        if done:
            await tx.audit.append(
                action="absence.ruled",
                subject=f"case:{case.id}",
                detail={"absence_id": absence["id"], "ruling": ruling},
                **req.audit_fields(),
            )
    if not done:
        await query.answer(req.texts.plain("absence.already_ruled"), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    key = "absence.ruled_valid" if ruling == "sah" else "absence.ruled_invalid"
    await req.reply(
        req.texts(
            key,
            code=case.code,
            consequence=req.texts.plain(f"consequence.{case.consequence.value}"),
            penalty=case.replaced_penalty,
        )
    )


async def expect_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    req = await Request.load(update, context)
    await req.reply(req.texts("expected_button"))


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    not_command = PRIVATE & ~filters.COMMAND
    fallbacks = cancel_fallback(FLOW)
    return ConversationHandler(
        entry_points=[
            CommandHandler(list(ABSENT.names), absent_command, filters=FOR_ME),
            CommandHandler(list(LEAVE.names), leave_command, filters=FOR_ME),
            CallbackQueryHandler(reminder_answer, pattern=rf"^{RSVP}:"),
            CallbackQueryHandler(marked_from_followup, pattern=rf"^{MARK}:"),
        ],
        states={
            PICK: [
                CallbackQueryHandler(picked, pattern=rf"^{PREFIX}:"),
                MessageHandler(not_command, expect_button),
            ],
            CATEGORY: [
                CallbackQueryHandler(category, pattern=rf"^{PREFIX}:"),
                MessageHandler(not_command, expect_button),
            ],
            REASON: [
                MessageHandler(
                    not_command & (filters.TEXT | filters.PHOTO | filters.Document.ALL), reason
                )
            ],
        },
        fallbacks=fallbacks,
        conversation_timeout=30 * 60,
        name="absence",
        allow_reentry=True,
    )
