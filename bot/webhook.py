"""Webhook mode: PTB's own server behind the operator's reverse proxy, never without a secret.

Telegram sends ``secret_token`` back in the ``X-Telegram-Bot-Api-Secret-Token`` header of
every update; PTB's server answers 403 to a request without it. Without a secret anyone who
learns the URL could post forged updates, so webhook mode refuses to start without one.
"""

from typing import Any
from urllib.parse import urlsplit

from bot.config import ConfigError, Settings, parse_listen


def webhook_options(settings: Settings, url: str, listen: str) -> dict[str, Any]:
    """The keyword arguments for ``Application.run_webhook``; ConfigError if anything is off.

    The server listens at the URL's path, so the proxy forwards the path unchanged.
    """
    if settings.webhook_secret is None:
        raise ConfigError("KERJASOSIAL_WEBHOOK_SECRET is not set (webhook mode requires it)")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError("--webhook must be an https URL such as https://bot.example.go.id/tg")
    try:
        host, port = parse_listen(listen)
    except ValueError as exc:
        raise ConfigError(f"--listen {exc}") from None
    return {
        "listen": host,
        "port": port,
        "url_path": parts.path.strip("/"),
        "webhook_url": url,
        "secret_token": settings.webhook_secret.get_secret_value(),
    }
