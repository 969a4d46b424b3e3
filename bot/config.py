"""Configuration from environment variables (and an optional ``.env`` file).

The names are fixed by the operators' manual: ``KERJASOSIAL_BOT_TOKEN``,
``KERJASOSIAL_API_URL``, ``KERJASOSIAL_DATA_DIR``, ``KERJASOSIAL_TIMEZONE``,
``KERJASOSIAL_ADMIN_IDS``; and ``KERJASOSIAL_INVITATION_DAYS``, ``KERJASOSIAL_RETENTION_DAYS``,
``KERJASOSIAL_WEBHOOK_SECRET``, ``KERJASOSIAL_METRICS_LISTEN``, ``KERJASOSIAL_LOG_FORMAT``.
"""

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.logging_setup import LogFormat
from storage.db import DB_FILENAME

_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
#: The Bot API allows 1-256 characters from this set; fewer than 16 could be guessed.
WEBHOOK_SECRET_MIN = 16
_WEBHOOK_SECRET_RE = re.compile(rf"^[A-Za-z0-9_-]{{{WEBHOOK_SECRET_MIN},256}}$")
_LISTEN_RE = re.compile(r"^(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(?P<port>\d{1,5})$")


def parse_listen(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:9000`` for IPv6) as ``(host, port)``; ValueError if malformed."""
    match = _LISTEN_RE.match(value.strip())
    if match is None or not 0 < int(match.group("port")) < 65536:
        raise ValueError("must be HOST:PORT, such as 127.0.0.1:9100")
    return match.group("host").strip("[]"), int(match.group("port"))


class ConfigError(Exception):
    """A missing or malformed setting, described in one line for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KERJASOSIAL_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    api_url: str = "https://api.telegram.org"
    data_dir: Path = Path("./data")
    timezone: str = "Asia/Makassar"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    invitation_days: int = Field(default=7, ge=1, le=90)
    #: How long a finished case's personal data is kept before it may be purged.
    retention_days: int = Field(default=730, ge=30, le=3650)
    #: Required by ``run --webhook``: Telegram sends it with every update, so forged ones fail.
    webhook_secret: SecretStr | None = None
    #: Where the Prometheus endpoint listens (``HOST:PORT``); unset, there is none.
    metrics_listen: str | None = None
    log_format: LogFormat = "text"

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_RE.match(value.get_secret_value()):
            # Never echo the value: it may be a real token with a typo.
            raise ValueError("must look like 123456789:ABC-def (as given by @BotFather)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET_RE.match(value.get_secret_value()):
            raise ValueError(
                f"must be {WEBHOOK_SECRET_MIN}-256 characters from A-Z, a-z, 0-9, _ and -"
            )
        return value

    @field_validator("metrics_listen")
    @classmethod
    def _listen_shape(cls, value: str | None) -> str | None:
        if value:
            parse_listen(value)
        return value or None

    @field_validator("api_url")
    @classmethod
    def _url_shape(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+(/[^\s]*)?$", value):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA zone such as Asia/Makassar") from None
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(re.fullmatch(r"\d{1,15}", p) for p in parts):
                raise ValueError("must be Telegram user ids separated by commas, e.g. 111,222")
            return frozenset(int(p) for p in parts)
        return value

    @property
    def database_path(self) -> Path:
        return self.data_dir / DB_FILENAME

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def invitation_validity(self) -> timedelta:
        return timedelta(days=self.invitation_days)

    @property
    def retention(self) -> timedelta:
        return timedelta(days=self.retention_days)

    @property
    def token(self) -> str:
        """The token, for the commands that talk to Telegram; the others run without it."""
        if self.bot_token is None:
            raise ConfigError("KERJASOSIAL_BOT_TOKEN is not set")
        return self.bot_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line that names the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "KERJASOSIAL_" + str(first["loc"][0]).upper() if first["loc"] else "configuration"
        if first["type"] == "missing":
            raise ConfigError(f"{name} is not set") from None
        reason = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name} is invalid: {reason}") from None
