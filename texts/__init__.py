"""Every user-facing string, in one catalog per language.

Handlers and the scheduler both render messages, and ``bot/`` sits above them, so the
catalogs live in their own package below both. Every value substituted into a message is
HTML-escaped unless it is wrapped in :class:`Html` (already-rendered markup).
"""

import html
from collections.abc import Mapping
from typing import Final

from texts import catalog_en, catalog_id

DEFAULT_LANGUAGE: Final = "id"
CATALOGS: Final[Mapping[str, Mapping[str, str]]] = {
    "id": catalog_id.MESSAGES,
    "en": catalog_en.MESSAGES,
}

#: Telegram's limits, in characters after entity parsing.
MESSAGE_LIMIT: Final = 4096
CAPTION_LIMIT: Final = 1024


class Html(str):
    """Markup that has already been rendered safely and must not be escaped again."""


class Localized:
    """A value written differently in each language (a duration, a clock time).

    A notice is rendered for its reader when it is queued, by someone who may read another
    language: the value carries what it is, and the reader's catalog decides how it reads.
    """

    def in_language(self, lang: str) -> str:
        raise NotImplementedError


def language_of(language_code: str | None) -> str:
    """English for ``en*`` Telegram clients; Indonesian for everyone else."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


class Texts:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in CATALOGS else DEFAULT_LANGUAGE
        self._messages = CATALOGS[self.lang]

    def __call__(self, key: str, **values: object) -> Html:
        template = self._messages[key]
        safe = {
            k: v if isinstance(v, Html) else html.escape(self._text(v)) for k, v in values.items()
        }
        return Html(template.format(**safe))

    def _text(self, value: object) -> str:
        return value.in_language(self.lang) if isinstance(value, Localized) else str(value)

    def plain(self, key: str) -> str:
        """A string for places that take no markup (menu descriptions, button labels)."""
        return self._messages[key]


def for_user(language_code: str | None) -> Texts:
    return Texts(language_of(language_code))


def join_lines(lines: list[Html]) -> Html:
    return Html("\n".join(lines))


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split a long message at line breaks so that each part stays within Telegram's limit.

    Lines are never cut in the middle, so markup that does not span lines stays balanced;
    a single line longer than the limit is cut as a last resort.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
