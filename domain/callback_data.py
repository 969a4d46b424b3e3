"""Button payloads: short, versioned, and never trusted.

``callback_data`` is chosen by the client, so anyone can send any string. A payload only
names an object (``rev:v1:y:42``); the handler loads the object and checks the presser's
role on every press. Telegram caps the payload at 64 bytes.
"""

import re

VERSION = "v1"
MAX_BYTES = 64
_PART_RE = re.compile(r"^[A-Za-z0-9_.-]{1,24}$")


def encode(prefix: str, *parts: object) -> str:
    data = ":".join([prefix, VERSION, *(str(p) for p in parts)])
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {prefix}")
    return data


def decode(data: str | None, prefix: str, parts: int) -> list[str] | None:
    """The parts after ``prefix:v1:``, or None if the payload is not one of ours."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    fields = data.split(":")
    if len(fields) != parts + 2 or fields[0] != prefix or fields[1] != VERSION:
        return None
    if not all(_PART_RE.match(f) for f in fields[2:]):
        return None
    return fields[2:]


def decode_int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) <= 18 else None
