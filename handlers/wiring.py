"""Every handler of the bot, in the order PTB must try them."""

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    absences,
    agency,
    attendance,
    calls,
    cases,
    consequences,
    corrections,
    groups,
    handover,
    help,
    holidays,
    idempotency,
    importing,
    invite,
    letterhead,
    paper_sheet,
    people,
    pk_request,
    progress,
    ratings,
    reports,
    reschedule,
    schedule,
    sites,
    start,
    status,
)
from handlers.errors import on_error
from handlers.filters import FOR_ME, PRIVATE
from handlers.guards import Handler
from handlers.registry import (
    CANCEL,
    DIGEST,
    DIGEST_SETTINGS,
    HELP,
    HOLIDAYS,
    INVITE,
    ME,
    NIP,
    NO_TELEGRAM,
    PEOPLE,
    PROGRESS,
    REPORT,
    REVOKE,
    SCHEDULE,
    SHEET,
    SITES,
    START,
    STATUS,
    TEMPLATE,
    CommandSpec,
)
from services import metrics

BEFORE, MAIN, AFTER, COUNTED = -1, 0, 1, 2


async def _count_handled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    metrics.update_handled()


def _command(
    spec: CommandSpec, callback: Handler
) -> CommandHandler[ContextTypes.DEFAULT_TYPE, object]:
    return CommandHandler(list(set(spec.names)), callback, filters=FOR_ME)


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, idempotency.skip_seen), group=BEFORE)
    app.add_handlers(
        [
            agency.conversation(),
            sites.conversation(),
            cases.conversation(),
            reschedule.conversation(),
            *attendance.conversations(),
            *absences.conversations(),
            corrections.conversation(),
            *consequences.conversations(),
            handover.conversation(),
            letterhead.conversation(),
            ratings.conversation(),
            paper_sheet.conversation(),
            # After every flow: a photo one of them waits for never reaches it.
            attendance.stray_photos(otherwise=help.unknown_message),
            _command(START, start.start),
            _command(HELP, help.help_command),
            _command(ME, help.me),
            _command(INVITE, invite.invite),
            _command(PEOPLE, people.people),
            _command(REVOKE, people.revoke),
            _command(SITES, sites.list_sites),
            _command(SCHEDULE, schedule.schedule),
            _command(PROGRESS, progress.progress),
            _command(HOLIDAYS, holidays.holidays),
            _command(TEMPLATE, importing.template),
            _command(DIGEST, groups.digest_now),
            _command(REPORT, reports.report),
            _command(DIGEST_SETTINGS, groups.digest_settings),
            _command(STATUS, status.status),
            _command(NIP, letterhead.nip),
            _command(SHEET, paper_sheet.daftar_hadir),
            _command(NO_TELEGRAM, calls.no_telegram),
            ChatMemberHandler(groups.membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
            MessageHandler(filters.StatusUpdate.MIGRATE, groups.migrated),
            MessageHandler(PRIVATE & filters.Document.ALL, importing.upload),
            _command(CANCEL, help.nothing_to_cancel),
            CallbackQueryHandler(invite.pick_agency, pattern=rf"^{invite.PICK}:"),
            CallbackQueryHandler(invite.page_agencies, pattern=rf"^{invite.PAGE}:"),
            CallbackQueryHandler(invite.pick_site, pattern=rf"^{invite.SITE}:"),
            CallbackQueryHandler(people.people_button, pattern=rf"^{people.LIST}:"),
            CallbackQueryHandler(people.revoke_button, pattern=rf"^{people.REVOKE}:"),
            CallbackQueryHandler(schedule.schedule_button, pattern=rf"^{schedule.CASE}:"),
            CallbackQueryHandler(consequences.repeat, pattern=rf"^{consequences.REPEAT}:"),
            CallbackQueryHandler(pk_request.ask, pattern=rf"^{pk_request.ASK}:"),
            CallbackQueryHandler(pk_request.take, pattern=rf"^{pk_request.TAKE}:"),
            CallbackQueryHandler(groups.link, pattern=rf"^{groups.LINK}:"),
            CallbackQueryHandler(holidays.holiday_button, pattern=rf"^{holidays.PICK}:"),
            CallbackQueryHandler(calls.called, pattern=rf"^{calls.CALLED}:"),
            # Anything left over: stale or forged buttons, unknown commands, stray messages.
            CallbackQueryHandler(help.stale_button),
            MessageHandler(filters.COMMAND & FOR_ME, help.unknown_command),
            MessageHandler(
                PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL, help.unknown_message
            ),
        ],
        group=MAIN,
    )
    app.add_handler(TypeHandler(Update, idempotency.mark_seen), group=AFTER)
    app.add_handler(TypeHandler(Update, _count_handled), group=COUNTED)
    app.add_error_handler(on_error)
