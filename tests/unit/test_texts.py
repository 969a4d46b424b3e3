"""The catalogs: both languages say the same things, and every value is escaped."""

import re
import string
from datetime import UTC, date, datetime

import pytest

from domain.permissions import Action
from domain.roles import AgencyType, Role
from handlers.registry import COMMANDS
from texts import CATALOGS, MESSAGE_LIMIT, Html, Texts, language_of, split_message
from texts.formatting import format_day, format_instant, zone_abbreviation


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_catalogs_have_the_same_keys_and_placeholders() -> None:
    indonesian, english = CATALOGS["id"], CATALOGS["en"]
    assert set(indonesian) == set(english)
    for key in indonesian:
        assert placeholders(indonesian[key]) == placeholders(english[key]), key


def test_every_role_agency_type_and_command_has_words() -> None:
    for catalog in CATALOGS.values():
        for role in Role:
            assert f"role.{role.value}" in catalog
        for kind in AgencyType:
            assert f"agency_type.{kind.value}" in catalog
        for command in COMMANDS:
            assert 1 <= len(catalog[command.description_key]) <= 256


def test_menu_command_names_are_valid_for_telegram() -> None:
    for command in COMMANDS:
        for name in command.names:
            assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
        assert command.action is None or isinstance(command.action, Action)


def test_the_word_pks_is_never_used() -> None:
    for catalog in CATALOGS.values():
        for text in catalog.values():
            assert not re.search(r"\bPKS\b", text)


@pytest.mark.parametrize(
    ("code", "lang"), [("en", "en"), ("en-GB", "en"), ("id", "id"), (None, "id"), ("ms", "id")]
)
def test_english_follows_the_telegram_language(code: str | None, lang: str) -> None:
    assert language_of(code) == lang


def test_dynamic_values_are_escaped_but_rendered_markup_is_not() -> None:
    texts = Texts("id")
    rendered = texts("agency.saved", name="<b>Kejari</b> & co")
    assert "&lt;b&gt;Kejari&lt;/b&gt; &amp; co" in rendered
    nested = texts("help.known", commands=Html("<b>x</b>"))
    assert "<b>x</b>" in nested


def test_dates_are_written_the_indonesian_way() -> None:
    assert format_day(date(2025, 12, 8), "id") == "Senin, 8 Desember 2025"
    instant = datetime(2025, 12, 8, 0, 0, tzinfo=UTC)
    assert format_instant(instant, "Asia/Makassar", "id") == "Senin, 8 Desember 2025, 08.00 WITA"
    assert format_instant(instant, "Asia/Jakarta", "id").endswith("07.00 WIB")
    assert format_instant(instant, "Asia/Jayapura", "en") == "Monday, 8 December 2025, 09:00 WIT"
    assert zone_abbreviation("Asia/Pontianak") == "WIB"


def test_long_messages_split_at_lines_within_the_limit() -> None:
    text = "\n".join(f"• baris {i} " + "x" * 50 for i in range(300))
    parts = split_message(text)
    assert len(parts) > 1
    assert all(len(p) <= MESSAGE_LIMIT for p in parts)
    assert "\n".join(parts) == text


def test_a_single_overlong_line_is_cut() -> None:
    parts = split_message("y" * (MESSAGE_LIMIT * 2 + 5))
    assert [len(p) for p in parts] == [MESSAGE_LIMIT, MESSAGE_LIMIT, 5]


def test_durations_and_running_totals_are_never_overstated() -> None:
    from texts.formatting import format_duration, format_hours

    assert format_duration(120, "id") == "2 jam"
    assert format_duration(90, "id") == "1 jam 30 menit"
    assert format_duration(59, "id") == "59 menit"
    assert format_hours(5760) == "96"
    assert format_hours(59) == "0,9"
    assert format_hours(5730) == "95,5"
