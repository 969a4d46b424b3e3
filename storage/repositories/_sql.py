"""Conversions between Python values and the database's column formats."""

from datetime import UTC, datetime


def ts(value: datetime) -> str:
    """An aware instant as the UTC ISO string stored in the database."""
    if value.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware UTC instant")
    return value.astimezone(UTC).isoformat()


def parse_ts(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)
