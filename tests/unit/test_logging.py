"""Log lines: one per event, tracebacks folded in, secrets scrubbed, in text or JSON."""

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logging_setup import OneLineFormatter, secrets_of

TOKEN = "123456789:AAHk-secret_part-of-the-token"
WEBHOOK_SECRET = "webhook_secret_value_0123"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO, logging.StreamHandler]]:  # type: ignore[type-arg]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.logging")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, stream, handler
    logger.removeHandler(handler)
    logger.propagate = True


def _fail_with_the_token_in_the_message() -> None:
    try:
        raise ConnectionError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed")
    except ConnectionError as exc:
        raise RuntimeError("sending failed\nsecond line of the message") from exc


@pytest.mark.parametrize("style", ["text", "json"])
def test_an_exception_is_one_line_without_the_token(
    captured: tuple[logging.Logger, io.StringIO, logging.StreamHandler],  # type: ignore[type-arg]
    style: str,
) -> None:
    logger, stream, handler = captured
    handler.setFormatter(OneLineFormatter(secrets_of(TOKEN, WEBHOOK_SECRET), style))  # type: ignore[arg-type]
    try:
        _fail_with_the_token_in_the_message()
    except RuntimeError:
        logger.exception("error handling update %s: %s", 42, "RuntimeError")
    logger.info("secret %s and half %s", WEBHOOK_SECRET, TOKEN.split(":")[1])
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2, lines
    first, second = lines
    assert TOKEN.split(":")[1] not in stream.getvalue()
    assert WEBHOOK_SECRET not in stream.getvalue()
    assert "[REDACTED]" in first and "[REDACTED]" in second
    # Both exceptions of the chain and the code that raised them are in the one line.
    for expected in ("ConnectionError", "RuntimeError: sending failed", "_fail_with_the_token"):
        assert expected in first
    if style == "json":
        event = json.loads(first)
        assert event["level"] == "ERROR" and event["logger"] == "tests.logging"
        assert event["msg"] == "error handling update 42: RuntimeError"
        assert "Traceback" in event["exc"]
    else:
        assert first.split(" ", 3)[1:3] == ["level=ERROR", "logger=tests.logging"]
        assert ' msg="error handling update 42: RuntimeError" exc="Traceback' in first
        assert first.startswith("ts=20")


def test_text_values_are_quoted_only_when_needed(
    captured: tuple[logging.Logger, io.StringIO, logging.StreamHandler],  # type: ignore[type-arg]
) -> None:
    logger, stream, handler = captured
    handler.setFormatter(OneLineFormatter([]))
    logger.warning("ready")
    logger.warning('a "quoted" word')
    plain, quoted = stream.getvalue().splitlines()
    assert plain.endswith(" msg=ready")
    assert quoted.endswith(' msg="a \\"quoted\\" word"')
