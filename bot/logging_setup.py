"""Logging: one line per event, and never the bot token or personal data.

The token is part of every Bot API URL, so any library that logs a URL or an exception
carrying one would leak it. The formatter scrubs it from every formatted line, tracebacks
included. Personal data is kept out by the code: log lines name ids, never texts or names.
Libraries are not so careful at DEBUG (python-telegram-bot logs every request and reply,
aiosqlite every statement with its arguments), so their records below INFO never reach
the log, whatever level is set.
"""

import logging
import sys
from typing import TextIO

#: Packages of this project; records from anywhere else are a library's.
OWN_PACKAGES = ("bot", "domain", "handlers", "scheduler", "services", "storage", "texts")


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "[REDACTED]")
        return text


def no_library_debug(record: logging.LogRecord) -> bool:
    """Keep a record unless it is a library's DEBUG record, which may carry payloads."""
    own = record.name.split(".", 1)[0] in OWN_PACKAGES
    return own or record.levelno >= logging.INFO


def log_handler(token: str | None, stream: TextIO | None = None) -> logging.Handler:
    """The handler every log line goes through: library debug dropped, the token scrubbed."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    secrets = [token] if token else []
    secret_half = token.split(":", 1)[-1] if token else ""
    if len(secret_half) >= 8:  # the secret half alone, as some errors show it
        secrets.append(secret_half)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    handler.addFilter(no_library_debug)
    return handler


def setup_logging(token: str | None, level: int = logging.INFO) -> None:
    root = logging.getLogger()
    root.handlers[:] = [log_handler(token)]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and each carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
