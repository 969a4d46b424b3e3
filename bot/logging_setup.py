"""Logging: one line per event, and never the bot token.

The token is part of every Bot API URL, so any library that logs a URL or an exception
carrying one would leak it. The formatter scrubs it from every formatted line, tracebacks
included. Personal data is kept out by the code: log lines name ids, never texts or names.
"""

import logging
import sys


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "[REDACTED]")
        return text


def setup_logging(token: str | None, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    secrets = [token] if token else []
    secret_half = token.split(":", 1)[-1] if token else ""
    if len(secret_half) >= 8:  # the secret half alone, as some errors show it
        secrets.append(secret_half)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and each carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
