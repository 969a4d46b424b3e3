"""A local fake of the Telegram Bot API, served over real HTTP on 127.0.0.1.

Why HTTP and not a mocked ``telegram.Bot``: the bot under test talks to Telegram through
PTB's own request layer (form/multipart encoding, error mapping to ``BadRequest``,
``Forbidden``, ``RetryAfter``, ``ChatMigrated``, long polling with ``run_polling``). Faking
below that layer would skip exactly the code that breaks in production. So the fake speaks the
wire protocol, answers with the object shapes Telegram sends, and fails with Telegram's error
descriptions; tests drive it through helpers that play the human side (users typing, pressing
buttons, sending photos and locations) and then assert on what the bot sent.

Typical use::

    async with FakeBotApi() as fake:
        app = build_application(token=fake.token, base_url=fake.bot_base_url, ...)
        alice = fake.create_user(1001, "Alice")
        mark = fake.mark()
        fake.send_text(alice, "/start")
        [reply] = await fake.wait_sent(alice["id"], after=mark)
        assert "Selamat datang" in reply.plain
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import json
import logging
import math
import re
import secrets
import struct
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.clock import Clock

from .formatting import EntityParseError, ParsedText, parse_text, utf16_len
from .models import ApiCall, ApiError, SentMessage, StoredFile, UploadedFile
from .validation import bad_request, validate_commands, validate_reply_markup

__all__ = [
    "ApiCall",
    "ApiError",
    "FakeBotApi",
    "SentMessage",
    "StoredFile",
    "UploadedFile",
    "make_png",
]

_LOG = logging.getLogger(__name__)
JsonDict = dict[str, Any]
Override = Callable[[ApiCall], Any]

# -- request decoding -----------------------------------------------------------------------
# PTB sends every non-string value JSON-encoded inside form fields, so "123" may be an int
# (chat_id) or a text ("123" typed by the user). Decoding is by field name, never by content,
# except that unknown fields holding a JSON object or array are decoded too.
_TEXT_FIELDS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "url",
        "secret_token",
        "language_code",
        "title",
        "description",
        "short_description",
        "name",
        "parse_mode",
        "caption_parse_mode",
        "action",
        "emoji",
        "first_name",
        "last_name",
        "phone_number",
        "address",
        "query",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
        "photo",
        "document",
        "sticker",
        "video",
        "audio",
        "voice",
        "animation",
        "thumbnail",
        "certificate",
        "foursquare_id",
        "google_place_id",
        "vcard",
        "question",
        "game_short_name",
        "custom_emoji_id",
    }
)
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
        "commands",
        "scope",
        "media",
        "results",
        "permissions",
        "menu_button",
        "rights",
        "options",
        "reaction",
        "message_ids",
        "explanation_entities",
        "question_entities",
        "input_message_content",
        "prices",
        "suggested_post_parameters",
        "button",
        "web_app",
        "checklist",
    }
)
_INT_FIELDS = frozenset(
    {
        "message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "message_thread_id",
        "reply_to_message_id",
        "live_period",
        "heading",
        "proximity_alert_radius",
        "until_date",
        "cache_time",
        "max_connections",
        "width",
        "height",
        "duration",
        "direct_messages_topic_id",
        "sender_chat_id",
        "video_start_timestamp",
    }
)
_FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
_CHAT_ID_FIELDS = frozenset({"chat_id", "from_chat_id"})
_INT_RE = re.compile(r"^-?\d+$")
_ATTACH_PREFIX = "attach://"


def _decode_value(name: str, value: Any) -> Any:
    """Turn a form-encoded string back into the value the bot passed to PTB."""
    if not isinstance(value, str):
        if name in _CHAT_ID_FIELDS and isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    if name in _CHAT_ID_FIELDS:
        return int(value) if _INT_RE.match(value) else value
    if name in _TEXT_FIELDS:
        return value
    if name in _INT_FIELDS:
        return int(value) if _INT_RE.match(value.strip()) else value
    if name in _FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            return value
    if value in ("true", "false"):
        return value == "true"
    if name in _JSON_FIELDS or value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _attach_names(value: Any) -> set[str]:
    """Every ``attach://name`` reference inside a decoded parameter value."""
    if isinstance(value, str):
        return {value[len(_ATTACH_PREFIX) :]} if value.startswith(_ATTACH_PREFIX) else set()
    if isinstance(value, dict):
        return set().union(*(_attach_names(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_attach_names(v) for v in value)) if value else set()
    return set()


def _canonical(value: Any) -> str:
    """Order- and None-insensitive JSON, to compare markups and scopes like Telegram does."""

    def strip(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v

    return json.dumps(strip(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# -- Telegram constants ---------------------------------------------------------------------
MESSAGE_MAX_CHARS = 4096
CAPTION_MAX_CHARS = 1024
CALLBACK_ANSWER_MAX_CHARS = 200
DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024
UPLOAD_MAX_BYTES = 50 * 1024 * 1024
PHOTO_MAX_BYTES = 10 * 1024 * 1024
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
# Without an allowed_updates list Telegram delivers every type except these three.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_BOT_TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "setmydescription": ("description", 512),
    "getmydescription": ("description", 512),
    "setmyshortdescription": ("short_description", 120),
    "getmyshortdescription": ("short_description", 120),
    "setmyname": ("name", 64),
    "getmyname": ("name", 64),
}
# Message fields of ordinary user content; a message with none of them is a service message.
_USER_CONTENT_KEYS = frozenset(
    {
        "photo",
        "document",
        "location",
        "sticker",
        "contact",
        "video",
        "voice",
        "audio",
        "animation",
        "video_note",
        "poll",
        "venue",
        "dice",
    }
)
# setWebhook's secret_token: "1-256 characters. Only characters A-Z, a-z, 0-9, _ and -".
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_BOT_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


def _is_flood_counted(method: str) -> bool:
    """Messages (sends and edits) count towards Telegram's broadcast limits; reads do not."""
    if method == "sendChatAction":
        return False
    return method.startswith(("send", "edit", "copyMessage", "forwardMessage"))


# -- images ---------------------------------------------------------------------------------
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


_IDAT_CACHE: dict[tuple[int, int], bytes] = {}


def make_png(width: int = 64, height: int = 48, *, nonce: bytes = b"") -> bytes:
    """A valid grey PNG of the given size, made unique by ``nonce`` in a text chunk.

    The helpers that play users sending photos use it so that a bot which downloads the photo
    and re-uploads it (or decodes it) gets a real image, not random bytes.
    """
    idat = _IDAT_CACHE.get((width, height))
    if idat is None:
        raw = (b"\x00" + b"\x80" * width) * height
        idat = zlib.compress(raw, 9)
        _IDAT_CACHE[(width, height)] = idat
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        _PNG_MAGIC
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"tEXt", b"nonce\x00" + nonce)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, JPEG, GIF or WebP; None if the bytes are not an image."""
    if data.startswith(_PNG_MAGIC) and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return (512, 512)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            i += 2 + length
        return (800, 600)
    return None


def _scaled(width: int, height: int, side: int) -> tuple[int, int]:
    if max(width, height) <= side:
        return width, height
    ratio = side / max(width, height)
    return max(1, round(width * ratio)), max(1, round(height * ratio))


# -- flood control ---------------------------------------------------------------------------
@dataclass
class _Window:
    """Sliding window counter: at most ``limit`` events in any ``span`` seconds."""

    limit: int
    span: float

    def wait_needed(self, events: collections.deque[float], now: float) -> float:
        while events and events[0] <= now - self.span:
            events.popleft()
        if len(events) >= self.limit:
            return events[0] + self.span - now
        return 0.0


@dataclass
class _Bucket:
    """Token bucket: ``burst`` at once, then one every ``interval`` seconds ("about one a
    second in a private chat, short bursts allowed")."""

    burst: int
    interval: float

    def wait_needed(self, state: list[float], now: float) -> float:
        """``state`` is ``[tokens, stamp]``, or empty for a chat not seen yet."""
        if not state:
            state.extend([float(self.burst), now])
        tokens = min(self.burst, state[0] + (now - state[1]) / self.interval)
        state[:] = [tokens, now]
        return 0.0 if tokens >= 1.0 - 1e-9 else (1.0 - tokens) * self.interval

    @staticmethod
    def take(state: list[float]) -> None:
        state[0] -= 1.0


def _window_for_rate(per_second: float) -> _Window:
    if per_second >= 1:
        return _Window(int(per_second), 1.0)
    return _Window(1, 1.0 / per_second)


@dataclass
class _FailRule:
    remaining: int
    status: int
    description: str
    parameters: JsonDict | None
    methods: frozenset[str] | None


@dataclass
class _CallbackQuery:
    query_id: str
    answered: bool = False


class FakeBotApi:
    """A Telegram Bot API server for one bot, with helpers that play its users.

    All state lives in memory and every helper is synchronous except the ``wait_*`` ones, so a
    test reads as a script: create users, make them type, await what the bot sent.
    """

    def __init__(
        self,
        token: str = "123456:TEST-token",
        bot_username: str = "kerjasosial_test_bot",
        bot_id: int = 123456,
        *,
        first_name: str = "KerjaSosial Test",
        strict_ampersand: bool = True,
        validate_images: bool = True,
        privacy_mode: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.token = token
        #: Dates messages as Telegram would, by the test's clock (never the machine's).
        self.clock: Callable[[], datetime] = clock if clock is not None else Clock()
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.strict_ampersand = strict_ampersand
        self.validate_images = validate_images
        self.privacy_mode = privacy_mode
        self.bot_user: JsonDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": not privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

        # What tests assert on.
        self.calls: list[ApiCall] = []
        self.sent: list[SentMessage] = []
        self.updates: list[JsonDict] = []  # every update injected, in order
        self.callback_answers: dict[str, JsonDict] = {}
        self.too_many_requests = 0
        self.unimplemented: list[str] = []  # method names answered 404 (unknown to the fake)
        self.internal_errors: list[str] = []  # exceptions inside the fake itself
        self.webhook: JsonDict = {}

        # World state.
        self._users: dict[int, JsonDict] = {bot_id: self._public_user(self.bot_user)}
        self._chats: dict[int, JsonDict] = {
            bot_id: {
                "id": bot_id,
                "type": "private",
                "first_name": first_name,
                "username": bot_username,
            }
        }
        self._chat_usernames: dict[str, int] = {}
        self._blocked: set[int] = set()
        self._deactivated: set[int] = set()
        self._migrated: dict[int, int] = {}
        self._statuses: dict[tuple[int, int], str] = {}
        self._next_message_id: dict[int, int] = {}
        self._bot_messages: dict[tuple[int, int], SentMessage] = {}
        self._user_messages: dict[tuple[int, int], JsonDict] = {}
        self._callback_queries: dict[str, _CallbackQuery] = {}
        self._next_callback = 0
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._file_kinds: dict[str, str] = {}
        self._file_counter = 0
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._menu_buttons: dict[int | None, JsonDict] = {}

        # getUpdates.
        self._pending: list[JsonDict] = []
        self._redeliveries: list[JsonDict] = []
        self._next_update_id = 1
        self._delivered_up_to = 0
        #: The highest offset the bot confirmed: every update below it was acknowledged,
        #: and Telegram would never deliver it again.
        self.confirmed_offset = 0
        self._dropped: set[int] = set()
        self.withheld: list[JsonDict] = []  # group updates privacy mode kept from the bot
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._wakeup = asyncio.Event()

        # Flood control and fault injection.
        self._global_window: _Window | None = None
        self._chat_window: _Window | _Bucket | None = None
        self._chat_buckets: dict[Any, list[float]] = collections.defaultdict(list)
        self._group_window: _Window | None = None
        self._forced_retry_after: int | None = None
        self._global_events: collections.deque[float] = collections.deque()
        self._chat_events: dict[Any, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )
        self._group_events: dict[Any, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )
        self._fail_rules: list[_FailRule] = []
        self._delay = 0.0
        self._delay_methods: frozenset[str] | None = None
        self._delay_after_processing = False
        self._outage: str | None = None  # "502" or "timeout" while an outage lasts
        self._outage_until: float | None = None
        self._outage_methods: frozenset[str] | None = None
        self.outage_refused = 0  # requests the outage answered 502 or left hanging
        self._overrides: dict[str, Override] = {}

        # Server.
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = False
        self._in_flight = 0
        self._last_activity = time.monotonic()

        self._methods: dict[str, Callable[[ApiCall], Awaitable[Any]]] = {
            "getMe": self._api_get_me,
            "logOut": self._api_true,
            "close": self._api_true,
            "getUpdates": self._api_get_updates,
            "setWebhook": self._api_set_webhook,
            "deleteWebhook": self._api_delete_webhook,
            "getWebhookInfo": self._api_get_webhook_info,
            "setMyCommands": self._api_set_my_commands,
            "deleteMyCommands": self._api_delete_my_commands,
            "getMyCommands": self._api_get_my_commands,
            "setMyDescription": self._api_set_bot_text,
            "getMyDescription": self._api_get_bot_text,
            "setMyShortDescription": self._api_set_bot_text,
            "getMyShortDescription": self._api_get_bot_text,
            "setMyName": self._api_set_bot_text,
            "getMyName": self._api_get_bot_text,
            "setChatMenuButton": self._api_set_chat_menu_button,
            "getChatMenuButton": self._api_get_chat_menu_button,
            "setMyDefaultAdministratorRights": self._api_true,
            "sendMessage": self._api_send_message,
            "sendPhoto": self._api_send_photo,
            "sendDocument": self._api_send_document,
            "sendLocation": self._api_send_location,
            "sendMediaGroup": self._api_send_media_group,
            "sendChatAction": self._api_send_chat_action,
            "editMessageText": self._api_edit_message_text,
            "editMessageCaption": self._api_edit_message_caption,
            "editMessageReplyMarkup": self._api_edit_message_reply_markup,
            "deleteMessage": self._api_delete_message,
            "deleteMessages": self._api_delete_messages,
            "answerCallbackQuery": self._api_answer_callback_query,
            "getFile": self._api_get_file,
            "getChat": self._api_get_chat,
            "getChatMember": self._api_get_chat_member,
            "getChatAdministrators": self._api_get_chat_administrators,
            "getChatMemberCount": self._api_get_chat_member_count,
            "leaveChat": self._api_leave_chat,
            "pinChatMessage": self._api_pin_chat_message,
            "unpinChatMessage": self._api_chat_true,
            "unpinAllChatMessages": self._api_chat_true,
            "setMessageReaction": self._api_chat_true,
        }
        self._method_names = {name.lower(): name for name in self._methods}

    # ==========================================================================================
    # lifecycle
    # ==========================================================================================

    async def start(self) -> FakeBotApi:
        """Bind to a free port on 127.0.0.1 and start serving."""
        if self._runner is not None:
            return self
        self._closing = False
        app = web.Application(client_max_size=UPLOAD_MAX_BYTES + 4 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{file_path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server = site._server  # aiohttp exposes the bound socket only here
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self._port = int(sockets[0].getsockname()[1])
        self._runner = runner
        return self

    async def stop(self) -> None:
        """Release pending long polls (they answer with no updates) and close the server."""
        if self._runner is None:
            return
        self._closing = True
        self._wake()
        runner, self._runner = self._runner, None
        await runner.cleanup()
        self._port = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``; only valid between start() and stop()."""
        if self._port is None:
            raise RuntimeError("FakeBotApi is not running; call await fake.start() first")
        return f"http://127.0.0.1:{self._port}"

    @property
    def bot_base_url(self) -> str:
        """What to pass as PTB's ``base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """What to pass as PTB's ``base_file_url`` (PTB appends the token)."""
        return f"{self.url}/file/bot"

    # ==========================================================================================
    # inspection
    # ==========================================================================================

    def calls_of(self, method: str) -> list[ApiCall]:
        """Calls of one method (canonical camelCase name, matched case-insensitively)."""
        wanted = method.lower()
        return [c for c in self.calls if c.method.lower() == wanted]

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to a chat, oldest first (including later-deleted ones)."""
        return [m for m in self.sent if m.chat_id == chat_id]

    def last_sent(self, chat_id: int) -> SentMessage:
        """The newest message the bot sent to a chat; AssertionError if none."""
        messages = self.sent_to(chat_id)
        if not messages:
            raise AssertionError(f"The bot sent nothing to chat {chat_id}.\n{self.describe()}")
        return messages[-1]

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        """A bot message by id, in its current (possibly edited) state."""
        found = self._bot_messages.get((chat_id, message_id))
        if found is None:
            raise AssertionError(f"The bot never sent message {message_id} to chat {chat_id}")
        return found

    def commands_for(
        self, scope: JsonDict | None = None, language_code: str = ""
    ) -> list[tuple[str, str]]:
        """Commands set for exactly this scope and language, as (command, description)."""
        key = (self._scope_key(scope), language_code or "")
        return [(c["command"], c["description"]) for c in self._commands.get(key, [])]

    def mark(self) -> int:
        """An index into ``sent``; pass it as ``after=`` to wait only for newer messages."""
        return len(self.sent)

    @property
    def pending_updates(self) -> list[JsonDict]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return list(self._pending)

    def describe(self, last: int = 15) -> str:
        """A readable dump of recent traffic, for assertion messages."""
        lines = [f"Last {min(last, len(self.sent))} of {len(self.sent)} sent message(s):"]
        lines += [f"  {m.describe()}" for m in self.sent[-last:]]
        failed = [c for c in self.calls if c.status not in (0, 200) and not c.client_gone]
        if failed:
            lines.append(f"Last failed API calls ({len(failed)} in total):")
            lines += [f"  {c!r}" for c in failed[-8:]]
        undelivered = [u["update_id"] for u in self.updates if not self._is_consumed(u)]
        if undelivered:
            lines.append(f"Updates not yet fetched by the bot: {undelivered}")
        if self.withheld:
            ids = [u["update_id"] for u in self.withheld]
            lines.append(
                f"Group updates withheld by privacy mode (bot not admin): {ids}; "
                "use FakeBotApi(privacy_mode=False) or make the bot an administrator"
            )
        return "\n".join(lines)

    # ==========================================================================================
    # world setup
    # ==========================================================================================

    def create_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        *,
        is_premium: bool | None = None,
    ) -> JsonDict:
        """A human Telegram user who has started the bot; registers their private chat."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        if is_premium:
            user["is_premium"] = True
        self._users[user_id] = user
        chat: JsonDict = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name is not None:
            chat["last_name"] = last_name
        if username is not None:
            chat["username"] = username
        self._chats[user_id] = chat
        return copy.deepcopy(user)

    def create_group(
        self,
        chat_id: int,
        title: str,
        type: str = "group",
        *,
        username: str | None = None,
        bot_status: str = "member",
    ) -> JsonDict:
        """A group/supergroup the bot is in (``bot_status``), known to every chat_id check."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if type not in ("group", "supergroup", "channel"):
            raise ValueError(f"unsupported chat type {type!r}")
        chat: JsonDict = {"id": chat_id, "type": type, "title": title}
        if username is not None:
            chat["username"] = username
            self._chat_usernames[username.lower()] = chat_id
        self._chats[chat_id] = chat
        self._statuses[(chat_id, self.bot_id)] = bot_status
        return copy.deepcopy(chat)

    def add_member(
        self, chat: JsonDict | int, user: JsonDict | int, status: str = "member"
    ) -> None:
        """Put a user in a group with a status (member, administrator, creator, ...)."""
        self._statuses[(self._chat_id_of(chat), self._user_of(user)["id"])] = status

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Change what getChatMember reports (also for the bot itself)."""
        self._statuses[(chat_id, user_id)] = status

    def block(self, user_id: int) -> None:
        """The user blocked the bot: every send to them fails with 403."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """The user restarted the bot."""
        self._blocked.discard(user_id)

    def deactivate(self, user_id: int) -> None:
        """The user deleted their account: sends fail with "user is deactivated"."""
        self._deactivated.add(user_id)

    def migrate_group(self, old_id: int, new_id: int, *, notify: bool = False) -> list[JsonDict]:
        """Upgrade a group to a supergroup: the old id answers "group chat was upgraded".

        With ``notify`` the two service messages Telegram sends are queued as updates (and
        returned), so the bot can learn the new id the way it would in production.
        """
        old = self._chats.get(old_id)
        if old is None:
            raise ValueError(f"unknown group {old_id}")
        if not str(new_id).startswith("-100"):
            raise ValueError("supergroup ids start with -100")
        new = self.create_group(new_id, old.get("title", ""), "supergroup")
        for (chat_id, user_id), status in list(self._statuses.items()):
            if chat_id == old_id:
                self._statuses[(new_id, user_id)] = status
        self._migrated[old_id] = new_id
        if not notify:
            return []
        date = self._date()
        return [
            self.inject(
                {
                    "message": {
                        "message_id": self._next_id(old_id),
                        "date": date,
                        "chat": self._chat_short(old),
                        "migrate_to_chat_id": new_id,
                    }
                }
            ),
            self.inject(
                {
                    "message": {
                        "message_id": self._next_id(new_id),
                        "date": date,
                        "chat": self._chat_short(new),
                        "migrate_from_chat_id": old_id,
                    }
                }
            ),
        ]

    def add_file(
        self,
        data: bytes,
        file_name: str | None = None,
        mime_type: str | None = None,
        *,
        kind: str = "document",
        file_size: int | None = None,
    ) -> tuple[str, str]:
        """Make ``data`` downloadable through getFile; returns (file_id, file_unique_id).

        ``file_size`` pretends the file is that big (to test "file is too big" without
        allocating 20 MB).
        """
        stored = self._store_file(data, file_name, mime_type, kind=kind, file_size=file_size)
        return stored.file_id, stored.file_unique_id

    def file(self, file_id: str) -> StoredFile:
        """A stored file (uploaded by the bot or added by the test)."""
        return self._files[file_id]

    # -- flood control and faults ---------------------------------------------------------

    def set_flood_limits(
        self,
        global_per_second: float | None = 30,
        per_chat_per_second: float | None = 1.0,
        per_group_per_minute: int | None = 20,
        *,
        per_chat_burst: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Turn on Telegram-like broadcast limits (sliding windows) for sends and edits.

        ``per_chat_burst`` makes the per-chat limit a token bucket instead: that many at
        once, then ``per_chat_per_second``. Over a limit the fake answers 429 "Too Many
        Requests: retry after N" with ``parameters.retry_after``; N is the time until the
        window frees up (at least 1 s), or ``retry_after`` if given. A limit of None is no
        limit.
        """
        self._global_window = _Window(int(global_per_second), 1.0) if global_per_second else None
        self._chat_window = (
            None
            if not per_chat_per_second
            else _Bucket(per_chat_burst, 1.0 / per_chat_per_second)
            if per_chat_burst
            else _window_for_rate(per_chat_per_second)
        )
        self._chat_buckets.clear()
        self._group_window = _Window(per_group_per_minute, 60.0) if per_group_per_minute else None
        self._forced_retry_after = retry_after

    def clear_flood_limits(self) -> None:
        """Back to no flood control (the default)."""
        self._global_window = self._chat_window = self._group_window = None

    def fail_next(
        self,
        n: int = 1,
        status: int = 502,
        *,
        description: str | None = None,
        parameters: JsonDict | None = None,
        methods: Iterable[str] | None = None,
    ) -> None:
        """The next ``n`` requests (of ``methods`` only, if given) fail with ``status``.

        With a bot polling in the background, getUpdates requests count too: pass
        ``methods=["sendMessage"]`` to hit only what the test is about.
        """
        wanted = frozenset(m.lower() for m in methods) if methods is not None else None
        if description is None:
            try:
                description = HTTPStatus(status).phrase
            except ValueError:
                description = "Unknown Error"
        self._fail_rules.append(_FailRule(n, status, description, parameters, wanted))

    def set_delay(
        self,
        seconds: float,
        *,
        methods: Iterable[str] | None = None,
        after_processing: bool = False,
    ) -> None:
        """Delay responses (to provoke client timeouts).

        ``after_processing=True`` performs the call first and then delays the answer: the
        message is delivered even though the bot times out, the case that makes a naive retry
        send duplicates.
        """
        self._delay = seconds
        self._delay_methods = frozenset(m.lower() for m in methods) if methods else None
        self._delay_after_processing = after_processing

    def set_outage(
        self,
        on: bool,
        *,
        kind: str = "502",
        seconds: float | None = None,
        methods: Iterable[str] | None = None,
    ) -> None:
        """While on, every request (of ``methods`` only, if given) fails without being handled.

        ``kind="502"`` answers 502 Bad Gateway at once, as a proxy in front of a dead Bot API
        does. ``kind="timeout"`` holds the request unanswered, so the client's own read
        timeout fires; once the outage ends a request still held gets 504 and was not handled.
        ``seconds`` ends the outage by itself after that long; ``set_outage(False)`` ends it now.
        """
        if kind not in ("502", "timeout"):
            raise ValueError(f"unknown outage kind {kind!r}")
        self._outage = kind if on else None
        self._outage_until = time.monotonic() + seconds if on and seconds is not None else None
        self._outage_methods = frozenset(m.lower() for m in methods) if methods else None
        self._wake()

    def _outage_now(self, method: str) -> str | None:
        ended = self._outage_until is not None and time.monotonic() >= self._outage_until
        if ended:
            self._outage = self._outage_until = None
        if self._outage_methods is not None and method.lower() not in self._outage_methods:
            return None
        return self._outage

    def override(self, method: str, handler: Override | None) -> None:
        """Replace one method's behaviour: ``handler(call)`` returns the result or raises
        :class:`ApiError`; it may be async. ``None`` restores the built-in behaviour."""
        name = self._method_names.get(method.lower(), method)
        self._method_names.setdefault(method.lower(), name)
        if handler is None:
            self._overrides.pop(name, None)
        else:
            self._overrides[name] = handler

    # ==========================================================================================
    # the human side: updates
    # ==========================================================================================

    def inject(self, update: JsonDict) -> JsonDict:
        """Queue a raw update (without update_id) for the bot's next getUpdates."""
        queued = copy.deepcopy(update)
        queued.pop("update_id", None)
        queued = {"update_id": self._next_update_id, **queued}
        self._next_update_id += 1
        self.updates.append(queued)
        if self._withheld_by_privacy(queued):
            self.withheld.append(queued)
            self._dropped.add(int(queued["update_id"]))
        else:
            self._pending.append(queued)
            self._wake()
        return copy.deepcopy(queued)

    def redeliver(self, update: JsonDict) -> JsonDict:
        """Deliver an already-delivered update again, with the same update_id.

        Telegram does this when a bot stopped before confirming what it fetched; the bot
        must recognise the update_id and not act twice.
        """
        again = copy.deepcopy(update)
        self._redeliveries.append(again)
        self._wake()
        return copy.deepcopy(again)

    def _withheld_by_privacy(self, update: JsonDict) -> bool:
        """Whether privacy mode keeps this group message from the bot, as Telegram would.

        In groups where it is not an administrator, a bot in privacy mode (the default, and
        what getMe's ``can_read_all_group_messages: false`` says) receives only commands
        (``/cmd`` or ``/cmd@this_bot``), replies to its own messages and service messages.
        """
        if not self.privacy_mode:
            return False
        message = update.get("message") or update.get("edited_message")
        if not isinstance(message, dict):
            return False
        chat = message.get("chat") or {}
        if chat.get("type") not in ("group", "supergroup"):
            return False
        bot_status = self._statuses.get((int(chat.get("id", 0)), self.bot_id), "member")
        if bot_status in ("administrator", "creator"):
            return False
        reply = message.get("reply_to_message") or {}
        if (reply.get("from") or {}).get("id") == self.bot_id:
            return False
        text = message.get("text") or message.get("caption")
        if isinstance(text, str):
            command = _BOT_COMMAND_RE.match(text)
            if command is None:
                return True
            _, _, addressee = command.group(0).partition("@")
            return bool(addressee) and addressee.lower() != self.bot_username.lower()
        return any(key in message for key in _USER_CONTENT_KEYS)

    def send_text(
        self,
        user: JsonDict | int,
        text: str,
        chat: JsonDict | int | None = None,
        reply_to: JsonDict | SentMessage | None = None,
        *,
        date: int | None = None,
        entities: list[JsonDict] | None = None,
    ) -> JsonDict:
        """The user types ``text`` in their private chat (or in ``chat``)."""
        content: JsonDict = {"text": text}
        found = entities if entities is not None else self._command_entities(text)
        if found:
            content["entities"] = found
        message = self._user_message(user, chat, content, date=date, reply_to=reply_to)
        return self.inject({"message": message})

    def send_photo(
        self,
        user: JsonDict | int,
        caption: str | None = None,
        data: bytes | None = None,
        size: tuple[int, int] = (1280, 960),
        chat: JsonDict | int | None = None,
        *,
        date: int | None = None,
    ) -> JsonDict:
        """The user sends a photo; the largest PhotoSize downloads as ``data`` (default: a PNG)."""
        if data is None:
            data = make_png(*size, nonce=secrets.token_bytes(8))
        stored = self._store_file(data, None, "image/jpeg", kind="photo")
        content: JsonDict = {"photo": self._photo_sizes(stored, size)}
        if caption is not None:
            content["caption"] = caption
            found = self._command_entities(caption)
            if found:
                content["caption_entities"] = found
        message = self._user_message(user, chat, content, date=date)
        return self.inject({"message": message})

    def send_document(
        self,
        user: JsonDict | int,
        data: bytes,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        chat: JsonDict | int | None = None,
        *,
        date: int | None = None,
    ) -> JsonDict:
        """The user sends a file."""
        stored = self._store_file(data, file_name, mime_type, kind="document")
        content: JsonDict = {"document": self._document_dict(stored)}
        if caption is not None:
            content["caption"] = caption
            found = self._command_entities(caption)
            if found:
                content["caption_entities"] = found
        message = self._user_message(user, chat, content, date=date)
        return self.inject({"message": message})

    def send_location(
        self,
        user: JsonDict | int,
        latitude: float,
        longitude: float,
        live_period: int | None = None,
        chat: JsonDict | int | None = None,
        *,
        horizontal_accuracy: float | None = None,
        date: int | None = None,
    ) -> JsonDict:
        """The user shares a (live, if ``live_period``) location."""
        location: JsonDict = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        message = self._user_message(user, chat, {"location": location}, date=date)
        return self.inject({"message": message})

    def move_live_location(
        self,
        original_update: JsonDict,
        latitude: float,
        longitude: float,
        *,
        date: int | None = None,
    ) -> JsonDict:
        """A live location moved: Telegram sends it as an edited_message."""
        message = copy.deepcopy(original_update["message"])
        message["location"].update({"latitude": latitude, "longitude": longitude})
        message["edit_date"] = date if date is not None else self._date()
        self._user_messages[(message["chat"]["id"], message["message_id"])] = message
        return self.inject({"edited_message": message})

    def send_sticker(
        self,
        user: JsonDict | int,
        chat: JsonDict | int | None = None,
        *,
        emoji: str = "👍",
        date: int | None = None,
    ) -> JsonDict:
        """The user sends a sticker (input no command handler expects)."""
        stored = self._store_file(
            make_png(8, 8, nonce=secrets.token_bytes(4)), None, "image/webp", kind="sticker"
        )
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.size,
        }
        message = self._user_message(user, chat, {"sticker": sticker}, date=date)
        return self.inject({"message": message})

    def send_contact(
        self,
        user: JsonDict | int,
        phone: str,
        first_name: str,
        chat: JsonDict | int | None = None,
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        date: int | None = None,
    ) -> JsonDict:
        """The user shares a contact card (possibly not their own: ``user_id`` differs)."""
        contact: JsonDict = {"phone_number": phone, "first_name": first_name}
        if last_name is not None:
            contact["last_name"] = last_name
        if user_id is not None:
            contact["user_id"] = user_id
        message = self._user_message(user, chat, {"contact": contact}, date=date)
        return self.inject({"message": message})

    def press(
        self,
        user: JsonDict | int,
        message: SentMessage | JsonDict,
        data: str,
        chat: JsonDict | int | None = None,
        *,
        date: int | None = None,
    ) -> JsonDict:
        """The user taps an inline button with ``data`` under ``message`` (any data: a
        hostile client can send what it likes). The query can be answered once."""
        del date  # callback queries carry no date; accepted for symmetry with other helpers
        if isinstance(message, SentMessage):
            if message.deleted:
                raise AssertionError(
                    f"Message {message.message_id} in chat {message.chat_id} was deleted by "
                    "the bot; nobody can press its buttons"
                )
            msg = copy.deepcopy(message.raw)
        elif "update_id" in message:
            msg = copy.deepcopy(message.get("message") or message.get("edited_message") or {})
        else:
            msg = copy.deepcopy(message)
        if chat is not None:
            msg["chat"] = self._chat_short(self._chats[self._chat_id_of(chat)])
        self._next_callback += 1
        query_id = str(4_000_000_000_000_000 + self._next_callback * 7919)
        self._callback_queries[query_id] = _CallbackQuery(query_id)
        chat_id = msg.get("chat", {}).get("id", 0)
        query: JsonDict = {
            "id": query_id,
            "from": self._user_of(user),
            "message": msg,
            "chat_instance": str(-(abs(int(chat_id)) * 31 + 17)),
            "data": data,
        }
        return self.inject({"callback_query": query})

    def press_button(
        self,
        user: JsonDict | int,
        message: SentMessage,
        text: str,
    ) -> JsonDict:
        """Tap the callback button labelled ``text`` (AssertionError lists the labels if none)."""
        button = message.find_button(text)
        if "callback_data" not in button:
            raise AssertionError(f"Button {text!r} is not a callback button: {button}")
        return self.press(user, message, str(button["callback_data"]))

    def edit_text(
        self,
        user: JsonDict | int,
        original_update: JsonDict,
        new_text: str,
        *,
        date: int | None = None,
    ) -> JsonDict:
        """The user edits a text message they sent earlier."""
        del user  # only the author can edit; the original message already names them
        message = copy.deepcopy(original_update["message"])
        message["text"] = new_text
        message.pop("entities", None)
        found = self._command_entities(new_text)
        if found:
            message["entities"] = found
        message["edit_date"] = date if date is not None else self._date()
        self._user_messages[(message["chat"]["id"], message["message_id"])] = message
        return self.inject({"edited_message": message})

    def chat_member_update(
        self,
        chat: JsonDict | int,
        actor_user: JsonDict | int,
        old_status: str,
        new_status: str,
        *,
        date: int | None = None,
    ) -> JsonDict:
        """``actor_user`` changed the bot's status in a group (added, promoted, kicked)."""
        chat_id = self._chat_id_of(chat)
        if chat_id not in self._chats and isinstance(chat, dict):
            self._chats[chat_id] = {k: chat[k] for k in ("id", "type", "title") if k in chat}
        chat_obj = self._chats[chat_id]
        self._statuses[(chat_id, self.bot_id)] = new_status
        update = {
            "my_chat_member": {
                "chat": self._chat_short(chat_obj),
                "from": self._user_of(actor_user),
                "date": date if date is not None else self._date(),
                "old_chat_member": self._member_dict(self._public_user(self.bot_user), old_status),
                "new_chat_member": self._member_dict(self._public_user(self.bot_user), new_status),
            }
        }
        return self.inject(update)

    # ==========================================================================================
    # waiting
    # ==========================================================================================

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,
        *,
        message: str = "condition",
    ) -> Any:
        """Poll ``predicate`` until it returns something truthy, and return that."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"Timed out after {timeout}s waiting for {message}.\n{self.describe()}"
                )
            await asyncio.sleep(0.005)

    async def wait_sent(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 5.0,
        after: int | None = None,
    ) -> list[SentMessage]:
        """Wait until the bot sent ``count`` messages to ``chat_id`` since ``after`` (an index
        from :meth:`mark`; default 0) and return all of them."""
        start = after or 0

        def new_messages() -> list[SentMessage]:
            return [m for m in self.sent[start:] if m.chat_id == chat_id]

        await self.wait_for(
            lambda: len(new_messages()) >= count,
            timeout,
            message=f"{count} message(s) to chat {chat_id} after sent index {start} "
            f"(got {len(new_messages())})",
        )
        return new_messages()

    async def wait_updates_consumed(self, timeout: float = 5.0) -> None:
        """Wait until getUpdates has handed every injected update to the bot."""
        await self.wait_for(
            lambda: all(self._is_consumed(u) for u in self.updates),
            timeout,
            message="the bot to fetch every injected update",
        )

    async def wait_quiet(self, quiet: float = 0.1, timeout: float = 5.0) -> None:
        """Wait until updates are consumed and the bot made no API call for ``quiet`` seconds.

        The way to assert the bot did *not* answer: a handler that is still thinking without
        calling the API for longer than ``quiet`` would be missed, so keep it generous.
        """
        await self.wait_updates_consumed(timeout)
        await self.wait_for(
            lambda: self._in_flight == 0 and time.monotonic() - self._last_activity >= quiet,
            timeout,
            message=f"{quiet}s without API calls",
        )

    # ==========================================================================================
    # HTTP layer
    # ==========================================================================================

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        stored = self._files_by_path.get(request.match_info["file_path"])
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        raw_name = request.match_info["method"]
        method = self._method_names.get(raw_name.lower())
        params, files = await self._read_params(request)
        call = ApiCall(
            method=method or raw_name,
            params=params,
            at=time.monotonic(),
            http_method=request.method,
            files=files,
        )
        self.calls.append(call)
        counted = call.method != "getUpdates"
        if counted:
            self._in_flight += 1
            self._last_activity = time.monotonic()
        try:
            status, body = await self._respond(call, method)
        finally:
            if counted:
                self._in_flight -= 1
                self._last_activity = time.monotonic()
        call.status = status
        transport = request.transport
        call.client_gone = transport is None or transport.is_closing()
        if body.get("ok"):
            call.result = body.get("result")
        else:
            call.error = body.get("description")
        return web.json_response(body, status=status, dumps=_dumps)

    async def _respond(self, call: ApiCall, method: str | None) -> tuple[int, JsonDict]:
        delayed = self._delay > 0 and (
            self._delay_methods is None or call.method.lower() in self._delay_methods
        )
        if delayed and not self._delay_after_processing:
            await asyncio.sleep(self._delay)
        try:
            await self._check_faults(call)
            if method is None:
                self.unimplemented.append(call.method)
                raise ApiError(404, "Not Found")
            result = await self._run(call, method)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as err:
            if err.status == 429:
                self.too_many_requests += 1
            status, body = err.status, err.body()
        except Exception as err:  # a bug in the fake must not look like a network error
            _LOG.exception("FakeBotApi failed to handle %s", call.method)
            self.internal_errors.append(f"{call.method}: {err!r}")
            status = 500
            body = {
                "ok": False,
                "error_code": 500,
                "description": f"Internal Server Error: fake Bot API bug: {err!r}",
            }
        if delayed and self._delay_after_processing:
            await asyncio.sleep(self._delay)
        return status, body

    async def _check_faults(self, call: ApiCall) -> None:
        outage = self._outage_now(call.method)
        if outage is not None:
            self.outage_refused += 1
        if outage == "502":
            raise ApiError(502, "Bad Gateway")
        if outage == "timeout":
            while self._outage_now(call.method) is not None and not self._closing:
                await asyncio.sleep(0.05)
            raise ApiError(504, "Gateway Timeout")
        name = call.method.lower()
        for rule in self._fail_rules:
            if rule.remaining > 0 and (rule.methods is None or name in rule.methods):
                rule.remaining -= 1
                self._fail_rules = [r for r in self._fail_rules if r.remaining > 0]
                raise ApiError(rule.status, rule.description, rule.parameters)

    async def _run(self, call: ApiCall, method: str) -> Any:
        override = self._overrides.get(method)
        if override is None and method not in self._methods:
            raise ApiError(404, "Not Found")
        flood_key = self._flood_check(call) if _is_flood_counted(method) else None
        if override is not None:
            result = override(call)
            if asyncio.iscoroutine(result) or isinstance(result, Awaitable):
                result = await result
        else:
            result = await self._methods[method](call)
        if flood_key is not None:
            self._flood_record(flood_key)
        return result

    async def _read_params(self, request: web.Request) -> tuple[JsonDict, dict[str, UploadedFile]]:
        """Decode query string, urlencoded, multipart and JSON bodies into typed params."""
        raw: JsonDict = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.method != "GET" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.read()
                if body.strip():
                    try:
                        loaded = json.loads(body)
                    except ValueError:
                        loaded = {}
                    if isinstance(loaded, dict):
                        raw.update(loaded)
            elif request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = UploadedFile(
                            value.filename, value.content_type, value.file.read()
                        )
                    else:
                        raw[key] = value
        params = {key: _decode_value(key, value) for key, value in raw.items()}
        attached = _attach_names(params)
        for key, upload in files.items():
            if key not in attached:
                params[key] = upload
        return params, files

    # ==========================================================================================
    # flood control
    # ==========================================================================================

    def _flood_check(self, call: ApiCall) -> Any:
        chat_key = call.params.get("chat_id", call.params.get("inline_message_id"))
        now = time.monotonic()
        waits = [0.0]
        if self._global_window is not None:
            waits.append(self._global_window.wait_needed(self._global_events, now))
        if isinstance(self._chat_window, _Bucket) and chat_key is not None:
            waits.append(self._chat_window.wait_needed(self._chat_buckets[chat_key], now))
        elif self._chat_window is not None and chat_key is not None:
            waits.append(self._chat_window.wait_needed(self._chat_events[chat_key], now))
        is_group = isinstance(chat_key, int) and chat_key < 0
        if self._group_window is not None and is_group:
            waits.append(self._group_window.wait_needed(self._group_events[chat_key], now))
        wait = max(waits)
        if wait > 0:
            retry = self._forced_retry_after or max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        return chat_key if chat_key is not None else ""

    def _flood_record(self, chat_key: Any) -> None:
        now = time.monotonic()
        self._global_events.append(now)
        if chat_key != "":
            self._chat_events[chat_key].append(now)
            if isinstance(self._chat_window, _Bucket):
                _Bucket.take(self._chat_buckets[chat_key])
            if isinstance(chat_key, int) and chat_key < 0:
                self._group_events[chat_key].append(now)

    # ==========================================================================================
    # internals shared by the methods
    # ==========================================================================================

    def _wake(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    @staticmethod
    def _public_user(user: JsonDict) -> JsonDict:
        """A User as it appears inside other objects (no getMe-only capability fields)."""
        keys = (
            "id",
            "is_bot",
            "first_name",
            "last_name",
            "username",
            "language_code",
            "is_premium",
        )
        return {k: user[k] for k in keys if k in user}

    def _user_of(self, user: JsonDict | int) -> JsonDict:
        user_id = user if isinstance(user, int) else int(user["id"])
        if user_id not in self._users:
            raise ValueError(f"unknown user {user_id}; create it with fake.create_user() first")
        return copy.deepcopy(self._users[user_id])

    @staticmethod
    def _chat_id_of(chat: JsonDict | int) -> int:
        return chat if isinstance(chat, int) else int(chat["id"])

    @staticmethod
    def _chat_short(chat: JsonDict) -> JsonDict:
        return copy.deepcopy(chat)

    def _date(self) -> int:
        """Unix seconds by the test's clock, as Telegram dates a message."""
        return int(self.clock().timestamp())

    def _next_id(self, chat_id: int) -> int:
        value = self._next_message_id.get(chat_id, 0) + 1
        self._next_message_id[chat_id] = value
        return value

    def _command_entities(self, text: str) -> list[JsonDict]:
        match = _BOT_COMMAND_RE.match(text)
        if match is None:
            return []
        return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]

    def _user_message(
        self,
        user: JsonDict | int,
        chat: JsonDict | int | None,
        content: JsonDict,
        *,
        date: int | None,
        reply_to: JsonDict | SentMessage | None = None,
    ) -> JsonDict:
        sender = self._user_of(user)
        chat_id = sender["id"] if chat is None else self._chat_id_of(chat)
        if chat_id not in self._chats:
            raise ValueError(f"unknown chat {chat_id}; create it with create_group() first")
        if chat_id < 0 and (chat_id, sender["id"]) not in self._statuses:
            self._statuses[(chat_id, sender["id"])] = "member"
        message: JsonDict = {
            "message_id": self._next_id(chat_id),
            "from": sender,
            "chat": self._chat_short(self._chats[chat_id]),
            "date": date if date is not None else self._date(),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = self._as_reply(reply_to)
        self._user_messages[(chat_id, message["message_id"])] = message
        return message

    @staticmethod
    def _as_reply(target: JsonDict | SentMessage) -> JsonDict:
        if isinstance(target, SentMessage):
            replied = copy.deepcopy(target.raw)
        elif "update_id" in target:
            replied = copy.deepcopy(target.get("message") or {})
        else:
            replied = copy.deepcopy(target)
        replied.pop("reply_to_message", None)
        return replied

    def _member_dict(self, user: JsonDict, status: str) -> JsonDict:
        """A ChatMember of the right subtype with every field PTB requires."""
        member: JsonDict = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
                can_pin_messages=True,
            )
        elif status == "restricted":
            member.update(
                is_member=True,
                can_send_messages=False,
                can_send_audios=False,
                can_send_documents=False,
                can_send_photos=False,
                can_send_videos=False,
                can_send_video_notes=False,
                can_send_voice_notes=False,
                can_send_polls=False,
                can_send_other_messages=False,
                can_add_web_page_previews=False,
                can_react_to_messages=False,
                can_edit_tag=False,
                can_change_info=False,
                can_invite_users=False,
                can_pin_messages=False,
                can_manage_topics=False,
                until_date=0,
            )
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _is_consumed(self, update: JsonDict) -> bool:
        uid = int(update["update_id"])
        return uid <= self._delivered_up_to or uid in self._dropped

    # -- chats ----------------------------------------------------------------------------

    def _resolve_chat(self, value: Any, *, sending: bool = False) -> JsonDict:
        """The chat ``chat_id`` names, with Telegram's errors for every way it can be wrong."""
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        chat_id: int | None
        if isinstance(value, str) and value.startswith("@"):
            chat_id = self._chat_usernames.get(value[1:].lower())
        elif isinstance(value, int) and not isinstance(value, bool):
            chat_id = value
        else:
            chat_id = None
        if chat_id is None:
            raise bad_request("chat not found")
        if chat_id in self._migrated:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        chat = self._chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        if sending:
            self._check_can_send(chat)
        return chat

    def _check_can_send(self, chat: JsonDict) -> None:
        chat_id = int(chat["id"])
        if chat["type"] == "private":
            user = self._users.get(chat_id, {})
            if user.get("is_bot"):
                raise ApiError(403, "Forbidden: bots can't send messages to bots")
            if chat_id in self._deactivated:
                raise ApiError(403, "Forbidden: user is deactivated")
            if chat_id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            return
        status = self._statuses.get((chat_id, self.bot_id), "member")
        kind = "supergroup chat" if chat["type"] == "supergroup" else f"{chat['type']} chat"
        if chat["type"] == "channel":
            kind = "channel chat"
        if status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind}")
        if status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind}")
        if status == "restricted":
            raise bad_request("not enough rights to send text messages to the chat")

    def _chat_full_info(self, chat: JsonDict) -> JsonDict:
        info = copy.deepcopy(chat)
        info.update(
            accent_color_id=int(chat["id"]) % 7,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return info

    # -- text -----------------------------------------------------------------------------

    def _parse(self, text: str, parse_mode: Any, entities: Any) -> ParsedText:
        try:
            return parse_text(
                text,
                parse_mode if isinstance(parse_mode, str) else None,
                entities if isinstance(entities, list) else None,
                strict_ampersand=self.strict_ampersand,
            )
        except EntityParseError as err:
            raise bad_request(f"can't parse entities: {err}") from err
        except ValueError as err:
            raise bad_request("unsupported parse_mode") from err

    def _parse_caption(self, params: JsonDict) -> ParsedText | None:
        caption = params.get("caption")
        if caption is None or caption == "":
            return None
        parsed = self._parse(str(caption), params.get("parse_mode"), params.get("caption_entities"))
        if len(parsed.plain) > CAPTION_MAX_CHARS:
            raise bad_request("message caption is too long")
        return parsed

    def _reply_target(self, chat: JsonDict, params: JsonDict) -> JsonDict | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply"))
            target_chat = reply.get("chat_id", chat["id"])
        elif params.get("reply_to_message_id") is not None:
            message_id = params["reply_to_message_id"]
            allow_missing = bool(params.get("allow_sending_without_reply"))
            target_chat = chat["id"]
        else:
            return None
        target_chat_id = (
            int(target_chat)
            if isinstance(target_chat, int | str) and _INT_RE.match(str(target_chat))
            else chat["id"]
        )
        key = (target_chat_id, int(message_id) if message_id is not None else 0)
        bot_msg = self._bot_messages.get(key)
        if bot_msg is not None and not bot_msg.deleted:
            return self._as_reply(bot_msg.raw)
        user_msg = self._user_messages.get(key)
        if user_msg is not None:
            return self._as_reply(user_msg)
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")

    # -- files ----------------------------------------------------------------------------

    def _store_file(
        self,
        data: bytes,
        file_name: str | None,
        mime_type: str | None,
        *,
        kind: str,
        file_size: int | None = None,
    ) -> StoredFile:
        self._file_counter += 1
        prefix = {"photo": "AgAC", "document": "BQAC", "sticker": "CAAC"}.get(kind, "BAAC")
        file_id = f"{prefix}AgIAAxkB{secrets.token_urlsafe(24)}"
        unique_id = f"AQAD{secrets.token_urlsafe(9)}"
        folder = {"photo": "photos", "document": "documents", "sticker": "stickers"}.get(
            kind, kind + "s"
        )
        extension = ""
        if kind == "photo":
            extension = ".jpg"  # Telegram re-encodes every photo to JPEG
        elif file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1]
        path = f"{folder}/file_{self._file_counter}{extension}"
        stored = StoredFile(file_id, unique_id, data, path, file_name, mime_type, file_size)
        self._files[file_id] = stored
        self._files_by_path[path] = stored
        self._file_kinds[file_id] = kind
        return stored

    def _input_file(
        self, value: Any, call: ApiCall, *, kind: str, missing: str
    ) -> tuple[StoredFile, UploadedFile | None]:
        """Resolve an InputFile parameter: an upload, attach://name, a file_id or a URL."""
        if isinstance(value, str) and value.startswith(_ATTACH_PREFIX):
            attached = call.files.get(value[len(_ATTACH_PREFIX) :])
            if attached is None:
                raise bad_request(f"file {value} not found in the request")
            value = attached
        if isinstance(value, UploadedFile):
            if not value.data:
                raise bad_request("file must be non-empty")
            limit = PHOTO_MAX_BYTES if kind == "photo" else UPLOAD_MAX_BYTES
            if len(value.data) > limit:
                raise ApiError(413, "Request Entity Too Large")
            if kind == "photo" and self.validate_images:
                size = _image_size(value.data)
                if size is None:
                    raise bad_request("IMAGE_PROCESS_FAILED")
                width, height = size
                if width + height > 10000 or max(width, height) > 20 * min(width, height):
                    raise bad_request("PHOTO_INVALID_DIMENSIONS")
            stored = self._store_file(value.data, value.filename, value.content_type, kind=kind)
            return stored, value
        if not value:
            raise bad_request(missing)
        if isinstance(value, str):
            known = self._files.get(value)
            if known is not None:
                if self._file_kinds.get(value) != kind:
                    raise bad_request("type of file mismatch")
                return known, None
            if re.match(r"^https?://[^\s/]+\.[^\s]+", value):
                return self._store_file(b"", value.rsplit("/", 1)[-1], None, kind=kind), None
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _photo_sizes(
        self, stored: StoredFile, size: tuple[int, int] | None = None
    ) -> list[JsonDict]:
        width, height = size or _image_size(stored.data) or (1280, 960)
        sizes: list[JsonDict] = []
        for side in (90, 320):
            w, h = _scaled(width, height, side)
            if (w, h) == (width, height):
                break
            thumb = self._store_file(stored.data, None, stored.mime_type, kind="photo")
            sizes.append(
                {
                    "file_id": thumb.file_id,
                    "file_unique_id": thumb.file_unique_id,
                    "file_size": max(1, stored.size * w * h // max(1, width * height)),
                    "width": w,
                    "height": h,
                }
            )
        sizes.append(
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.size,
                "width": width,
                "height": height,
            }
        )
        return sizes

    @staticmethod
    def _document_dict(stored: StoredFile) -> JsonDict:
        document: JsonDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if stored.file_name:
            document["file_name"] = stored.file_name
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        return document

    # -- outgoing messages ----------------------------------------------------------------

    def _bot_message(
        self, chat: JsonDict, content: JsonDict, reply_to: JsonDict | None
    ) -> JsonDict:
        message: JsonDict = {
            "message_id": self._next_id(int(chat["id"])),
            "from": self._public_user(self.bot_user),
            "chat": self._chat_short(chat),
            "date": self._date(),
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(content)
        return message

    def _record(self, call: ApiCall, raw: JsonDict, **fields: Any) -> SentMessage:
        sent = SentMessage(
            chat_id=int(raw["chat"]["id"]),
            message_id=int(raw["message_id"]),
            method=call.method,
            raw=copy.deepcopy(raw),
            parse_mode=call.params.get("parse_mode"),
            reply_markup=call.params.get("reply_markup"),
            reply_to_message_id=(raw.get("reply_to_message") or {}).get("message_id"),
            params=call.params,
            at=call.at,
            **fields,
        )
        self.sent.append(sent)
        self._bot_messages[(sent.chat_id, sent.message_id)] = sent
        return sent

    @staticmethod
    def _with_markup(content: JsonDict, markup: JsonDict | None) -> JsonDict:
        # Telegram echoes only inline keyboards back in the Message; reply keyboards vanish.
        if markup is not None and markup.get("inline_keyboard"):
            content["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
        return content

    # ==========================================================================================
    # Bot API methods
    # ==========================================================================================

    async def _api_true(self, call: ApiCall) -> bool:
        return True

    async def _api_get_me(self, call: ApiCall) -> JsonDict:
        return copy.deepcopy(self.bot_user)

    async def _api_get_updates(self, call: ApiCall) -> list[JsonDict]:
        if self.webhook.get("url"):
            raise ApiError(409, _CONFLICT_WEBHOOK)
        params = call.params
        offset = params.get("offset") or 0
        limit = params.get("limit") or 100
        timeout = params.get("timeout") or 0
        if not isinstance(offset, int) or not isinstance(limit, int):
            raise bad_request("wrong parameter offset or limit")
        limit = min(max(limit, 1), 100)
        timeout = max(float(timeout), 0.0) if isinstance(timeout, int | float) else 0.0
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed] or None

        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()  # an older long poll still waiting is terminated by this one
        self._confirm(offset)
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, _CONFLICT_POLL)
            if self._outage_now(call.method) is not None:  # Telegram went down mid-poll
                await self._check_faults(call)
            batch = self._deliverable(limit)
            now = time.monotonic()
            if batch or self._closing or now >= deadline:
                if batch:
                    self._delivered_up_to = max(self._delivered_up_to, int(batch[-1]["update_id"]))
                return copy.deepcopy(batch)
            event = self._wakeup
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), deadline - now)

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def _deliverable(self, limit: int) -> list[JsonDict]:
        if self._redeliveries:
            # What Telegram does after a crash: updates come again whatever offset was used.
            batch, self._redeliveries = self._redeliveries[:limit], self._redeliveries[limit:]
            return batch
        allowed = set(self._allowed_updates) if self._allowed_updates else None
        kept: list[JsonDict] = []
        for update in self._pending:
            kind = next((k for k in update if k != "update_id"), "")
            wanted = kind in allowed if allowed is not None else kind not in _OPT_IN_UPDATES
            if wanted:
                kept.append(update)
            else:
                self._dropped.add(int(update["update_id"]))
        self._pending = kept
        return kept[:limit]

    async def _api_set_webhook(self, call: ApiCall) -> bool:
        url = call.params.get("url") or ""
        if url and not str(url).startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = call.params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        connections = call.params.get("max_connections", 40)
        if not isinstance(connections, int) or not 1 <= connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        self.webhook = {k: v for k, v in call.params.items() if k != "certificate"}
        if call.params.get("drop_pending_updates"):
            self._drop_pending()
        return True

    async def _api_delete_webhook(self, call: ApiCall) -> bool:
        self.webhook = {}
        if call.params.get("drop_pending_updates"):
            self._drop_pending()
        return True

    def _drop_pending(self) -> None:
        for update in self._pending:
            self._dropped.add(int(update["update_id"]))
        self._pending = []

    async def _api_get_webhook_info(self, call: ApiCall) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook.get("url"):
            info["max_connections"] = self.webhook.get("max_connections", 40)
            if self.webhook.get("allowed_updates") is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    # -- commands and bot profile ---------------------------------------------------------

    def _scope_key(self, scope: Any) -> str:
        if scope is None or scope == {}:
            scope = {"type": "default"}
        if not isinstance(scope, dict):
            raise bad_request("can't parse BotCommandScope JSON object")
        normal = dict(scope)
        for key in ("chat_id", "user_id"):
            value = normal.get(key)
            if isinstance(value, str) and _INT_RE.match(value):
                normal[key] = int(value)
        return _canonical(normal)

    def _command_key(self, params: JsonDict) -> tuple[str, str]:
        scope = params.get("scope")
        if isinstance(scope, dict):
            kind = scope.get("type")
            if kind not in _SCOPE_TYPES:
                raise bad_request("unsupported bot command scope type")
            if kind in ("chat", "chat_administrators", "chat_member"):
                chat = self._resolve_chat(scope.get("chat_id"))
                if kind == "chat_member":
                    if chat["type"] == "private":
                        raise bad_request("can't use chat_member scope in private chats")
                    if int(scope.get("user_id") or 0) not in self._users:
                        raise bad_request("user not found")
        language = params.get("language_code") or ""
        if language and not re.match(r"^[a-z]{2}$", str(language)):
            raise bad_request("invalid language code specified")
        return self._scope_key(scope), str(language)

    async def _api_set_my_commands(self, call: ApiCall) -> bool:
        commands = validate_commands(call.params.get("commands"))
        key = self._command_key(call.params)
        if commands:
            self._commands[key] = commands
        else:
            self._commands.pop(key, None)
        return True

    async def _api_delete_my_commands(self, call: ApiCall) -> bool:
        self._commands.pop(self._command_key(call.params), None)
        return True

    async def _api_get_my_commands(self, call: ApiCall) -> list[JsonDict]:
        return copy.deepcopy(self._commands.get(self._command_key(call.params), []))

    async def _api_set_bot_text(self, call: ApiCall) -> bool:
        field, limit = _BOT_TEXT_FIELDS[call.method.lower()]
        value = str(call.params.get(field) or "")
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        self._bot_texts[(field, str(call.params.get("language_code") or ""))] = value
        return True

    async def _api_get_bot_text(self, call: ApiCall) -> JsonDict:
        field, _ = _BOT_TEXT_FIELDS[call.method.lower()]
        language = str(call.params.get("language_code") or "")
        value = self._bot_texts.get((field, language), "")
        if field == "name" and not value:
            value = str(self.bot_user["first_name"])
        return {field: value}

    async def _api_set_chat_menu_button(self, call: ApiCall) -> bool:
        chat_id = call.params.get("chat_id")
        if chat_id is not None:
            self._resolve_chat(chat_id)
        button = call.params.get("menu_button") or {"type": "default"}
        self._menu_buttons[chat_id] = button
        return True

    async def _api_get_chat_menu_button(self, call: ApiCall) -> JsonDict:
        chat_id = call.params.get("chat_id")
        return copy.deepcopy(
            self._menu_buttons.get(chat_id, self._menu_buttons.get(None, {"type": "commands"}))
        )

    # -- sending --------------------------------------------------------------------------

    async def _api_send_message(self, call: ApiCall) -> JsonDict:
        params = call.params
        chat = self._resolve_chat(params.get("chat_id"), sending=True)
        text = params.get("text")
        if text is None or text == "":
            raise bad_request("message text is empty")
        parsed = self._parse(str(text), params.get("parse_mode"), params.get("entities"))
        if not parsed.plain.strip():
            raise bad_request("message text is empty")
        if len(parsed.plain) > MESSAGE_MAX_CHARS:
            raise bad_request("message is too long")
        markup = validate_reply_markup(params.get("reply_markup"), chat["type"])
        reply_to = self._reply_target(chat, params)
        content: JsonDict = {"text": parsed.plain}
        if parsed.entities:
            content["entities"] = parsed.entities
        raw = self._bot_message(chat, self._with_markup(content, markup), reply_to)
        self._record(call, raw, text=str(text), plain=parsed.plain, entities=parsed.entities)
        return raw

    async def _api_send_photo(self, call: ApiCall) -> JsonDict:
        params = call.params
        chat = self._resolve_chat(params.get("chat_id"), sending=True)
        stored, upload = self._input_file(
            params.get("photo"), call, kind="photo", missing="there is no photo in the request"
        )
        caption = self._parse_caption(params)
        markup = validate_reply_markup(params.get("reply_markup"), chat["type"])
        reply_to = self._reply_target(chat, params)
        content: JsonDict = {"photo": self._photo_sizes(stored)}
        self._caption_content(content, caption)
        if params.get("has_spoiler"):
            content["has_media_spoiler"] = True
        raw = self._bot_message(chat, self._with_markup(content, markup), reply_to)
        self._record(
            call,
            raw,
            caption=params.get("caption"),
            plain=caption.plain if caption else None,
            entities=caption.entities if caption else [],
            photo=stored.data,
            file_id=stored.file_id,
            mime_type=upload.content_type if upload else stored.mime_type,
        )
        return raw

    @staticmethod
    def _caption_content(content: JsonDict, caption: ParsedText | None) -> None:
        if caption is not None:
            content["caption"] = caption.plain
            if caption.entities:
                content["caption_entities"] = caption.entities

    async def _api_send_document(self, call: ApiCall) -> JsonDict:
        params = call.params
        chat = self._resolve_chat(params.get("chat_id"), sending=True)
        stored, _upload = self._input_file(
            params.get("document"),
            call,
            kind="document",
            missing="there is no document in the request",
        )
        caption = self._parse_caption(params)
        markup = validate_reply_markup(params.get("reply_markup"), chat["type"])
        reply_to = self._reply_target(chat, params)
        content: JsonDict = {"document": self._document_dict(stored)}
        self._caption_content(content, caption)
        raw = self._bot_message(chat, self._with_markup(content, markup), reply_to)
        self._record(
            call,
            raw,
            caption=params.get("caption"),
            plain=caption.plain if caption else None,
            entities=caption.entities if caption else [],
            document=stored.data,
            document_name=stored.file_name,
            mime_type=stored.mime_type,
            file_id=stored.file_id,
        )
        return raw

    async def _api_send_location(self, call: ApiCall) -> JsonDict:
        params = call.params
        chat = self._resolve_chat(params.get("chat_id"), sending=True)
        latitude = params.get("latitude")
        longitude = params.get("longitude")
        if latitude is None:
            raise bad_request("latitude is empty")
        if longitude is None:
            raise bad_request("longitude is empty")
        if not isinstance(latitude, int | float) or not -90 <= latitude <= 90:
            raise bad_request("wrong latitude specified")
        if not isinstance(longitude, int | float) or not -180 <= longitude <= 180:
            raise bad_request("wrong longitude specified")
        location: JsonDict = {"latitude": float(latitude), "longitude": float(longitude)}
        live_period = params.get("live_period")
        if live_period is not None:
            if not (60 <= int(live_period) <= 86400 or int(live_period) == 0x7FFFFFFF):
                raise bad_request("wrong live period specified")
            location["live_period"] = int(live_period)
        accuracy = params.get("horizontal_accuracy")
        if accuracy is not None:
            if not 0 <= float(accuracy) <= 1500:
                raise bad_request("wrong horizontal accuracy specified")
            location["horizontal_accuracy"] = float(accuracy)
        markup = validate_reply_markup(params.get("reply_markup"), chat["type"])
        reply_to = self._reply_target(chat, params)
        raw = self._bot_message(chat, self._with_markup({"location": location}, markup), reply_to)
        self._record(call, raw, location=location)
        return raw

    async def _api_send_media_group(self, call: ApiCall) -> list[JsonDict]:
        params = call.params
        chat = self._resolve_chat(params.get("chat_id"), sending=True)
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("media group must contain 2-10 items")
        reply_to = self._reply_target(chat, params)
        group_id = str(10**17 + secrets.randbelow(10**17))
        prepared: list[tuple[JsonDict, StoredFile, ParsedText | None]] = []
        for item in media:
            if not isinstance(item, dict) or item.get("type") not in (
                "photo",
                "document",
                "video",
                "audio",
            ):
                raise bad_request("can't parse InputMedia JSON object")
            kind = "photo" if item["type"] == "photo" else "document"
            stored, _upload = self._input_file(
                item.get("media"), call, kind=kind, missing="media is empty"
            )
            caption = self._parse_caption(
                {
                    "caption": item.get("caption"),
                    "parse_mode": item.get("parse_mode"),
                    "caption_entities": item.get("caption_entities"),
                }
            )
            prepared.append((item, stored, caption))
        results: list[JsonDict] = []
        for item, stored, caption in prepared:
            content: JsonDict = {"media_group_id": group_id}
            if item["type"] == "photo":
                content["photo"] = self._photo_sizes(stored)
            else:
                content["document"] = self._document_dict(stored)
            self._caption_content(content, caption)
            raw = self._bot_message(chat, content, reply_to)
            self._record(
                call,
                raw,
                caption=item.get("caption"),
                plain=caption.plain if caption else None,
                entities=caption.entities if caption else [],
                photo=stored.data if item["type"] == "photo" else None,
                document=stored.data if item["type"] != "photo" else None,
                document_name=stored.file_name,
                file_id=stored.file_id,
            )
            results.append(raw)
        return results

    async def _api_send_chat_action(self, call: ApiCall) -> bool:
        self._resolve_chat(call.params.get("chat_id"), sending=True)
        if call.params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # -- editing --------------------------------------------------------------------------

    def _edit_target(self, params: JsonDict) -> SentMessage | None:
        """The bot message an edit names, or None for an inline message."""
        if params.get("inline_message_id"):
            return None
        if params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        chat = self._resolve_chat(params.get("chat_id"), sending=True)
        key = (int(chat["id"]), int(params["message_id"]))
        found = self._bot_messages.get(key)
        if found is None or found.deleted:
            if key in self._user_messages:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return found

    def _apply_edit(
        self,
        target: SentMessage,
        *,
        content: JsonDict,
        markup: JsonDict | None,
        changes: JsonDict,
    ) -> JsonDict:
        old_markup = target.raw.get("reply_markup")
        new_markup = self._with_markup({}, markup).get("reply_markup")
        same_content = all(
            _canonical(target.raw.get(k) or None) == _canonical(v or None)
            for k, v in content.items()
        )
        if same_content and _canonical(old_markup or None) == _canonical(new_markup or None):
            raise bad_request(_NOT_MODIFIED)
        target.history.append(target.snapshot())
        for key, value in content.items():
            if value is None or value == []:
                target.raw.pop(key, None)
            else:
                target.raw[key] = copy.deepcopy(value)
        if new_markup is None:
            target.raw.pop("reply_markup", None)
        else:
            target.raw["reply_markup"] = new_markup
        target.raw["edit_date"] = self._date()
        target.reply_markup = markup
        target.edited = True
        for key, value in changes.items():
            setattr(target, key, value)
        return copy.deepcopy(target.raw)

    async def _api_edit_message_text(self, call: ApiCall) -> JsonDict | bool:
        params = call.params
        target = self._edit_target(params)
        text = params.get("text")
        if text is None or text == "":
            raise bad_request("message text is empty")
        parsed = self._parse(str(text), params.get("parse_mode"), params.get("entities"))
        if not parsed.plain.strip():
            raise bad_request("message text is empty")
        if len(parsed.plain) > MESSAGE_MAX_CHARS:
            raise bad_request("message is too long")
        chat_type = self._chats[target.chat_id]["type"] if target else None
        markup = validate_reply_markup(params.get("reply_markup"), chat_type)
        if target is None:
            return True
        if "text" not in target.raw:
            raise bad_request("there is no text in the message to edit")
        return self._apply_edit(
            target,
            content={"text": parsed.plain, "entities": parsed.entities},
            markup=markup,
            changes={
                "text": str(text),
                "plain": parsed.plain,
                "entities": parsed.entities,
                "parse_mode": params.get("parse_mode"),
            },
        )

    async def _api_edit_message_caption(self, call: ApiCall) -> JsonDict | bool:
        params = call.params
        target = self._edit_target(params)
        caption = self._parse_caption(params)
        chat_type = self._chats[target.chat_id]["type"] if target else None
        markup = validate_reply_markup(params.get("reply_markup"), chat_type)
        if target is None:
            return True
        if "text" in target.raw or "location" in target.raw:
            raise bad_request("there is no caption in the message to edit")
        return self._apply_edit(
            target,
            content={
                "caption": caption.plain if caption else None,
                "caption_entities": caption.entities if caption else None,
            },
            markup=markup,
            changes={
                "caption": params.get("caption"),
                "plain": caption.plain if caption else None,
                "entities": caption.entities if caption else [],
                "parse_mode": params.get("parse_mode"),
            },
        )

    async def _api_edit_message_reply_markup(self, call: ApiCall) -> JsonDict | bool:
        params = call.params
        target = self._edit_target(params)
        chat_type = self._chats[target.chat_id]["type"] if target else None
        markup = validate_reply_markup(params.get("reply_markup"), chat_type)
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        if target is None:
            return True
        return self._apply_edit(target, content={}, markup=markup, changes={})

    async def _api_delete_message(self, call: ApiCall) -> bool:
        params = call.params
        chat = self._resolve_chat(params.get("chat_id"))
        if params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        self._delete_one(chat, int(params["message_id"]))
        return True

    def _delete_one(self, chat: JsonDict, message_id: int) -> None:
        key = (int(chat["id"]), message_id)
        bot_msg = self._bot_messages.get(key)
        if bot_msg is not None and not bot_msg.deleted:
            bot_msg.deleted = True
            return
        if key in self._user_messages:
            bot_status = self._statuses.get((key[0], self.bot_id), "member")
            if chat["type"] != "private" and bot_status not in ("administrator", "creator"):
                raise bad_request("message can't be deleted")
            del self._user_messages[key]
            return
        raise bad_request("message to delete not found")

    async def _api_delete_messages(self, call: ApiCall) -> bool:
        chat = self._resolve_chat(call.params.get("chat_id"))
        ids = call.params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must contain 1-100 identifiers")
        for message_id in ids:
            with contextlib.suppress(ApiError):
                self._delete_one(chat, int(message_id))
        return True

    # -- callbacks, files, chats ----------------------------------------------------------

    async def _api_answer_callback_query(self, call: ApiCall) -> bool:
        params = call.params
        query_id = str(params.get("callback_query_id") or "")
        query = self._callback_queries.get(query_id)
        if query is None or query.answered:
            raise bad_request(_QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and len(str(text)) > CALLBACK_ANSWER_MAX_CHARS:
            raise bad_request("MESSAGE_TOO_LONG")
        if params.get("url"):
            raise bad_request("URL_INVALID")  # only game URLs are allowed
        query.answered = True
        self.callback_answers[query_id] = {
            "text": text,
            "show_alert": bool(params.get("show_alert")),
            "cache_time": params.get("cache_time"),
        }
        return True

    async def _api_get_file(self, call: ApiCall) -> JsonDict:
        file_id = call.params.get("file_id")
        if not file_id:
            raise bad_request("file_id is empty")
        stored = self._files.get(str(file_id))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > DOWNLOAD_MAX_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    async def _api_get_chat(self, call: ApiCall) -> JsonDict:
        return self._chat_full_info(self._resolve_chat(call.params.get("chat_id")))

    def _status_of(self, chat: JsonDict, user_id: int) -> str:
        if chat["type"] == "private":
            return "member" if user_id in (chat["id"], self.bot_id) else "left"
        return self._statuses.get((int(chat["id"]), user_id), "left")

    async def _api_get_chat_member(self, call: ApiCall) -> JsonDict:
        chat = self._resolve_chat(call.params.get("chat_id"))
        user_id = call.params.get("user_id")
        if not isinstance(user_id, int) or user_id not in self._users:
            raise bad_request("user not found")
        user = self._public_user(self._users[user_id])
        return self._member_dict(user, self._status_of(chat, user_id))

    async def _api_get_chat_administrators(self, call: ApiCall) -> list[JsonDict]:
        chat = self._resolve_chat(call.params.get("chat_id"))
        if chat["type"] == "private":
            raise bad_request("there are no administrators in the private chat")
        return [
            self._member_dict(self._public_user(self._users[user_id]), status)
            for (chat_id, user_id), status in self._statuses.items()
            if chat_id == chat["id"]
            and status in ("creator", "administrator")
            and user_id in self._users
        ]

    async def _api_get_chat_member_count(self, call: ApiCall) -> int:
        chat = self._resolve_chat(call.params.get("chat_id"))
        if chat["type"] == "private":
            return 2
        return sum(
            1
            for (chat_id, _), status in self._statuses.items()
            if chat_id == chat["id"] and status not in ("left", "kicked")
        )

    async def _api_leave_chat(self, call: ApiCall) -> bool:
        chat = self._resolve_chat(call.params.get("chat_id"))
        if chat["type"] == "private":
            raise bad_request("chat member status can't be changed in private chats")
        self._check_can_send(chat)  # a bot that is no longer there cannot leave again
        self._statuses[(int(chat["id"]), self.bot_id)] = "left"
        return True

    async def _api_pin_chat_message(self, call: ApiCall) -> bool:
        chat = self._resolve_chat(call.params.get("chat_id"))
        key = (int(chat["id"]), int(call.params.get("message_id") or 0))
        if key not in self._bot_messages and key not in self._user_messages:
            raise bad_request("message to pin not found")
        return True

    async def _api_chat_true(self, call: ApiCall) -> bool:
        self._resolve_chat(call.params.get("chat_id"))
        return True


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
