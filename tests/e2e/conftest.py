"""The real Application, started against the local fake Bot API, driven like a person would.

Nothing of python-telegram-bot is mocked: updates go out through the fake's getUpdates,
replies come back as HTTP calls the fake records and validates. At teardown every call the
bot made is checked against the Bot API spec.
"""

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from bot.ordering import InOrderPerPerson
from bot.rate_limit import Budget, shared_budget
from handlers.context import SERVICES_KEY, Services
from scheduler.dispatcher import dispatch
from storage.db import Database
from tests.clock import Clock
from tests.fakebot.server import FakeBotApi, SentMessage
from tests.fakebot.spec import check_calls, load_spec

TOKEN = "123456:TEST-token-for-the-fake"
BOT_USERNAME = "kerjasosial_test_bot"
ADMIN_ID = 1001


@dataclass
class Bot:
    """A running bot and the fake it talks to, with the steps a test takes."""

    app: Application  # type: ignore[type-arg]
    fake: FakeBotApi
    clock: Clock
    data_dir: Path
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    finished: set[int] = field(default_factory=set)
    #: Methods a test expects the fake to refuse (a blocked user, say); all others must succeed.
    expected_failures: set[str] = field(default_factory=set)
    #: Outbox dispatches woken by a commit, as the scheduler's wake-up runs them.
    dispatches: set[asyncio.Task[object]] = field(default_factory=set)
    _one_dispatch_at_a_time: asyncio.Lock = field(default_factory=asyncio.Lock)

    def wake_outbox(self) -> None:
        """What ``scheduler.jobs.register`` returns, without the job queue: a dispatch now."""

        async def run() -> object:
            async with self._one_dispatch_at_a_time:
                return await dispatch(self.app.bot, self.db, self.clock())

        task: asyncio.Task[object] = asyncio.get_running_loop().create_task(run())
        self.dispatches.add(task)
        task.add_done_callback(self.dispatches.discard)

    @property
    def db(self) -> Database:
        services = self.app.bot_data[SERVICES_KEY]
        assert isinstance(services, Services)
        return services.db

    def user(
        self, user_id: int, first_name: str, last_name: str | None = None, language_code: str = "id"
    ) -> dict[str, Any]:
        if user_id not in self.users:
            self.users[user_id] = self.fake.create_user(
                user_id, first_name, last_name=last_name, language_code=language_code
            )
        return self.users[user_id]

    async def handled(self, update: dict[str, Any], timeout: float = 5.0) -> None:
        """Wait until the bot has finished with an update, however its handling ended."""
        update_id = update["update_id"]
        await self.fake.wait_for(
            lambda: update_id in self.finished, timeout, message=f"update {update_id} handled"
        )
        # What the update queued for others goes out right after its commit, as in production.
        while self.dispatches:
            await asyncio.gather(*self.dispatches)

    async def send(self, user: dict[str, Any], text: str, **kwargs: Any) -> list[SentMessage]:
        """Send a text as ``user`` and return everything the bot sent back to that chat."""
        mark = self.fake.mark()
        update = self.fake.send_text(user, text, **kwargs)
        await self.handled(update)
        chat_id = kwargs["chat"]["id"] if kwargs.get("chat") else user["id"]
        return [m for m in self.fake.sent[mark:] if m.chat_id == chat_id]

    async def press(
        self, user: dict[str, Any], message: SentMessage, data: str
    ) -> list[SentMessage]:
        mark = self.fake.mark()
        update = self.fake.press(user, message, data)
        await self.handled(update)
        return [m for m in self.fake.sent[mark:] if m.chat_id == user["id"]]

    async def redelivered(self, update: dict[str, Any]) -> None:
        """Deliver ``update`` again, as Telegram does after a crash, and wait until the bot
        has fetched it and gone quiet."""
        update_id = update["update_id"]

        def times_delivered() -> int:
            return sum(
                1
                for call in self.fake.calls_of("getUpdates")
                for got in (call.result or [])
                if got["update_id"] == update_id
            )

        before = times_delivered()
        self.fake.redeliver(update)
        await self.fake.wait_for(lambda: times_delivered() > before, message="redelivery")
        await self.fake.wait_quiet(quiet=0.2)

    def answers(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        """The answerCallbackQuery calls made for a press."""
        query_id = update["callback_query"]["id"]
        return [
            c.params
            for c in self.fake.calls_of("answerCallbackQuery")
            if str(c.params.get("callback_query_id")) == str(query_id)
        ]

    async def restart(self) -> None:
        """Stop the bot and start a new one on the same data, as after a deployment."""
        await _stop(self.app)
        await _start(self)

    async def admin(self) -> dict[str, Any]:
        return self.user(ADMIN_ID, "Admin", "Kejari")


@pytest.fixture
async def fake(clock: Clock) -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME, bot_id=123456, clock=clock)
    await server.start()
    yield server
    await server.stop()


def _scripted_pace() -> Budget:
    """The sending budget with chats paced in milliseconds: these tests script each
    conversation at machine speed, and Telegram's one a second per chat would make every
    test wait for it. The pace itself is tested in tests/unit/test_rate_limit.py,
    test_reply_retry.py and bench/mixed_load.py."""
    return shared_budget(
        overall_per_second=None, private_chat_interval=0.005, group_per_minute=6000
    )


def _settings(fake: FakeBotApi, data_dir: Path) -> Settings:
    return Settings(
        bot_token=TOKEN,  # type: ignore[arg-type]
        api_url=fake.url,
        data_dir=data_dir,
        admin_ids=frozenset({ADMIN_ID}),
        _env_file=None,  # type: ignore[call-arg]
    )


async def _start(running: Bot) -> None:
    """Start the Application as ``run_polling`` would, with the test driving the loop."""
    app = build_application(
        _settings(running.fake, running.data_dir),
        clock=running.clock,
        schedule_jobs=False,
        budget=_scripted_pace(),
    )
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(
        poll_interval=0.0,
        timeout=1,
        allowed_updates=Update.ALL_TYPES,
        # As run_polling does: a failed getUpdates goes to the bot's own error handler.
        error_callback=lambda exc: app.create_task(app.process_error(update=None, error=exc)),
    )
    running.app = app
    app.bot_data[SERVICES_KEY].wake_outbox = running.wake_outbox
    # Told once an update went through every handler, or failed and the error handler ran.
    assert isinstance(app.update_processor, InOrderPerPerson)
    app.update_processor.on_finished.append(running.finished.add)


async def _stop(app: Application) -> None:  # type: ignore[type-arg]
    """Stop as ``run_polling`` does: the persistence is written at shutdown, before the
    database closes in post_shutdown."""
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    assert app.post_shutdown is not None
    await app.post_shutdown(app)


@pytest.fixture
async def bot(fake: FakeBotApi, clock: Clock, tmp_path: Path) -> AsyncIterator[Bot]:
    running = Bot(app=None, fake=fake, clock=clock, data_dir=tmp_path / "data")  # type: ignore[arg-type]
    await _start(running)
    try:
        yield running
    finally:
        await _stop(running.app)
    spec = load_spec()
    if spec is not None:
        problems = check_calls(fake.calls, spec)
        assert not problems, "calls that do not conform to the Bot API spec:\n" + "\n".join(
            problems
        )


async def create_agency(
    bot: Bot, admin: dict[str, Any], name: str, type_label: str, parent: str | None = None
) -> None:
    """Register an agency through the /instansi_baru conversation, as an admin would."""
    [ask_type] = await bot.send(admin, "/instansi_baru")
    [_ask_name] = await bot.press(admin, ask_type, _data(ask_type, type_label))
    replies = await bot.send(admin, name)
    if replies[-1].buttons() and "Tanpa induk" in replies[-1].button_texts():
        [ask_zone] = await bot.press(
            admin, replies[-1], _data(replies[-1], parent or "Tanpa induk")
        )
    else:
        [ask_zone] = replies
    [summary] = await bot.press(admin, ask_zone, _data(ask_zone, "WITA"))
    [saved] = await bot.press(admin, summary, _data(summary, "Simpan"))
    assert "tersimpan" in (saved.plain or ""), saved.plain


def _data(message: SentMessage, label: str) -> str:
    return str(message.find_button(label)["callback_data"])


def invitation_card(messages: list[SentMessage]) -> SentMessage:
    """The last invitation among ``messages``: its card as a photo, the deep link in the
    caption, and right after it the same card as an A6 PDF to print. Returns the photo."""
    photos = [n for n, m in enumerate(messages) if m.method == "sendPhoto"]
    assert photos, [m.describe() for m in messages]
    photo = messages[photos[-1]]
    assert photo.photo is not None and photo.photo.startswith(b"\x89PNG"), photo.describe()
    assert len(messages) > photos[-1] + 1, "no PDF after the invitation card"
    pdf = messages[photos[-1] + 1]
    assert pdf.method == "sendDocument" and pdf.chat_id == photo.chat_id, pdf.describe()
    assert pdf.document is not None and pdf.document.startswith(b"%PDF"), pdf.describe()
    assert (pdf.document_name or "").endswith(".pdf"), pdf.document_name
    return photo


def invite_link_token(message: SentMessage) -> str:
    """The token from the deep link in an invitation's caption."""
    match = re.search(rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)", message.plain or "")
    assert match, message.plain
    return match.group(1)


async def invite(
    bot: Bot,
    inviter: dict[str, Any],
    role: str,
    agency: str | None = None,
    site: str = "Taman Samarendah",
) -> str:
    """``/undang <role>`` (choosing ``agency`` and, for a pengawas, ``site`` when asked) and
    return the invitation token."""
    replies = await bot.send(inviter, f"/undang {role}")
    if replies[-1].method == "sendMessage" and "instansi mana" in (replies[-1].plain or ""):
        assert agency is not None, "the bot asked which agency"
        replies = await bot.press(inviter, replies[-1], _data(replies[-1], agency))
    if replies[-1].method == "sendMessage" and "lokasi mana" in (replies[-1].plain or ""):
        replies = await bot.press(inviter, replies[-1], _data(replies[-1], site))
    return invite_link_token(invitation_card(replies))


async def create_site(
    bot: Bot,
    user: dict[str, Any],
    name: str,
    host: str,
    *,
    capacity: str = "3",
    zone: str = "WITA",
) -> None:
    """Register a site through the /lokasi_baru form, as an admin or jaksa would."""
    await bot.send(user, "/lokasi_baru")
    [ask_host] = await bot.send(user, name)
    await bot.press(user, ask_host, _data(ask_host, host))
    await bot.send(user, "Jl. Kesuma Bangsa No. 1, Samarinda")
    mark = bot.fake.mark()
    await bot.handled(bot.fake.send_location(user, -0.5021, 117.1536))
    [ask_radius] = [m for m in bot.fake.sent[mark:] if m.chat_id == user["id"]]
    [ask_zone] = await bot.press(user, ask_radius, _data(ask_radius, "150 m"))
    await bot.press(user, ask_zone, _data(ask_zone, zone))
    await bot.send(user, "menyapu taman, menyiram tanaman")
    [declaration] = await bot.send(user, capacity)
    [summary] = await bot.press(user, declaration, _data(declaration, "Ya"))
    [saved] = await bot.press(user, summary, _data(summary, "Simpan"))
    assert "tersimpan" in (saved.plain or ""), saved.plain


async def sites_ready(bot: Bot, admin: dict[str, Any], site: str = "Taman Samarendah") -> None:
    """A city government and one of its sites, so that pengawas and cases have a place."""
    await create_agency(bot, admin, "Pemerintah Kota Samarinda", "Pemerintah Kota")
    await create_site(bot, admin, site, "Pemerintah Kota Samarinda")


async def rule_invalid(
    bot: Bot, jaksa: dict[str, Any], alert: SentMessage, reason: str = "tidak ada kabar"
) -> SentMessage:
    """The jaksa rules an absence *tidak sah* from its alert: the button, a reason, the
    confirmation. Returns the answer (the ruling, with what may follow)."""
    invalid = next(b["callback_data"] for b in alert.buttons() if b["text"].startswith("❌"))
    await bot.press(jaksa, alert, invalid)
    [summary] = await bot.send(jaksa, reason)
    mark = bot.fake.mark()
    await bot.press(jaksa, summary, summary.callback_data()[0])
    [ruled] = [m for m in bot.fake.sent[mark:] if m.chat_id == jaksa["id"] and m.plain]
    return ruled


async def office_with_jaksa(
    bot: Bot, jaksa_id: int = 5100
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The configured admin, a Kejari with a city government and its site, and one jaksa
    who has redeemed their invitation: (admin, jaksa)."""
    admin = await bot.admin()
    await bot.send(admin, "/start")
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    await sites_ready(bot, admin)
    token = await invite(bot, admin, "jaksa", agency="Kejaksaan Negeri Samarinda")
    jaksa = bot.user(jaksa_id, "Jaksa")
    await bot.send(jaksa, f"/start {token}")
    return admin, jaksa
