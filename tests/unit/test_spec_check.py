"""The checker of recorded Bot API calls against the machine-readable Bot API spec."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from tests.fakebot import ApiCall, FakeBotApi, UploadedFile, make_png
from tests.fakebot.fixtures import make_bot
from tests.fakebot.spec import (
    ENV_VAR,
    assert_calls_conform,
    check_calls,
    default_spec_path,
    load_spec,
)

# A tiny spec in the real file's shape, so the checker's logic is tested even where the
# shared spec file is absent.
MINI_SPEC: dict[str, Any] = {
    "version": "Bot API test",
    "methods": {
        "sendMessage": {
            "name": "sendMessage",
            "fields": [
                {"name": "chat_id", "types": ["Integer", "String"], "required": True},
                {"name": "text", "types": ["String"], "required": True},
                {"name": "parse_mode", "types": ["String"], "required": False},
                {"name": "reply_markup", "types": ["InlineKeyboardMarkup"], "required": False},
                {"name": "disable_notification", "types": ["Boolean"], "required": False},
            ],
        },
        "sendPhoto": {
            "name": "sendPhoto",
            "fields": [
                {"name": "chat_id", "types": ["Integer", "String"], "required": True},
                {"name": "photo", "types": ["InputFile", "String"], "required": True},
            ],
        },
        "getMe": {"name": "getMe"},
    },
    "types": {},
}


def call(method: str, **params: Any) -> ApiCall:
    return ApiCall(method=method, params=params, at=0.0, status=200)


@pytest.fixture
def real_spec() -> dict[str, Any]:
    spec = load_spec()
    if spec is None:
        pytest.skip(f"Bot API spec not found at ${ENV_VAR} or {default_spec_path()}")
    return spec


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        api.create_user(1001, "Alice")
        yield api


def test_conforming_calls_have_no_problems() -> None:
    calls = [
        call("getMe"),
        call("sendMessage", chat_id=1, text="hi", parse_mode="HTML", disable_notification=True),
        call("sendMessage", chat_id="@channel", text="hi", reply_markup={"inline_keyboard": []}),
        call("sendPhoto", chat_id=1, photo=UploadedFile("a.png", "image/png", b"x")),
        call("SENDPHOTO", chat_id=1, photo="AgACfileid"),  # Telegram ignores method case
    ]
    assert check_calls(calls, MINI_SPEC) == []


def test_an_invented_method_is_reported() -> None:
    problems = check_calls([call("sendTelepathy", chat_id=1)], MINI_SPEC)
    assert problems == ["sendTelepathy: no such method in Bot API test"]


def test_a_missing_required_field_is_reported() -> None:
    problems = check_calls([call("sendMessage", chat_id=1)], MINI_SPEC)
    assert problems == ["sendMessage: required field 'text' is missing"]


def test_an_unknown_field_is_reported() -> None:
    problems = check_calls([call("sendMessage", chat_id=1, text="x", reply_to=5)], MINI_SPEC)
    assert problems == ["sendMessage: unknown field 'reply_to' (not a parameter of sendMessage)"]


def test_a_value_of_the_wrong_type_is_reported_once() -> None:
    bad = call("sendMessage", chat_id=1, text="x", reply_markup=["not", "an", "object"])
    problems = check_calls([bad, bad], MINI_SPEC)
    assert len(problems) == 1
    assert problems[0].startswith(
        "sendMessage: field 'reply_markup' should be InlineKeyboardMarkup, got list"
    )
    assert check_calls([bad], MINI_SPEC, check_types=False) == []


def test_form_encoded_values_count_as_their_decoded_types() -> None:
    calls = [
        call(
            "sendMessage",
            chat_id="1001",
            text="x",
            disable_notification="true",
            reply_markup='{"inline_keyboard": []}',
        )
    ]
    assert check_calls(calls, MINI_SPEC) == []


def test_load_spec_honours_the_environment_and_missing_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing.json"))
    assert load_spec() is None
    path = tmp_path / "api.json"
    path.write_text('{"version": "x", "methods": {}, "types": {}}', encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(path))
    assert load_spec() == {"version": "x", "methods": {}, "types": {}}
    assert default_spec_path().parts[-3:] == ("shared", "telegram-bot-api", "api.json")


def test_assert_calls_conform_lists_every_problem() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_calls_conform([call("sendMessage"), call("nope")], MINI_SPEC)
    text = str(caught.value)
    assert "required field 'chat_id'" in text
    assert "required field 'text'" in text
    assert "nope: no such method" in text


def test_the_real_spec_knows_the_methods_the_fake_serves(real_spec: dict[str, Any]) -> None:
    fake = FakeBotApi()
    served = set(fake._methods)
    assert served - set(real_spec["methods"]) == set()


async def test_real_ptb_calls_through_the_fake_conform(
    fake: FakeBotApi, real_spec: dict[str, Any]
) -> None:
    async with make_bot(fake) as bot:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="ya")]])
        message = await bot.send_message(
            1001,
            "<b>Halo</b>",
            parse_mode="HTML",
            reply_markup=markup,
            disable_notification=True,
            reply_to_message_id=None,
        )
        await bot.edit_message_text("Halo lagi", chat_id=1001, message_id=message.message_id)
        await bot.send_photo(1001, make_png(20, 20), caption="QR")
        await bot.send_location(1001, -8.65, 115.22)
        await bot.get_updates(offset=1, timeout=0, allowed_updates=["message"])
        await bot.set_my_commands([("start", "Mulai")], language_code="id")
    assert all(c.ok for c in fake.calls), fake.calls
    assert check_calls(fake.calls, real_spec) == []
    assert_calls_conform(fake.calls, real_spec)


async def test_a_misspelt_parameter_through_the_fake_is_caught(
    fake: FakeBotApi, real_spec: dict[str, Any]
) -> None:
    async with make_bot(fake) as bot:
        # api_kwargs is how a bot (or a wrong PTB version) sends a field Telegram ignores.
        await bot.send_message(1001, "hi", api_kwargs={"disable_web_preview": True})
    problems = check_calls(fake.calls, real_spec)
    assert problems == [
        "sendMessage: unknown field 'disable_web_preview' (not a parameter of sendMessage)"
    ]
