"""Parameter checks that Telegram applies and a permissive fake would silently skip.

Each check raises :class:`ApiError` with the description Telegram uses (or, where Telegram's
exact wording is not documented, a plausible one in the same style), so the bot's error
handling is exercised by the same strings it meets in production.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from .models import ApiError

__all__ = [
    "CALLBACK_DATA_MAX_BYTES",
    "INLINE_ACTION_FIELDS",
    "bad_request",
    "validate_commands",
    "validate_reply_markup",
]

CALLBACK_DATA_MAX_BYTES = 64
INLINE_ACTION_FIELDS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_MAX_INLINE_BUTTONS = 100
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_HOST_RE = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$|^\d{1,3}(\.\d{1,3}){3}$")


def bad_request(what: str, parameters: dict[str, Any] | None = None) -> ApiError:
    """A 400 with Telegram's "Bad Request: " prefix (which PTB strips and capitalises)."""
    return ApiError(400, f"Bad Request: {what}", parameters)


def _button_error(reason: str) -> ApiError:
    return bad_request(f"can't parse inline keyboard button: {reason}")


def _check_button_url(url: Any) -> None:
    """URL buttons must be http(s), tg:// or a bare host Telegram can prefix with http://."""
    if not isinstance(url, str):
        raise _button_error('Field "url" must be of type String')
    prefix = f"inline keyboard button URL '{url}' is invalid"
    if "://" in url:
        scheme = url.split("://", 1)[0].lower()
        if scheme == "tg":
            return
        if scheme not in ("http", "https"):
            raise bad_request(f"{prefix}: Unsupported URL protocol")
        host = urlsplit(url).hostname or ""
    else:
        host = urlsplit("http://" + url).hostname or ""
    if not host or not _HOST_RE.match(host):
        raise bad_request(f"{prefix}: Wrong HTTP URL")


def _validate_inline_keyboard(markup: dict[str, Any], chat_type: str | None) -> None:
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    if sum(len(row) for row in rows) > _MAX_INLINE_BUTTONS:
        raise bad_request("REPLY_MARKUP_TOO_LONG")
    for row in rows:
        for button in row:
            if not isinstance(button, dict):
                raise _button_error("InlineKeyboardButton must be an Object")
            text = button.get("text")
            if not isinstance(text, str):
                raise _button_error('Field "text" must be of type String')
            if not text.strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            actions = [name for name in INLINE_ACTION_FIELDS if button.get(name) is not None]
            if not actions:
                raise _button_error("Text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                raise _button_error(
                    f"exactly one of the optional fields must be used, found {', '.join(actions)}"
                )
            action = actions[0]
            if action == "callback_data":
                data = button["callback_data"]
                if not isinstance(data, str):
                    raise _button_error('Field "callback_data" must be of type String')
                if not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
            elif action == "url":
                _check_button_url(button["url"])
            elif action == "web_app" and chat_type not in (None, "private"):
                raise bad_request("BUTTON_TYPE_INVALID")


def _validate_reply_keyboard(markup: dict[str, Any]) -> None:
    rows = markup.get("keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('Field "keyboard" of the ReplyKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            text = (
                button
                if isinstance(button, str)
                else (button.get("text") if isinstance(button, dict) else None)
            )
            if not isinstance(text, str) or not text.strip():
                raise bad_request("keyboard button text must be non-empty")


def validate_reply_markup(markup: Any, chat_type: str | None = None) -> dict[str, Any] | None:
    """Check a decoded reply_markup and return it (None stays None)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _validate_inline_keyboard(markup, chat_type)
    elif "keyboard" in markup:
        _validate_reply_keyboard(markup)
    elif markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        pass
    else:
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def validate_commands(commands: Any) -> list[dict[str, str]]:
    """setMyCommands: 0-100 commands, names 1-32 of [a-z0-9_], descriptions 1-256 chars."""
    if commands is None:
        raise bad_request('parameter "commands" is required')
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    result: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name = item.get("command")
        description = item.get("description")
        if not isinstance(name, str) or not _COMMAND_RE.match(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not description.strip() or len(description) > 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        result.append({"command": name, "description": description})
    return result
