"""A full run, logged at DEBUG everywhere (python-telegram-bot, httpx and aiosqlite too),
never writes the token or a person's name or decision number to the log.

Onboarding by invitation, a case for a named offender, check-in and check-out with
photos, reminders through the outbox, the digest, both reports, a refused command and a
failed send with its traceback. The project's own records must be clean as they are; the
libraries' are only safe through the production handler (which drops their DEBUG payloads
and scrubs the token), so every record is also passed through it.
"""

import io
import logging
from datetime import timedelta

import pytest

from bot.logging_setup import OWN_PACKAGES, log_handler, secrets_of
from scheduler.dispatcher import dispatch
from scheduler.planning import plan_outbox
from tests.e2e.conftest import TOKEN, Bot
from tests.e2e.test_attendance import _photo, _site_day

LIBRARIES = ("telegram", "httpx", "httpcore", "aiosqlite", "apscheduler")
#: The offender, the jaksa's and the supervisor's surnames, and the decision number.
PERSONAL = ("Budi", "Santoso", "Lapangan", "Pengawas", "12/Pid.B/2026")
SECRETS = (TOKEN, TOKEN.split(":", 1)[1])


def _leaks(text: str) -> list[str]:
    return [s for s in (*SECRETS, *PERSONAL) if s in text]


async def test_a_full_run_logs_neither_the_token_nor_personal_data(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in LIBRARIES:
        caplog.set_level(logging.DEBUG, logger=name)

    day = await _site_day(bot)  # invitations, redemptions, a case for Budi Santoso
    pengawas, jaksa, case = day["pengawas"], day["jaksa"], day["case"]
    await _photo(bot, pengawas, ago=timedelta(hours=2), caption=f"/hadir {case.code}")
    await bot.send(pengawas, f"/pulang {case.code}")
    await _photo(bot, pengawas, ago=timedelta(minutes=30))
    assert await plan_outbox(bot.db, bot.clock()) > 0
    result = await dispatch(bot.app.bot, bot.db, bot.clock() + timedelta(hours=7))
    assert result.sent > 0  # the evening reminder reached the offender
    await bot.send(jaksa, "/ringkasan")
    await bot.send(jaksa, "/laporan")
    await bot.send(jaksa, f"/laporan {case.code}")
    await bot.send(day["offender"], "/orang")  # refused, and audited
    bot.fake.fail_next(1, 400, description="Bad Request: chat not found", methods=["sendMessage"])
    await bot.send(jaksa, "/saya")  # the reply fails: the error handler logs a traceback

    records = caplog.records
    assert any(r.exc_info for r in records), "the failed send was logged with its traceback"
    own = [r for r in records if r.name.split(".", 1)[0] in OWN_PACKAGES]
    assert own
    for record in own:
        text = record.getMessage() + (
            logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
        )
        assert _leaks(text) == [], (record.name, text)

    # The libraries' debug records do carry payloads: this is what the handler stops.
    library_debug = " ".join(r.getMessage() for r in records if r not in own)
    assert "Santoso" in library_debug and TOKEN in library_debug

    stream = io.StringIO()
    handler = log_handler(secrets_of(TOKEN), stream)
    for record in records:
        handler.handle(record)
    written = stream.getvalue()
    assert "Traceback" in written and "error handling update" in written
    assert _leaks(written) == []
