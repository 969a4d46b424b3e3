"""README's "Commands per role" table and the permission table say the same thing."""

import pytest

from domain.permissions import may
from handlers.registry import COMMANDS, PUBLIC_MENU, CommandSpec
from tests.readme_matrix import COLUMNS, PHRASES, row_for_action, row_of, rows


def test_every_command_has_exactly_one_row_naming_both_its_names() -> None:
    for spec in COMMANDS:
        row = row_of(spec)
        for name in spec.names:
            assert f"`/{name}" in row.label or f"(`/{name}`)" in row.label, (name, row.label)


def test_every_row_is_about_something() -> None:
    assert len(rows()) >= len(PHRASES)
    for action in PHRASES.values():
        row_for_action(action)


@pytest.mark.parametrize("spec", COMMANDS, ids=lambda s: s.id_name)
def test_readme_matches_the_permission_table_for_each_command(spec: CommandSpec) -> None:
    row = row_of(spec)
    for role in COLUMNS:
        if role is None:
            code = spec.action is None or spec in PUBLIC_MENU
        else:
            code = spec.action is None or may({role}, spec.action)
        assert row.allowed[role] is code, f"/{spec.id_name} for {role or 'not registered'}"


@pytest.mark.parametrize("action", PHRASES.values())
def test_readme_matches_the_permission_table_for_buttons_and_files(action: object) -> None:
    row = row_for_action(action)  # type: ignore[arg-type]
    for role in COLUMNS:
        code = role is not None and may({role}, action)  # type: ignore[arg-type]
        assert row.allowed[role] is code, f"{row.label} for {role or 'not registered'}"
