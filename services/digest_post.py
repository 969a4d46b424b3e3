"""The digest as a group receives it: one photo, the chart, with the headline as its caption.

The whole digest is the caption when it fits in one (1,024 characters). When it does not
(a long list of cases at risk), the caption keeps the headline numbers and says how many
cases are at risk, and the whole text follows as a message of its own. ``/ringkasan`` and the
scheduled digest both post what :func:`digest_post` makes, so the two never differ.

Like the text, the chart names no one: codes and initials only.
"""

import html
import re
from dataclasses import dataclass, replace

from domain.digest import Digest
from services import digest as digests
from services.charts import render_digest_png
from texts import CAPTION_LIMIT, Html, Texts, join_lines, split_message

_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class DigestPost:
    photo: bytes  # the chart, a PNG
    caption: Html  # within Telegram's caption limit
    #: Messages after the photo, each within a message's limit: the whole digest, or nothing
    #: when the caption is the whole digest.
    follow_up: tuple[Html, ...]


async def digest_post(texts: Texts, title: str, digest: Digest) -> DigestPost:
    """The chart (drawn in a worker thread) and the words that go with it."""
    caption, follow_up = caption_and_rest(texts, title, digest)
    return DigestPost(
        photo=await render_digest_png(digest, texts, title),
        caption=caption,
        follow_up=follow_up,
    )


def caption_and_rest(texts: Texts, title: str, digest: Digest) -> tuple[Html, tuple[Html, ...]]:
    """The photo's caption and the messages after it (see the module's docstring)."""
    whole = digests.render(texts, title, digest)
    if caption_length(whole) <= CAPTION_LIMIT:
        return whole, ()
    caption = headline(texts, title, digest)
    if caption_length(caption) > CAPTION_LIMIT:  # an agency's name longer than any real one
        caption = _cut(caption)
    return caption, tuple(Html(part) for part in split_message(whole))


def headline(texts: Texts, title: str, digest: Digest) -> Html:
    """The digest's numbers, with how many cases are at risk instead of their list: the
    digest's own text (``services.digest.render``) as if none were, so the two agree."""
    calm = digests.render(texts, title, replace(digest, at_risk=()))
    if not digest.at_risk:
        return calm
    numbers = calm.removesuffix(texts("digest.no_risk")).rstrip("\n")
    return join_lines([Html(numbers), texts("chart.caption_more", count=len(digest.at_risk))])


def caption_length(text: str) -> int:
    """What Telegram counts of an HTML caption: the text without its tags, in UTF-16 code
    units (an emoji counts two)."""
    return len(html.unescape(_TAG.sub("", text)).encode("utf-16-le")) // 2


def _cut(caption: Html) -> Html:
    """The caption as plain text, cut to the limit: markup cannot be cut safely."""
    plain = html.unescape(_TAG.sub("", caption))
    while caption_length(html.escape(plain)) > CAPTION_LIMIT - 1:
        plain = plain[: max(len(plain) - 16, 0)]
    return Html(html.escape(plain) + "…")
