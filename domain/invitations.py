"""Invitation tokens: how they look, how they are stored and when they may be redeemed.

A token travels in a ``t.me/<bot>?start=<token>`` deep link, so it must fit Telegram's
``start`` parameter (1-64 characters of ``A-Za-z0-9_-``). Only its SHA-256 is stored: a copy
of the database does not let anyone join.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from domain.lockout import Lockout
from domain.models import Invitation
from domain.roles import Role

#: 24 random bytes = 192 bits, above the 128 the issue asks for; 32 URL-safe characters.
TOKEN_BYTES = 24
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")

DEFAULT_VALIDITY = timedelta(days=7)

#: Failed redemptions allowed per user within the window before further tries are refused.
MAX_FAILED_REDEMPTIONS = 5
FAILED_REDEMPTION_WINDOW = timedelta(minutes=10)
_REDEMPTION_LOCKOUT = Lockout(MAX_FAILED_REDEMPTIONS, FAILED_REDEMPTION_WINDOW)


class Redeemability(StrEnum):
    OK = "ok"
    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


def names_a_case(role: Role) -> bool:
    """An offender's invitation is for one case: redeeming it links them to that sentence."""
    return role is Role.TERPIDANA


def names_a_site(role: Role) -> bool:
    """A supervisor's invitation is for one work site: redeeming it makes them its pengawas."""
    return role is Role.PENGAWAS


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_well_formed(token: str) -> bool:
    return bool(_TOKEN_RE.match(token))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def redeemability(invitation: Invitation | None, now: datetime) -> Redeemability:
    """Why an invitation can or cannot be redeemed now; 'used' wins over 'expired'."""
    if invitation is None:
        return Redeemability.UNKNOWN
    if invitation.used_at is not None:
        return Redeemability.USED
    if now >= invitation.expires_at:
        return Redeemability.EXPIRED
    return Redeemability.OK


def locked_out_until(failures: list[datetime], now: datetime) -> datetime | None:
    """When a user with these failed redemptions may try again, or None if they may now.

    :data:`MAX_FAILED_REDEMPTIONS` failures within the window lock the user out until
    the window has slid past enough of them. Guessing a 192-bit token is hopeless anyway;
    this stops a script from hammering the database and the audit log.
    """
    return _REDEMPTION_LOCKOUT.locked_until(failures, now)
