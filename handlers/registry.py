"""The bot's commands: names in both languages, the action each needs, the menu text.

One list serves the handlers (which names to listen to), ``/bantuan`` and the per-role
``setMyCommands`` menus, so the three can never disagree.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from telegram import BotCommand

from domain import authority
from domain.actor import Actor
from domain.permissions import Action
from texts import Texts


@dataclass(frozen=True)
class CommandSpec:
    id_name: str
    en_name: str
    action: Action | None  # None: open to everybody, registered or not
    description_key: str

    @property
    def names(self) -> tuple[str, str]:
        return (self.id_name, self.en_name)

    def name_for(self, lang: str) -> str:
        return self.en_name if lang == "en" else self.id_name


START = CommandSpec("start", "start", None, "cmd.start")
HELP = CommandSpec("bantuan", "help", Action.HELP, "cmd.help")
ME = CommandSpec("saya", "me", Action.ME, "cmd.me")
INVITE = CommandSpec("undang", "invite", Action.INVITE, "cmd.invite")
NEW_AGENCY = CommandSpec("instansi_baru", "new_agency", Action.NEW_AGENCY, "cmd.new_agency")
PEOPLE = CommandSpec("orang", "people", Action.LIST_PEOPLE, "cmd.people")
REVOKE = CommandSpec("cabut", "revoke", Action.REVOKE, "cmd.revoke")
NEW_SITE = CommandSpec("lokasi_baru", "new_site", Action.NEW_SITE, "cmd.new_site")
SITES = CommandSpec("lokasi", "sites", Action.LIST_SITES, "cmd.sites")
NEW_CASE = CommandSpec("kasus_baru", "new_case", Action.NEW_CASE, "cmd.new_case")
SCHEDULE = CommandSpec("jadwal", "schedule", Action.SCHEDULE, "cmd.schedule")
RESCHEDULE = CommandSpec("ubah_jadwal", "reschedule", Action.RESCHEDULE, "cmd.reschedule")
HOLIDAYS = CommandSpec("libur", "holiday", Action.HOLIDAYS, "cmd.holidays")
TEMPLATE = CommandSpec("templat", "template", Action.IMPORT, "cmd.template")
CHECK_IN = CommandSpec("hadir", "checkin", Action.ATTENDANCE, "cmd.check_in")
CHECK_OUT = CommandSpec("pulang", "checkout", Action.ATTENDANCE, "cmd.check_out")
PROGRESS = CommandSpec("progres", "progress", Action.PROGRESS, "cmd.progress")
ABSENT = CommandSpec("tidakhadir", "absent", Action.ATTENDANCE, "cmd.absent")
LEAVE = CommandSpec("izin", "leave", Action.PROGRESS, "cmd.leave")
CORRECT = CommandSpec("koreksi", "correct", Action.CORRECT, "cmd.correct")
WARN = CommandSpec("teguran", "warn", Action.ENFORCE, "cmd.warn")
CLOSE = CommandSpec("tutup", "close", Action.ENFORCE, "cmd.close")
HAND_OVER = CommandSpec("serahkan", "handover", Action.HAND_OVER, "cmd.handover")
LETTERHEAD = CommandSpec("kop", "letterhead", Action.LETTERHEAD, "cmd.letterhead")
NIP = CommandSpec("nip", "nip", Action.NIP, "cmd.nip")
DIGEST = CommandSpec("ringkasan", "digest", Action.DIGEST, "cmd.digest")
REPORT = CommandSpec("laporan", "report", Action.REPORT, "cmd.report")
DIGEST_SETTINGS = CommandSpec(
    "atur_ringkasan", "digest_settings", Action.DIGEST, "cmd.digest_settings"
)
STATUS = CommandSpec("status", "status", Action.STATUS, "cmd.status")
SHEET = CommandSpec("daftar_hadir", "attendance_sheet", Action.ATTENDANCE, "cmd.sheet")
NO_TELEGRAM = CommandSpec("tanpa_telegram", "no_telegram", Action.RESCHEDULE, "cmd.no_telegram")
CANCEL = CommandSpec("batal", "cancel", None, "cmd.cancel")

COMMANDS: tuple[CommandSpec, ...] = (
    START,
    HELP,
    ME,
    CHECK_IN,
    CHECK_OUT,
    ABSENT,
    SHEET,
    PROGRESS,
    LEAVE,
    SCHEDULE,
    NEW_CASE,
    NEW_SITE,
    SITES,
    RESCHEDULE,
    NO_TELEGRAM,
    CORRECT,
    WARN,
    CLOSE,
    HAND_OVER,
    DIGEST,
    DIGEST_SETTINGS,
    REPORT,
    TEMPLATE,
    INVITE,
    PEOPLE,
    REVOKE,
    NEW_AGENCY,
    LETTERHEAD,
    NIP,
    HOLIDAYS,
    STATUS,
    CANCEL,
)

#: Shown to everybody who has not been registered yet.
PUBLIC_MENU: tuple[CommandSpec, ...] = (START, HELP)


def commands_for(actor: Actor) -> list[CommandSpec]:
    """The commands this person may use, in menu order."""
    if not actor.registered:
        return list(PUBLIC_MENU)
    return [c for c in COMMANDS if c.action is None or authority.may(actor, c.action)]


def bot_commands(specs: Iterable[CommandSpec], texts: Texts) -> list[BotCommand]:
    return [BotCommand(c.name_for(texts.lang), texts.plain(c.description_key)) for c in specs]
