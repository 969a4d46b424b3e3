"""README's "Commands per role" table, read as data, so the tests hold the code to it."""

import re
from dataclasses import dataclass
from pathlib import Path

from domain.permissions import Action
from domain.roles import Role
from handlers.registry import COMMANDS, CommandSpec

README = Path(__file__).resolve().parents[1] / "README.md"
#: The table's columns after the first; ``None`` is someone who is not registered.
COLUMNS: tuple[Role | None, ...] = (*Role, None)
#: What the table says with words instead of a command, and the action behind it.
PHRASES = {
    "sending a filled file": Action.IMPORT,
    "ruling an absence": Action.RULE_ABSENCE,
    "planning lost hours again": Action.ENFORCE,
    "adding the bot to a group": Action.LINK_GROUP,
    "marking a call made": Action.CALLS,
    "taking a case a Bapas was asked for": Action.TAKE_CASE,
}
_REFUSED = {"refused", "the bot leaves"}


@dataclass(frozen=True)
class Row:
    label: str
    commands: tuple[CommandSpec, ...]
    actions: tuple[Action, ...]  # from PHRASES
    allowed: dict[Role | None, bool]


def rows() -> list[Row]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("### Commands per role")
    header = next(i for i in range(start, len(lines)) if lines[i].startswith("| command |"))
    names = [c.strip() for c in lines[header].strip("|").split("|")][1:]
    expected = [r.value if r else "not registered" for r in COLUMNS]
    assert names == expected, f"README's columns changed: {names}"
    result = []
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.replace(r"\|", "/").strip("|").split("|")]
        label, values = cells[0], cells[1:]
        assert len(values) == len(COLUMNS), line
        commands = tuple(dict.fromkeys(_spec(n) for n in re.findall(r"`/([a-z_]+)", label)))
        actions = tuple(a for phrase, a in PHRASES.items() if phrase in label)
        assert commands or actions, f"README row names no command: {label}"
        allowed = {role: value not in _REFUSED for role, value in zip(COLUMNS, values, strict=True)}
        result.append(Row(label, commands, actions, allowed))
    return result


def _spec(name: str) -> CommandSpec:
    for spec in COMMANDS:
        if name in spec.names:
            return spec
    raise AssertionError(f"README names /{name}, which is no command of the bot")


def row_of(spec: CommandSpec) -> Row:
    [row] = [r for r in rows() if spec in r.commands]
    return row


def row_for_action(action: Action) -> Row:
    [row] = [r for r in rows() if action in r.actions]
    return row
