"""Logging: one line per event, in a stable format, and never a secret.

One line per event, tracebacks included, so that ``grep`` and log shippers never split an
event or mix two. ``text`` is ``key=value`` pairs; ``json`` is one JSON object per line.

The token is part of every Bot API URL, so any library that logs a URL or an exception
carrying one would leak it. The formatter scrubs secrets from every finished line,
tracebacks included. Personal data is kept out by the code: log lines name ids, never texts
or names. Libraries are not so careful at DEBUG (python-telegram-bot logs every request and reply,
aiosqlite every statement with its arguments), so their records below INFO never reach the
log, whatever level is set.
"""

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Literal, TextIO

LogFormat = Literal["text", "json"]
REDACTED = "[REDACTED]"
#: Packages of this project; records from anywhere else are a library's.
OWN_PACKAGES = ("bot", "domain", "handlers", "scheduler", "services", "storage", "texts")


class OneLineFormatter(logging.Formatter):
    """``ts level logger msg [exc]`` as ``key=value`` pairs or JSON, on one line, scrubbed."""

    def __init__(self, secrets: list[str], style: LogFormat = "text") -> None:
        super().__init__()
        # The longest first, so that a token is scrubbed whole before its secret half.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._format = style

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        if self._format == "json":
            line = json.dumps(fields, ensure_ascii=False)
        else:
            line = " ".join(f"{key}={_text_value(value)}" for key, value in fields.items())
        return self._scrub(line)

    def _scrub(self, line: str) -> str:
        for secret in self._secrets:
            line = line.replace(secret, REDACTED)
        return line


def _text_value(value: str) -> str:
    """Bare when it is one word; otherwise quoted, with quotes and line breaks escaped."""
    if value and not any(c in value for c in ' "=\\\n\r\t'):
        return value
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def secrets_of(token: str | None, *others: str | None) -> list[str]:
    """What must never be logged: the token, its secret half alone (some errors show only
    that), and any other secret given."""
    secrets = [s for s in (token, *others) if s]
    secret_half = token.split(":", 1)[-1] if token else ""
    if len(secret_half) >= 8:
        secrets.append(secret_half)
    return secrets


def no_library_debug(record: logging.LogRecord) -> bool:
    """Keep a record unless it is a library's DEBUG record, which may carry payloads."""
    own = record.name.split(".", 1)[0] in OWN_PACKAGES
    return own or record.levelno >= logging.INFO


def log_handler(
    secrets: list[str], stream: TextIO | None = None, style: LogFormat = "text"
) -> logging.Handler:
    """The handler every log line goes through: library debug dropped, secrets scrubbed."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(OneLineFormatter(secrets, style))
    handler.addFilter(no_library_debug)
    return handler


def setup_logging(secrets: list[str], style: LogFormat = "text", level: int = logging.INFO) -> None:
    root = logging.getLogger()
    root.handlers[:] = [log_handler(secrets, style=style)]
    root.setLevel(level)
    logging.captureWarnings(True)  # library warnings become events too, one line each
    # httpx logs every request URL at INFO, and each carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Tornado (the webhook server) logs each request line at INFO; the path is not secret,
    # but one line per update would drown the events that matter.
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
