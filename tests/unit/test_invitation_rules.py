"""Invitation tokens: strength, shape, single use, expiry and the failed-attempt lockout."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain import invitations as rules
from domain.invitations import Redeemability
from domain.models import Invitation
from domain.roles import Role

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def invitation(**changes: object) -> Invitation:
    base = Invitation(
        id=1,
        role=Role.PK,
        agency_id=1,
        created_by=1,
        created_at=NOW,
        expires_at=NOW + timedelta(days=7),
        used_at=None,
        used_by=None,
    )
    return base.model_copy(update=changes)


def test_tokens_carry_at_least_128_random_bits_and_fit_a_deep_link() -> None:
    tokens = {rules.new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert rules.is_well_formed(token)
        assert len(token) <= 64  # Telegram's limit for the start parameter
    assert rules.TOKEN_BYTES * 8 >= 128


def test_only_the_hash_is_kept_and_it_does_not_contain_the_token() -> None:
    token = rules.new_token()
    digest = rules.token_hash(token)
    assert token not in digest and len(digest) == 64
    assert rules.token_hash(token) == digest


@given(st.text(max_size=80))
def test_anything_else_is_malformed(text: str) -> None:
    if len(text) != 32 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in text):
        assert not rules.is_well_formed(text)


def test_redeemability_follows_use_and_expiry() -> None:
    assert rules.redeemability(None, NOW) is Redeemability.UNKNOWN
    assert rules.redeemability(invitation(), NOW) is Redeemability.OK
    assert rules.redeemability(invitation(), NOW + timedelta(days=7)) is Redeemability.EXPIRED
    used = invitation(used_at=NOW, used_by=2)
    assert rules.redeemability(used, NOW) is Redeemability.USED
    assert rules.redeemability(used, NOW + timedelta(days=30)) is Redeemability.USED


def test_five_failures_in_ten_minutes_lock_the_user_out_for_a_while() -> None:
    failures = [NOW - timedelta(minutes=m) for m in (9, 7, 5, 3, 1)]
    assert rules.locked_out_until(failures[1:], NOW) is None
    until = rules.locked_out_until(failures, NOW)
    assert until == NOW - timedelta(minutes=9) + timedelta(minutes=10)
    assert rules.locked_out_until(failures, until) is None


def test_old_failures_do_not_count() -> None:
    failures = [NOW - timedelta(minutes=11 + m) for m in range(20)]
    assert rules.locked_out_until(failures, NOW) is None
