"""Every command, button kind and file upload, for every role and for a stranger: allowed or
refused exactly as README's "Commands per role" table says.

A probe counts as refused when the bot wrote a ``refused`` audit row for that update, and
then the person must also have been told so politely. Buttons carry made-up object ids:
the role check comes before the object is looked up, so a refusal cannot depend on them.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from telegram.ext import CallbackQueryHandler, ConversationHandler

from domain.permissions import REFUSALS_ANSWERED, Action
from domain.roles import Role
from handlers import registry
from handlers.registry import COMMANDS, CommandSpec
from tests.e2e.conftest import ADMIN_ID, Bot, create_agency, invite, sites_ready
from tests.readme_matrix import Row, row_for_action, row_of

KEJARI = "Kejaksaan Negeri Samarinda"
MISSING = 999999  # an object id that exists nowhere

#: Buttons that work outside any form (entry points): a payload and the README row that
#: decides who may press them.
ENTRY_BUTTONS: dict[str, tuple[str, CommandSpec | Action]] = {
    "inv": (f"inv:v1:pk:{MISSING}", registry.INVITE),
    "inp": ("inp:v1:pk:0", registry.INVITE),
    "ins": (f"ins:v1:{MISSING}:{MISSING}", registry.INVITE),
    "ppl": (f"ppl:v1:s:{MISSING}", registry.PEOPLE),
    "rev": (f"rev:v1:n:{MISSING}", registry.REVOKE),
    "jdw": (f"jdw:v1:c:{MISSING}", registry.SCHEDULE),
    "abs": (f"abs:v1:s:{MISSING}", Action.RULE_ABSENCE),
    "tgr": (f"tgr:v1:{MISSING}", registry.WARN),
    "ttp": (f"ttp:v1:{MISSING}", registry.CLOSE),
    "ulg": (f"ulg:v1:{MISSING}", Action.ENFORCE),
    "grp": (f"grp:v1:{MISSING}", Action.LINK_GROUP),
    "lbr": (f"lbr:v1:m:{MISSING}", registry.HOLIDAYS),
    "rsv": (f"rsv:v1:{MISSING}:y", registry.LEAVE),
    "abn": (f"abn:v1:{MISSING}", registry.ABSENT),
    "kts": ("kts:v1:20000101", registry.CHECK_IN),
    "nlk": ("nlk:v1:20000101", registry.CHECK_OUT),
    "tlp": (f"tlp:v1:{MISSING}", Action.CALLS),
    "mpk": (f"mpk:v1:{MISSING}", registry.HAND_OVER),
    "apk": (f"apk:v1:{MISSING}", Action.TAKE_CASE),
    "dhk": (f"dhk:v1:{MISSING}:20000101", registry.SHEET),
}


@dataclass(frozen=True)
class Probe:
    name: str
    row: Row | None  # None: a button inside a form, refused as stale to everybody outside it
    send: Callable[[Bot, dict[str, Any]], dict[str, Any]]
    #: The audit subject of this probe's refusal (a pattern). A handler may also refuse an
    #: allowed role for an object out of their reach; that is scope, not this matrix.
    subject: str
    is_command: bool = False


def _prefixes(handlers: list[Any], *, entry: bool) -> set[str]:
    """The callback-data prefixes the application listens to, at its top level and in
    conversation entry points (``entry``) or only inside conversation states."""
    found: set[str] = set()
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            found |= _prefixes(handler.entry_points, entry=entry)
            inner = [h for state in handler.states.values() for h in state]
            found |= _prefixes(inner, entry=False) if not entry else set()
        elif isinstance(handler, CallbackQueryHandler) and entry and handler.pattern:
            pattern = getattr(handler.pattern, "pattern", handler.pattern)
            match = re.match(r"\^(\w+):", str(pattern))
            if match:
                found.add(match.group(1))
    return found


def _probes(bot: Bot) -> list[Probe]:
    handlers = [h for group in bot.app.handlers.values() for h in group]
    entry = _prefixes(handlers, entry=True)
    assert entry == set(ENTRY_BUTTONS), "a button kind is missing from this matrix"
    in_forms = _prefixes(handlers, entry=False) - entry
    probes = [
        Probe(
            f"/{spec.id_name}",
            row_of(spec),
            _text(f"/{spec.id_name}"),
            subject=spec.action.value if spec.action else "-",
            is_command=True,
        )
        for spec in COMMANDS
    ]
    probes.append(Probe("upload", row_for_action(Action.IMPORT), _upload, Action.IMPORT.value))
    probes.append(
        Probe("add to group", row_for_action(Action.LINK_GROUP), _add_to_group, r"chat:-\d+")
    )
    for prefix, (data, source) in ENTRY_BUTTONS.items():
        row = row_of(source) if isinstance(source, CommandSpec) else row_for_action(source)
        action = source.action if isinstance(source, CommandSpec) else source
        assert action is not None
        probes.append(Probe(f"button {prefix}", row, _press(data), action.value))
    probes += [
        Probe(f"form button {p}", None, _press(f"{p}:v1:0:1"), "button") for p in sorted(in_forms)
    ]
    return probes


def _text(text: str) -> Callable[[Bot, dict[str, Any]], dict[str, Any]]:
    return lambda bot, user: bot.fake.send_text(user, text)


def _upload(bot: Bot, user: dict[str, Any]) -> dict[str, Any]:
    return bot.fake.send_document(
        user,
        b"nama,nomor\n",
        "kasus.csv",
        "text/csv",
    )


def _add_to_group(bot: Bot, user: dict[str, Any]) -> dict[str, Any]:
    group = bot.fake.create_group(-4000 - len(bot.fake.updates), "Grup")
    return bot.fake.chat_member_update(group, user, "left", "member")


def _press(data: str) -> Callable[[Bot, dict[str, Any]], dict[str, Any]]:
    return lambda bot, user: bot.fake.press(user, bot.fake.sent_to(user["id"])[0], data)


async def _person(bot: Bot, role: Role | None) -> dict[str, Any]:
    """The admin, a registered holder of ``role``, or (None) a stranger."""
    admin = await bot.admin()
    await bot.send(admin, "/start")
    if role is Role.ADMIN:
        return admin
    if role is None:
        stranger = bot.user(7700, "Orang", "Asing")
        await bot.send(stranger, "/start")
        return stranger
    await create_agency(bot, admin, KEJARI, "Kejaksaan Negeri")
    if role is Role.PENGAWAS:
        await sites_ready(bot, admin)
    agency = KEJARI
    if role is Role.PK:  # a PK belongs in a Bapas
        agency = "Bapas Samarinda"
        await create_agency(bot, admin, agency, "Balai Pemasyarakatan")
    token = await invite(bot, admin, role.value, agency=agency)
    person = bot.user(7000 + list(Role).index(role), "Peran", role.value.title())
    [welcome] = await bot.send(person, f"/start {token}")
    assert "terdaftar sebagai" in (welcome.plain or ""), welcome.plain
    return person


async def _refusals(bot: Bot, update_id: int, subject: str) -> int:
    async with bot.db.reader().conn.execute(
        "SELECT subject FROM audit_log WHERE update_id = ? AND action = 'refused'",
        (update_id,),
    ) as cur:
        subjects = [row[0] for row in await cur.fetchall()]
    return sum(1 for s in subjects if re.fullmatch(subject, s or ""))


def _told_no(bot: Bot, update: dict[str, Any], mark: int, chat_id: int) -> bool:
    if "callback_query" in update:
        texts = [a.get("text", "") for a in bot.answers(update)]
        return any("tidak tersedia" in t or "tidak berlaku" in t for t in texts)
    replies = [m.plain or "" for m in bot.fake.sent[mark:] if m.chat_id == chat_id]
    return any(
        "tidak tersedia" in r or "belum terdaftar" in r or "hanya dapat ditambahkan" in r
        for r in replies
    )


@pytest.mark.parametrize("role", [*Role, None], ids=lambda r: r.value if r else "stranger")
async def test_every_command_and_button_is_allowed_or_refused_as_readme_says(
    bot: Bot, role: Role | None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    person = await _person(bot, role)
    assert (person["id"] == ADMIN_ID) is (role is Role.ADMIN)
    wrong = []
    for probe in _probes(bot):
        # Spaced out, so that the refusal rate limit never silences a reply here.
        bot.clock.advance(REFUSALS_ANSWERED.window / REFUSALS_ANSWERED.limit + timedelta(seconds=1))
        mark = bot.fake.mark()
        update = probe.send(bot, person)
        await bot.handled(update)
        refused = await _refusals(bot, update["update_id"], probe.subject)
        expected_refused = probe.row is None or not probe.row.allowed[role]
        chat_id = update.get("my_chat_member", {}).get("chat", {}).get("id", person["id"])
        if refused != int(expected_refused):
            wrong.append(f"{probe.name}: {refused} refusal rows, README says {expected_refused}")
        elif expected_refused and not _told_no(bot, update, mark, chat_id):
            wrong.append(f"{probe.name}: refused without telling the person")
        if probe.is_command and not refused:
            await bot.send(person, "/batal")  # leave any form the command opened
    assert wrong == []
    # An allowed command that crashed would not count as refused: no error may hide there.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
