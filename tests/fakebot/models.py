"""Records the fake Bot API keeps, so tests can assert on what the bot did.

They are plain dataclasses rather than PTB objects on purpose: a test should see exactly what
went over the wire (the raw HTML the bot built, the decoded reply_markup dict), not PTB's
interpretation of it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ApiCall",
    "ApiError",
    "SentMessage",
    "StoredFile",
    "UploadedFile",
]

JsonDict = dict[str, Any]


class ApiError(Exception):
    """A Bot API failure to send back as ``{"ok": false, ...}``.

    Raised inside the fake's method implementations (and usable by test overrides) so that a
    single place turns it into the exact response shape PTB parses into its exceptions.
    """

    def __init__(self, status: int, description: str, parameters: JsonDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JsonDict:
        """The JSON body Telegram sends for this error."""
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class UploadedFile:
    """One multipart file part as the bot uploaded it."""

    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        # Reprs of calls end up in assertion messages; a megabyte of PNG bytes helps nobody.
        return (
            f"UploadedFile(filename={self.filename!r}, content_type={self.content_type!r}, "
            f"size={len(self.data)})"
        )


@dataclass
class StoredFile:
    """A file the fake can hand out through getFile and the /file/ download route."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None  # overrides len(data), to fake huge files cheaply

    @property
    def size(self) -> int:
        """The size Telegram reports, which may be a pretend size for "file is too big"."""
        return self.file_size if self.file_size is not None else len(self.data)


@dataclass
class ApiCall:
    """One HTTP request the bot made, with its parameters decoded to Python values."""

    method: str
    params: JsonDict
    at: float
    http_method: str = "POST"
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int = 0  # HTTP status answered; 0 while the request is still being handled
    result: Any = None
    error: str | None = None  # the error description when status != 200
    # The client had hung up before the answer was ready (PTB cancelling a long poll at
    # shutdown): nobody saw this answer, so it is left out of failure summaries.
    client_gone: bool = False

    @property
    def ok(self) -> bool:
        """Whether the fake answered ``{"ok": true}``."""
        return self.status == 200

    def __repr__(self) -> str:
        if self.status == 0:
            outcome = "pending"
        else:
            outcome = "ok" if self.ok else f"{self.status} {self.error}"
        return f"ApiCall({self.method} {self.params!r} -> {outcome})"


@dataclass
class SentMessage:
    """A message the bot sent, kept up to date by later edits and deletions.

    ``text`` and ``caption`` are what the bot sent (raw, with HTML tags); ``plain`` is what the
    user sees: the parsed text of a text message, or the parsed caption of a media message.
    """

    chat_id: int
    message_id: int
    method: str
    raw: JsonDict  # the Message object as the fake returned it (current state)
    text: str | None = None
    caption: str | None = None
    plain: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    parse_mode: str | None = None
    reply_markup: JsonDict | None = None
    photo: bytes | None = None
    document: bytes | None = None
    document_name: str | None = None
    mime_type: str | None = None
    file_id: str | None = None
    location: JsonDict | None = None
    reply_to_message_id: int | None = None
    params: JsonDict = field(default_factory=dict)
    at: float = 0.0
    edited: bool = False
    deleted: bool = False
    history: list[JsonDict] = field(default_factory=list)  # earlier states, oldest first

    # -- convenience for assertions ------------------------------------------------------

    def snapshot(self) -> JsonDict:
        """The editable state, as stored in ``history`` before an edit overwrites it."""
        return {
            "text": self.text,
            "caption": self.caption,
            "plain": self.plain,
            "entities": copy.deepcopy(self.entities),
            "parse_mode": self.parse_mode,
            "reply_markup": copy.deepcopy(self.reply_markup),
        }

    def buttons(self) -> list[JsonDict]:
        """Inline keyboard buttons in reading order (rows flattened)."""
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        return [button for row in self.reply_markup["inline_keyboard"] for button in row]

    def button_texts(self) -> list[str]:
        """Labels of the inline keyboard, to assert on what the user can tap."""
        return [str(b.get("text", "")) for b in self.buttons()]

    def callback_data(self) -> list[str]:
        """callback_data of every callback button, in reading order."""
        return [str(b["callback_data"]) for b in self.buttons() if "callback_data" in b]

    def find_button(self, text: str) -> JsonDict:
        """The button labelled ``text`` (exact match, else unique substring match)."""
        buttons = self.buttons()
        exact = [b for b in buttons if b.get("text") == text]
        if exact:
            return exact[0]
        partial = [b for b in buttons if text in str(b.get("text", ""))]
        if len(partial) == 1:
            return partial[0]
        raise AssertionError(
            f"No single button {text!r} on message {self.message_id} in chat {self.chat_id}; "
            f"buttons: {self.button_texts()}"
        )

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Labels of a reply keyboard (the one under the input field), if one was sent."""
        if not self.reply_markup or "keyboard" not in self.reply_markup:
            return None
        return [
            [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
            for row in self.reply_markup["keyboard"]
        ]

    def describe(self) -> str:
        """One line for assertion messages."""
        flags = "".join([" (edited)" if self.edited else "", " (deleted)" if self.deleted else ""])
        body = self.plain if self.plain is not None else self.method
        keys = f" buttons={self.button_texts()}" if self.buttons() else ""
        return f"#{self.message_id} -> {self.chat_id} {self.method}{flags}: {body!r}{keys}"
