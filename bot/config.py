"""Configuration from environment variables (and an optional ``.env`` file).

The names are fixed by the operators' manual: ``KERJASOSIAL_BOT_TOKEN``,
``KERJASOSIAL_API_URL``, ``KERJASOSIAL_DATA_DIR``, ``KERJASOSIAL_TIMEZONE``,
``KERJASOSIAL_ADMIN_IDS``; and ``KERJASOSIAL_INVITATION_DAYS``, ``KERJASOSIAL_RETENTION_DAYS``.
"""

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.db import DB_FILENAME

_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


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

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_RE.match(value.get_secret_value()):
            # Never echo the value: it may be a real token with a typo.
            raise ValueError("must look like 123456789:ABC-def (as given by @BotFather)")
        return value

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
