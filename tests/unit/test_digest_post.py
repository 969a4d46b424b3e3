"""The digest's photo caption: the whole digest when it fits, its headline when it does not."""

from datetime import date

import pytest

from domain.digest import Digest
from services import digest as digests
from services.digest_post import caption_and_rest, caption_length
from texts import CAPTION_LIMIT, MESSAGE_LIMIT, Texts

WEEK = date(2026, 11, 23)
AGENCY = "Kejaksaan Negeri Samarinda"


def digest(cases: int) -> Digest:
    codes = [(f"KS-2026-{i:04d}", "B.S.") for i in range(1, cases + 1)]
    return Digest(
        week_start=WEEK,
        active_cases=cases,
        sessions_planned=3 * cases,
        sessions_held=2 * cases,
        credited_minutes_week=125 * cases,
        credited_minutes_total=1200 * cases,
        completions=1,
        absences_invalid=2,
        at_risk=tuple(codes),
        progress=tuple((code, initials, 600, 2400) for code, initials in codes),
    )


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_short_digest_is_the_whole_caption(lang: str) -> None:
    # 25 cases at risk still fit with the numbers: one photo, nothing after it.
    texts = Texts(lang)
    for cases in (2, 25):
        caption, rest = caption_and_rest(texts, AGENCY, digest(cases))
        assert caption == digests.render(texts, AGENCY, digest(cases)) and rest == ()


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("cases", [50, 80, 400])
def test_many_cases_keep_the_caption_within_the_limit(lang: str, cases: int) -> None:
    texts = Texts(lang)
    many = digest(cases)
    caption, rest = caption_and_rest(texts, AGENCY, many)
    assert caption_length(caption) <= CAPTION_LIMIT
    # The headline keeps the numbers and says how many are at risk; the list follows.
    assert AGENCY in caption and str(cases) in caption
    assert "KS-2026-0001" not in caption
    assert rest and all(len(part) <= MESSAGE_LIMIT for part in rest)
    assert "\n".join(rest) == digests.render(texts, AGENCY, many)
    assert all(f"KS-2026-{i:04d}" in "\n".join(rest) for i in range(1, cases + 1))


def test_an_absurdly_long_name_still_fits() -> None:
    caption, rest = caption_and_rest(Texts("id"), "Kejaksaan " * 150, digest(3))
    assert caption_length(caption) <= CAPTION_LIMIT and caption.endswith("…")
    assert "<" not in caption  # cut as plain text, never in the middle of a tag
    assert rest


def test_the_length_is_what_telegram_counts() -> None:
    assert caption_length("<b>a &amp; b</b>") == 5
    assert caption_length("📊") == 2  # UTF-16
