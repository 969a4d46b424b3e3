"""The fake Bot API, driven the way the bot drives it: through a real PTB ``telegram.Bot``.

If these pass, an end-to-end test failing against the fake points at the bot, not at the
fake: PTB parses every answer into its own objects and maps every error to the exception
class the bot's handlers catch in production.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
import telegram
from telegram import (
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.fakebot import ApiCall, ApiError, FakeBotApi, make_png
from tests.fakebot.fixtures import make_bot
from tests.fakebot.formatting import EntityParseError, parse_html

ALICE = 1001
GROUP = -4001


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        api.create_user(ALICE, "Alice", username="alice")
        yield api


@pytest_asyncio.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[telegram.Bot]:
    async with make_bot(fake) as ptb_bot:
        yield ptb_bot


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d)] for d in data])


def seconds(value: int | float | dtm.timedelta) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB_TIMEDELTA."""
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def raw_post(fake: FakeBotApi, method: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.bot_base_url}{fake.token}/{method}", **kwargs) as response,
    ):
        return response.status, await response.json()


# -- basics -----------------------------------------------------------------------------------


async def test_get_me_describes_the_bot(bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "kerjasosial_test_bot"
    assert me.can_join_groups is True


async def test_wrong_token_is_invalid_token(fake: FakeBotApi) -> None:
    with pytest.raises(InvalidToken, match="was rejected by the server"):
        async with telegram.Bot("999:WRONG", base_url=fake.bot_base_url):
            pass  # pragma: no cover - initialize() already fails
    status, body = await raw_post(fake, "getMe")
    assert (status, body["ok"]) == (200, True)


async def test_unknown_method_is_404_and_names_are_case_insensitive(fake: FakeBotApi) -> None:
    status, body = await raw_post(fake, "sendTelepathy", data={"chat_id": str(ALICE)})
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}

    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{fake.bot_base_url}{fake.token}/SENDMESSAGE",
            params={"chat_id": str(ALICE), "text": "hi"},
        ) as response,
    ):
        assert response.status == 200
    assert fake.calls[-1].method == "sendMessage"
    assert fake.calls[-1].http_method == "GET"


async def test_json_bodies_are_understood(fake: FakeBotApi) -> None:
    status, body = await raw_post(
        fake,
        "sendMessage",
        json={"chat_id": ALICE, "text": "hi", "reply_markup": keyboard("a").to_dict()},
    )
    assert status == 200, body
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert fake.sent[-1].reply_markup == keyboard("a").to_dict()


# -- sending ----------------------------------------------------------------------------------


async def test_send_message_with_html_records_raw_and_plain_text(
    fake: FakeBotApi, bot: telegram.Bot
) -> None:
    text = "<b>Halo</b> 👋 <i>Alice</i> &lt;3 <a href='https://example.org/?a=1&amp;b=2'>x</a>"
    message = await bot.send_message(ALICE, text, parse_mode="HTML", reply_markup=keyboard("ok"))

    assert message.text == "Halo 👋 Alice <3 x"
    assert message.from_user is not None and message.from_user.is_bot
    bold, italic, link = message.entities
    assert (bold.type, bold.offset, bold.length) == ("bold", 0, 4)
    assert (italic.type, italic.offset) == ("italic", 8)  # the emoji is 2 UTF-16 units
    assert link.url == "https://example.org/?a=1&b=2"
    assert message.reply_markup == keyboard("ok")

    [sent] = fake.sent_to(ALICE)
    assert sent.text == text
    assert sent.plain == "Halo 👋 Alice <3 x"
    assert sent.parse_mode == "HTML"
    assert sent.callback_data() == ["ok"]
    assert sent.message_id == message.message_id
    assert fake.calls_of("sendMessage")[0].params["chat_id"] == ALICE


async def test_message_ids_increase_per_chat(fake: FakeBotApi, bot: telegram.Bot) -> None:
    fake.create_group(GROUP, "Posko")
    first = await bot.send_message(ALICE, "a")
    second = await bot.send_message(ALICE, "b")
    in_group = await bot.send_message(GROUP, "c")
    assert second.message_id == first.message_id + 1
    assert in_group.message_id == 1


async def test_limits_count_text_after_parsing(fake: FakeBotApi, bot: telegram.Bot) -> None:
    await bot.send_message(ALICE, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ALICE, "x" * 4097)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(ALICE, make_png(10, 10), caption="y" * 1025)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ALICE, "<b> </b>", parse_mode="HTML")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<p>hi</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", "Unmatched end tag at byte offset 4"),
        ("Tom & Jerry", 'Character "&" at byte offset 4'),
    ],
)
async def test_bad_html_is_rejected_like_telegram(
    fake: FakeBotApi, bot: telegram.Bot, text: str, reason: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(ALICE, text, parse_mode="HTML")
    # PTB strips "Bad Request: " and capitalize()s the rest, lower-casing the reason.
    assert caught.value.message.startswith("Can't parse entities: ")
    assert (fake.calls[-1].error or "").startswith(f"Bad Request: can't parse entities: {reason}")
    assert fake.sent == []


def test_html_parser_directly() -> None:
    parsed = parse_html(
        '<pre><code class="language-python">x = 1</code></pre><tg-spoiler>s</tg-spoiler>'
    )
    assert parsed.plain == "x = 1s"
    assert parsed.entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "spoiler", "offset": 5, "length": 1},
    ]
    assert parse_html("a &amp; b", strict_ampersand=False).plain == "a & b"
    assert parse_html("Tom & Jerry", strict_ampersand=False).plain == "Tom & Jerry"
    with pytest.raises(EntityParseError, match="Unclosed start tag"):
        parse_html('<a href="x')


async def test_markdown_v2_reserved_characters(bot: telegram.Bot) -> None:
    message = await bot.send_message(ALICE, r"*Jam 08\.00*", parse_mode="MarkdownV2")
    assert message.text == "Jam 08.00"
    with pytest.raises(BadRequest, match="reserved"):
        await bot.send_message(ALICE, "Jam 08.00", parse_mode="MarkdownV2")


async def test_unknown_chat_blocked_user_and_deactivated_user(
    fake: FakeBotApi, bot: telegram.Bot
) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hi")
    fake.block(ALICE)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ALICE, "hi")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(ALICE, "typing")
    fake.unblock(ALICE)
    await bot.send_message(ALICE, "welcome back")
    fake.deactivate(ALICE)
    with pytest.raises(Forbidden, match="user is deactivated"):
        await bot.send_message(ALICE, "hi")
    assert [c.status for c in fake.calls_of("sendMessage")] == [400, 403, 200, 403]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_raises_retry_after(fake: FakeBotApi, bot: telegram.Bot) -> None:
    fake.set_flood_limits(global_per_second=30, per_chat_per_second=1.0, per_group_per_minute=20)
    await bot.send_message(ALICE, "one")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALICE, "two")
    assert seconds(caught.value.retry_after) == 1
    assert fake.too_many_requests == 1
    assert fake.calls[-1].error == "Too Many Requests: retry after 1"

    fake.set_flood_limits(per_chat_per_second=None, per_group_per_minute=2, retry_after=17)
    fake.create_group(GROUP, "Posko")
    await bot.send_message(GROUP, "a")
    await bot.send_message(GROUP, "b")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(GROUP, "c")
    assert seconds(caught.value.retry_after) == 17
    await bot.send_message(ALICE, "other chats are not limited by the group window")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_per_chat_burst_then_one_a_second(fake: FakeBotApi, bot: telegram.Bot) -> None:
    fake.set_flood_limits(per_chat_per_second=1.0, per_chat_burst=3)
    for n in range(3):
        await bot.send_message(ALICE, f"burst {n}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALICE, "one too many")
    assert seconds(caught.value.retry_after) == 1
    assert len(fake.sent) == 3


async def test_migrated_group_raises_chat_migrated(fake: FakeBotApi, bot: telegram.Bot) -> None:
    fake.create_group(GROUP, "Posko")
    fake.migrate_group(GROUP, -1004001)
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(GROUP, "hi")
    assert caught.value.new_chat_id == -1004001
    await bot.send_message(-1004001, "hi")


async def test_inline_keyboard_validation(fake: FakeBotApi, bot: telegram.Bot) -> None:
    await bot.send_message(ALICE, "ok", reply_markup=keyboard("ü" * 32))  # 64 bytes
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(ALICE, "too long", reply_markup=keyboard("ü" * 33))
    bad_url = InlineKeyboardMarkup([[InlineKeyboardButton("x", url="ftp://example.org")]])
    with pytest.raises(BadRequest, match="unsupported url protocol"):
        await bot.send_message(ALICE, "x", reply_markup=bad_url)
    no_action = {"inline_keyboard": [[{"text": "x"}]]}
    status, body = await raw_post(
        fake,
        "sendMessage",
        data={"chat_id": str(ALICE), "text": "x", "reply_markup": json.dumps(no_action)},
    )
    assert status == 400
    assert "Text buttons are unallowed" in body["description"]
    reply = ReplyKeyboardMarkup([["Ya", "Tidak"]])
    message = await bot.send_message(ALICE, "pilih", reply_markup=reply)
    assert message.reply_markup is None  # Telegram echoes only inline keyboards
    assert fake.sent[-1].reply_keyboard == [["Ya", "Tidak"]]


async def test_photo_and_document_uploads_are_stored(fake: FakeBotApi, bot: telegram.Bot) -> None:
    png = make_png(200, 100)
    photo = await bot.send_photo(ALICE, png, caption="<b>QR</b>", parse_mode="HTML")
    assert photo.caption == "QR"
    assert (photo.photo[-1].width, photo.photo[-1].height) == (200, 100)
    document = await bot.send_document(ALICE, b"a,b\n1,2\n", filename="rekap.csv")
    assert document.document is not None and document.document.file_name == "rekap.csv"

    sent_photo, sent_doc = fake.sent_to(ALICE)
    assert sent_photo.photo == png
    assert sent_photo.plain == "QR" and sent_photo.caption == "<b>QR</b>"
    assert sent_doc.document == b"a,b\n1,2\n"
    assert sent_doc.document_name == "rekap.csv"
    upload = fake.calls_of("sendDocument")[0].params["document"]
    assert upload.filename == "rekap.csv" and upload.data == b"a,b\n1,2\n"

    # Re-sending by file_id works; garbage is not an image.
    again = await bot.send_photo(ALICE, photo.photo[-1].file_id)
    assert again.photo[-1].file_id == photo.photo[-1].file_id
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(ALICE, b"not an image")
    with pytest.raises(BadRequest, match="Type of file mismatch"):
        await bot.send_document(ALICE, photo.photo[-1].file_id)


async def test_location_and_chat_action(fake: FakeBotApi, bot: telegram.Bot) -> None:
    message = await bot.send_location(ALICE, -8.65, 115.22, horizontal_accuracy=20)
    assert message.location is not None and message.location.latitude == -8.65
    assert fake.sent[-1].location == {
        "latitude": -8.65,
        "longitude": 115.22,
        "horizontal_accuracy": 20.0,
    }
    assert await bot.send_chat_action(ALICE, "typing") is True
    with pytest.raises(BadRequest):
        await bot.send_location(ALICE, 95.0, 0.0)


async def test_replies_and_media_groups(fake: FakeBotApi, bot: telegram.Bot) -> None:
    asked = fake.send_text(ALICE, "Kapan jadwal saya?")
    reply = await bot.send_message(
        ALICE, "Besok", reply_to_message_id=asked["message"]["message_id"]
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "Kapan jadwal saya?"
    assert fake.sent[-1].reply_to_message_id == asked["message"]["message_id"]
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(ALICE, "x", reply_to_message_id=999)

    album = await bot.send_media_group(
        ALICE,
        [
            telegram.InputMediaPhoto(make_png(30, 20), caption="<i>satu</i>", parse_mode="HTML"),
            telegram.InputMediaPhoto(make_png(20, 30)),
        ],
    )
    assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id
    assert album[0].caption == "satu"
    first, second = fake.sent[-2:]
    assert first.photo is not None and first.photo.startswith(b"\x89PNG")
    assert first.method == second.method == "sendMediaGroup"
    group_call = fake.calls_of("sendMediaGroup")[0]
    assert group_call.params["media"][0]["media"].startswith("attach://")
    assert len(group_call.files) == 2


async def test_webhook_blocks_polling_until_deleted(fake: FakeBotApi, bot: telegram.Bot) -> None:
    assert await bot.set_webhook("https://example.org/hook", secret_token="s3cret") is True
    assert fake.webhook["secret_token"] == "s3cret"
    info = await bot.get_webhook_info()
    assert info.url == "https://example.org/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)
    fake.send_text(ALICE, "lama")
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    assert await bot.get_updates(timeout=0) == ()
    await fake.wait_updates_consumed(timeout=0.1)  # dropped updates count as consumed
    assert await bot.log_out() is True and await bot.close() is True


@pytest.mark.parametrize("secret", ["with space", "ümlaut", "x" * 257])
async def test_webhook_secret_follows_the_bot_api_rules(
    fake: FakeBotApi, bot: telegram.Bot, secret: str
) -> None:
    with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
        await bot.set_webhook("https://example.org/hook", secret_token=secret)
    assert fake.webhook == {}
    assert await bot.set_webhook("https://example.org/hook", secret_token="A-z_09" * 42)


# -- edits, deletes, callbacks ------------------------------------------------------------------


async def test_edits_update_the_stored_message(fake: FakeBotApi, bot: telegram.Bot) -> None:
    original = await bot.send_message(ALICE, "Pilih:", reply_markup=keyboard("a", "b"))
    edited = await bot.edit_message_text(
        "Dipilih: <b>a</b>", chat_id=ALICE, message_id=original.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, telegram.Message)
    assert edited.text == "Dipilih: a"
    assert edited.reply_markup is None  # editing text without reply_markup drops the keyboard

    stored = fake.message(ALICE, original.message_id)
    assert stored.edited and stored.plain == "Dipilih: a" and stored.buttons() == []
    assert stored.history[0]["plain"] == "Pilih:"
    assert stored.history[0]["reply_markup"] == keyboard("a", "b").to_dict()

    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "Dipilih: <b>a</b>",
            chat_id=ALICE,
            message_id=original.message_id,
            parse_mode="HTML",
        )
    await bot.edit_message_reply_markup(ALICE, original.message_id, reply_markup=keyboard("c"))
    assert fake.message(ALICE, original.message_id).callback_data() == ["c"]
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(ALICE, original.message_id, reply_markup=keyboard("c"))
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=ALICE, message_id=999)
    assert await bot.edit_message_text("inline", inline_message_id="AAAA") is True


async def test_caption_edit_and_delete(fake: FakeBotApi, bot: telegram.Bot) -> None:
    photo = await bot.send_photo(ALICE, make_png(20, 20), caption="lama")
    await bot.edit_message_caption(ALICE, photo.message_id, caption="baru")
    assert fake.message(ALICE, photo.message_id).plain == "baru"
    text = await bot.send_message(ALICE, "teks")
    with pytest.raises(BadRequest, match="There is no caption in the message to edit"):
        await bot.edit_message_caption(ALICE, text.message_id, caption="x")
    assert await bot.delete_message(ALICE, text.message_id) is True
    assert fake.message(ALICE, text.message_id).deleted
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ALICE, text.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=ALICE, message_id=text.message_id)


async def test_callback_query_can_be_answered_once(fake: FakeBotApi, bot: telegram.Bot) -> None:
    await bot.send_message(ALICE, "Pilih:", reply_markup=keyboard("setuju", "tolak"))
    update_dict = fake.press_button(ALICE, fake.last_sent(ALICE), "setuju")
    update = Update.de_json(update_dict, bot)
    assert update.callback_query is not None
    assert update.callback_query.data == "setuju"
    assert update.callback_query.message is not None
    assert update.callback_query.message.chat.id == ALICE

    query_id = update.callback_query.id
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(query_id, text="x" * 201)
    assert await bot.answer_callback_query(query_id, text="Tersimpan") is True
    assert fake.callback_answers[query_id]["text"] == "Tersimpan"
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")


# -- updates ----------------------------------------------------------------------------------


async def test_get_updates_returns_injected_updates_and_respects_offset(
    fake: FakeBotApi, bot: telegram.Bot
) -> None:
    first = fake.send_text(ALICE, "/start@kerjasosial_test_bot halo")
    second = fake.send_text(ALICE, "kedua")
    assert (first["update_id"], second["update_id"]) == (1, 2)
    assert first["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 27}]

    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [1, 2]
    assert (
        updates[0].message is not None
        and updates[0].message.text == "/start@kerjasosial_test_bot halo"
    )
    again = await bot.get_updates(offset=2, timeout=0)
    assert [u.update_id for u in again] == [2]  # update 1 is now confirmed and gone
    assert await bot.get_updates(offset=3, timeout=0) == ()
    assert fake.confirmed_offset == 3  # what the bot acknowledged, for crash tests
    assert fake.pending_updates == []
    await fake.wait_updates_consumed(timeout=0.5)


async def test_long_poll_wakes_when_an_update_is_injected(
    fake: FakeBotApi, bot: telegram.Bot
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=3))
    await fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=1)
    await asyncio.sleep(0.05)
    assert not poll.done()
    fake.send_text(ALICE, "halo")
    updates = await asyncio.wait_for(poll, timeout=1)
    assert [u.update_id for u in updates] == [1]
    assert time.monotonic() - started < 2.5  # woken by the update, not the 3 s timeout


async def test_a_second_get_updates_terminates_the_first(
    fake: FakeBotApi, bot: telegram.Bot
) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=3))
    await fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=1)
    async with make_bot(fake) as second_instance:  # PTB polls through a single connection
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(older, timeout=1)


async def test_user_side_updates_parse_as_ptb_objects(fake: FakeBotApi, bot: telegram.Bot) -> None:
    group = fake.create_group(GROUP, "Posko Kelurahan")
    photo = fake.send_photo(ALICE, caption="/lapor foto", chat=group)
    document = fake.send_document(ALICE, b"%PDF-1.4", "surat.pdf", "application/pdf")
    location = fake.send_location(ALICE, -6.2, 106.8, live_period=900)
    moved = fake.move_live_location(location, -6.21, 106.81)
    contact = fake.send_contact(ALICE, "+6281234", "Budi", user_id=1002)
    sticker = fake.send_sticker(ALICE)
    edited = fake.edit_text(ALICE, fake.send_text(ALICE, "salah"), "benar")
    member = fake.chat_member_update(group, ALICE, "member", "administrator")
    kicked = fake.chat_member_update(group, ALICE, "administrator", "kicked")

    parsed = [
        Update.de_json(u, bot)
        for u in (photo, document, location, moved, contact, sticker, edited, member, kicked)
    ]
    assert parsed[0].message is not None and len(parsed[0].message.photo) == 3
    assert parsed[0].message.chat.type == "group"
    assert parsed[0].message.caption_entities[0].type == "bot_command"
    assert parsed[1].message is not None and parsed[1].message.document is not None
    assert parsed[2].message is not None and parsed[2].message.location is not None
    assert parsed[3].edited_message is not None
    assert parsed[4].message is not None and parsed[4].message.contact is not None
    assert parsed[5].message is not None and parsed[5].message.sticker is not None
    assert parsed[6].edited_message is not None and parsed[6].edited_message.text == "benar"
    assert parsed[7].my_chat_member is not None
    assert parsed[7].my_chat_member.new_chat_member.status == "administrator"
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await bot.send_message(GROUP, "hi")

    # The photo the user sent is downloadable, largest size first-class.
    file = await bot.get_file(parsed[0].message.photo[-1].file_id)
    data = await file.download_as_bytearray()
    assert bytes(data).startswith(b"\x89PNG")


async def test_privacy_mode_withholds_group_chatter(fake: FakeBotApi, bot: telegram.Bot) -> None:
    group = fake.create_group(GROUP, "Posko")
    notice = await bot.send_message(GROUP, "Kirim laporan dengan membalas pesan ini")
    chatter = fake.send_text(ALICE, "halo semua", chat=group)
    other_bot = fake.send_text(ALICE, "/start@other_bot", chat=group)
    command = fake.send_text(ALICE, "/lapor@kerjasosial_test_bot", chat=group)
    reply = fake.send_text(ALICE, "sudah", chat=group, reply_to=notice.to_dict())
    location = fake.send_location(ALICE, -6.2, 106.8, chat=group)
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [command["update_id"], reply["update_id"]]
    assert fake.withheld == [chatter, other_bot, location]
    assert "withheld by privacy mode" in fake.describe()

    fake.set_member_status(GROUP, fake.bot_id, "administrator")
    everything = fake.send_text(ALICE, "halo lagi", chat=group)
    updates = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert [u.update_id for u in updates] == [everything["update_id"]]


async def test_get_file_download_round_trip(fake: FakeBotApi, bot: telegram.Bot) -> None:
    file_id, unique_id = fake.add_file(b"isi berkas", "catatan.txt", "text/plain")
    file = await bot.get_file(file_id)
    assert file.file_unique_id == unique_id and file.file_size == 10
    assert bytes(await file.download_as_bytearray()) == b"isi berkas"

    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")
    big_id, _ = fake.add_file(b"x", file_size=21 * 1024 * 1024)
    with pytest.raises(BadRequest, match="File is too big"):
        await bot.get_file(big_id)


async def test_commands_are_stored_per_scope_and_language(
    fake: FakeBotApi, bot: telegram.Bot
) -> None:
    await bot.set_my_commands([("start", "Mulai"), ("bantuan", "Bantuan")])
    await bot.set_my_commands(
        [("absen", "Catat kehadiran")], scope=BotCommandScopeChat(ALICE), language_code="id"
    )
    assert fake.commands_for({"type": "chat", "chat_id": ALICE}, "id") == [
        ("absen", "Catat kehadiran")
    ]
    assert fake.commands_for({"type": "chat", "chat_id": ALICE}) == []
    assert fake.commands_for() == [("start", "Mulai"), ("bantuan", "Bantuan")]
    mine = await bot.get_my_commands(scope=BotCommandScopeChat(ALICE), language_code="id")
    assert [c.command for c in mine] == ["absen"]

    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Start", "Mulai")])
    with pytest.raises(BadRequest, match="Bot_command_description_invalid"):
        await bot.set_my_commands([("start", "x" * 257)])
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.set_my_commands([("start", "Mulai")], scope=BotCommandScopeChat(777))
    await bot.delete_my_commands()
    assert fake.commands_for() == []


async def test_chat_queries(fake: FakeBotApi, bot: telegram.Bot) -> None:
    fake.create_group(GROUP, "Posko", bot_status="administrator")
    fake.add_member(GROUP, ALICE, "creator")
    chat = await bot.get_chat(GROUP)
    assert chat.title == "Posko"
    owner = await bot.get_chat_member(GROUP, ALICE)
    assert owner.status == "creator"
    me = await bot.get_chat_member(GROUP, fake.bot_id)
    assert isinstance(me, telegram.ChatMemberAdministrator)
    assert {m.user.id for m in await bot.get_chat_administrators(GROUP)} == {ALICE, fake.bot_id}
    assert await bot.leave_chat(GROUP) is True
    with pytest.raises(Forbidden, match="not a member of the group chat"):
        await bot.send_message(GROUP, "hi")


# -- faults -----------------------------------------------------------------------------------


async def test_fault_injection(fake: FakeBotApi, bot: telegram.Bot) -> None:
    fake.fail_next(2, methods=["sendMessage"])
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(ALICE, "x")
    await bot.get_me()
    await bot.send_message(ALICE, "third time lucky")

    fake.set_outage(True)
    with pytest.raises(NetworkError):
        await bot.get_me()
    fake.set_outage(False)

    # A timing-out outage holds requests unanswered and handles none of them.
    fake.set_outage(True, kind="timeout", methods=["sendMessage"])
    with pytest.raises(TimedOut):
        await bot.send_message(ALICE, "lost in the outage", read_timeout=0.1)
    await bot.get_me()  # other methods are not affected
    fake.set_outage(False)
    # An outage for a time window ends by itself.
    fake.set_outage(True, seconds=0.2)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()
    await asyncio.sleep(0.25)
    await bot.get_me()
    assert fake.outage_refused == 3
    assert "lost in the outage" not in [m.plain for m in fake.sent]

    fake.set_delay(0.3, methods=["sendMessage"], after_processing=True)
    with pytest.raises(TimedOut):
        await bot.send_message(ALICE, "slow", read_timeout=0.05)
    await fake.wait_for(lambda: fake.calls[-1].status == 200, timeout=2)
    assert fake.sent[-1].plain == "slow"  # delivered although the bot timed out
    fake.set_delay(0)


async def test_override_replaces_one_method(fake: FakeBotApi, bot: telegram.Bot) -> None:
    def refuse(call: ApiCall) -> None:
        raise ApiError(400, f"Bad Request: not enough rights to send to {call.params['chat_id']}")

    fake.override("sendMessage", refuse)
    with pytest.raises(BadRequest, match="Not enough rights"):
        await bot.send_message(ALICE, "x")
    fake.override("sendMessage", None)
    await bot.send_message(ALICE, "x")
    assert fake.internal_errors == []


async def test_wait_sent_and_its_failure_message(fake: FakeBotApi, bot: telegram.Bot) -> None:
    await bot.send_message(ALICE, "lama")
    mark = fake.mark()
    asyncio.get_running_loop().call_later(
        0.02, lambda: asyncio.ensure_future(bot.send_message(ALICE, "baru"))
    )
    [new] = await fake.wait_sent(ALICE, after=mark, timeout=2)
    assert new.plain == "baru"
    with pytest.raises(AssertionError) as caught:
        await fake.wait_sent(ALICE, count=5, after=mark, timeout=0.05)
    assert "'baru'" in str(caught.value)


# -- with PTB's Application and Updater --------------------------------------------------------


async def test_a_ptb_application_polls_and_answers(fake: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(
            "<b>Selamat datang</b>", reply_markup=keyboard("lanjut")
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("OK")
        await update.callback_query.edit_message_text("Lanjut!")

    app = (
        Application.builder()
        .token(fake.token)
        .base_url(fake.bot_base_url)
        .base_file_url(fake.file_base_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=2)
        fake.send_text(ALICE, "/start")
        [welcome] = await fake.wait_sent(ALICE)
        assert welcome.plain == "Selamat datang" and welcome.callback_data() == ["lanjut"]
        fake.press_button(ALICE, welcome, "lanjut")
        await fake.wait_for(lambda: fake.message(ALICE, welcome.message_id).edited)
        await fake.wait_quiet(0.05)
        assert [a["text"] for a in fake.callback_answers.values()] == ["OK"]
        await app.updater.stop()
        await app.stop()
    assert fake.internal_errors == []
    # Stopping the updater abandons its long poll; the fake marks that answer as unseen.
    assert all(c.ok or c.client_gone for c in fake.calls), fake.describe()
