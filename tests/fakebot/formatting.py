"""Telegram's text formatting modes, re-implemented for the fake Bot API.

The bot builds HTML by hand and interpolates user input into it. A fake that accepted any
string would let an unescaped "<" or a tag cut in half by a length split through the tests
and fail only in production, so the fake parses the text the way Telegram does: same tag set,
same entity offsets (UTF-16 code units), same failure descriptions ("Unsupported start tag
"foo" at byte offset 3"). The error *reason* is raised as :class:`EntityParseError`; the
server prefixes it with "Bad Request: can't parse entities: " like Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EntityParseError",
    "ParsedText",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "parse_text",
    "utf16_len",
]


class EntityParseError(ValueError):
    """The text is not valid in its parse mode; the message is Telegram's reason string."""


@dataclass
class ParsedText:
    """What Telegram stores for a formatted text: the plain text and its entities."""

    plain: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit of every MessageEntity offset and length."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    """Telegram reports parse errors by UTF-8 byte offset into the text it received."""
    return len(text[:index].encode("utf-8"))


def _sorted_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Telegram returns entities by offset, the outer (longer) one first; empty ones vanish."""
    kept = [e for e in entities if e["length"] > 0]
    return sorted(kept, key=lambda e: (e["offset"], -e["length"]))


class _Builder:
    """Accumulates plain text while tracking the UTF-16 position entities need."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += utf16_len(text)

    def text(self) -> str:
        return "".join(self.parts)


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_SIMPLE_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_SUPPORTED_TAGS = frozenset({*_SIMPLE_TAGS, "span", "a", "code", "pre", "blockquote", "tg-emoji"})
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_ATTR_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
_TG_USER_RE = re.compile(r"^tg://user\?id=(\d+)$")


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    """Decode one HTML entity at ``text[i] == '&'``: (character, index after it) or None.

    Only the four named entities Telegram documents and numeric references are understood;
    anything else (``&nbsp;``, a lone ``&``) is not an entity.
    """
    m = _ENTITY_RE.match(text, i)
    if m is None:
        return None
    if m.group(1):
        return _NAMED_ENTITIES[m.group(1)], m.end()
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), m.end()


def _decode_attr_value(value: str) -> str:
    """Attribute values may contain entities too (``href="a?x=1&amp;y=2"``)."""
    out: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "&":
            decoded = _decode_entity(value, i)
            if decoded is not None:
                out.append(decoded[0])
                i = decoded[1]
                continue
        out.append(value[i])
        i += 1
    return "".join(out)


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the plain text
    attrs: dict[str, str]


def _entity_for(tag: _OpenTag, end: int, parent: _OpenTag | None) -> dict[str, Any] | None:
    """The MessageEntity a closed tag produces, or None when Telegram silently drops it."""
    base: dict[str, Any] = {"offset": tag.start, "length": end - tag.start}
    if tag.name in _SIMPLE_TAGS:
        return {"type": _SIMPLE_TAGS[tag.name], **base}
    if tag.name == "span":
        return {"type": "spoiler", **base}
    if tag.name == "a":
        href = tag.attrs.get("href", "").strip()
        if not href:
            return None
        user = _TG_USER_RE.match(href)
        if user:
            return {"type": "text_mention", **base, "user": {"id": int(user.group(1))}}
        return {"type": "text_link", **base, "url": href}
    if tag.name == "code":
        language = tag.attrs.get("class", "")
        if parent is not None and parent.name == "pre" and language.startswith("language-"):
            # Telegram folds <pre><code class="language-x"> into one pre entity with a language;
            # the pre entity itself is emitted when </pre> closes, so mark the parent.
            parent.attrs["__language"] = language.removeprefix("language-")
            return None
        return {"type": "code", **base}
    if tag.name == "pre":
        entity: dict[str, Any] = {"type": "pre", **base}
        if tag.attrs.get("__language"):
            entity["language"] = tag.attrs["__language"]
        return entity
    if tag.name == "blockquote":
        kind = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
        return {"type": kind, **base}
    if tag.name == "tg-emoji":
        return {"type": "custom_emoji", **base, "custom_emoji_id": tag.attrs.get("emoji-id", "")}
    return None  # pragma: no cover - every supported tag is handled above


def parse_html(text: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse Telegram's HTML subset into plain text + entities, or raise EntityParseError.

    ``strict_ampersand``: Telegram itself keeps a "&" that does not start a known entity as a
    literal character. The fake rejects it by default so that a bot interpolating user input
    without ``html.escape`` is caught by the first test that types "Tom & Jerry" rather than by
    the first user who types "<3".
    """
    out = _Builder()
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    n = len(text)
    i = 0
    literal_start = 0

    def flush(upto: int) -> None:
        if upto > literal_start:
            out.add(text[literal_start:upto])

    while i < n:
        ch = text[i]
        if ch == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                flush(i)
                out.add(decoded[0])
                i = decoded[1]
                literal_start = i
                continue
            if strict_ampersand:
                raise EntityParseError(
                    f'Character "&" at byte offset {_byte_offset(text, i)} does not start an '
                    'HTML entity; escape it as "&amp;"'
                )
            i += 1
            continue
        if ch != "<":
            i += 1
            continue

        flush(i)
        begin = i
        i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] == "/":
            i += 1
            name_start = i
            while i < n and text[i] != ">" and not text[i].isspace():
                i += 1
            end_name = text[name_start:i].lower()
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != ">":
                raise EntityParseError(
                    f"Unclosed end tag at byte offset {_byte_offset(text, begin)}"
                )
            i += 1
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(text, begin)}"
                )
            top = stack[-1]
            if end_name != top.name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{top.name}>", found "</{end_name}>"'
                )
            stack.pop()
            entity = _entity_for(top, out.pos, stack[-1] if stack else None)
            if entity is not None:
                entities.append(entity)
            literal_start = i
            continue

        name_start = i
        while i < n and text[i] != ">" and not text[i].isspace():
            i += 1
        tag_name = text[name_start:i].lower()
        if tag_name not in _SUPPORTED_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{tag_name}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs: dict[str, str] = {}
        while True:
            while i < n and text[i].isspace():
                i += 1
            if i >= n:
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                )
            if text[i] == ">":
                i += 1
                break
            m = _ATTR_NAME_RE.match(text, i)
            if m is None:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag_name}" at byte offset '
                    f"{_byte_offset(text, begin)}"
                )
            attr_name = m.group(0).lower()
            i = m.end()
            while i < n and text[i].isspace():
                i += 1
            if i < n and text[i] == "=":
                i += 1
                while i < n and text[i].isspace():
                    i += 1
                if i >= n:
                    raise EntityParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                    )
                if text[i] in "\"'":
                    quote = text[i]
                    close = text.find(quote, i + 1)
                    if close < 0:
                        raise EntityParseError(
                            f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                        )
                    raw_value = text[i + 1 : close]
                    i = close + 1
                else:
                    value_start = i
                    while i < n and text[i] != ">" and not text[i].isspace():
                        i += 1
                    raw_value = text[value_start:i]
                attrs[attr_name] = _decode_attr_value(raw_value)
            else:
                attrs[attr_name] = ""
        if tag_name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        if tag_name == "tg-emoji" and not attrs.get("emoji-id"):
            raise EntityParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        stack.append(_OpenTag(tag_name, out.pos, attrs))
        literal_start = i

    flush(n)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return ParsedText(out.text(), _sorted_entities(entities))


# --------------------------------------------------------------------------------------------
# MarkdownV2
# --------------------------------------------------------------------------------------------

_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "code": "Code",
    "pre": "Pre",
}
_MDV2_MARKERS = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}


def _mdv2_marker_at(text: str, i: int) -> str | None:
    """The formatting marker starting at ``i`` (longest first: "__" before "_")."""
    if text.startswith("__", i):
        return "__"
    if text.startswith("||", i):
        return "||"
    if text[i] in "*_~":
        return text[i]
    return None


def parse_markdown_v2(text: str) -> ParsedText:
    """Parse MarkdownV2; every reserved character outside an entity marker must be escaped.

    Blockquotes (">" at a line start) are recognised only as plain markers and not turned into
    entities: the fake needs the validation (where bots break) more than the rendering.
    """
    out = _Builder()
    entities: list[dict[str, Any]] = []
    # (type, start UTF-16, begin byte index in text, marker)
    stack: list[tuple[str, int, int, str]] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if ch == "`":
            begin = i
            is_pre = text.startswith("```", i)
            i += 3 if is_pre else 1
            language = ""
            if is_pre:
                eol = text.find("\n", i)
                first_line = text[i:eol] if eol >= 0 else ""
                if eol >= 0 and first_line and " " not in first_line and "`" not in first_line:
                    language = first_line
                    i = eol + 1
            start = out.pos
            closer = "```" if is_pre else "`"
            while True:
                if i >= n:
                    kind = "Pre" if is_pre else "Code"
                    raise EntityParseError(
                        f"Can't find end of {kind} entity at byte offset "
                        f"{_byte_offset(text, begin)}"
                    )
                if text[i] == "\\" and i + 1 < n and text[i + 1] in "`\\":
                    out.add(text[i + 1])
                    i += 2
                    continue
                if text.startswith(closer, i):
                    i += len(closer)
                    break
                out.add(text[i])
                i += 1
            entity: dict[str, Any] = {
                "type": "pre" if is_pre else "code",
                "offset": start,
                "length": out.pos - start,
            }
            if language:
                entity["language"] = language
            entities.append(entity)
            continue
        if ch == "]" and stack and stack[-1][0] in ("text_link", "custom_emoji"):
            kind, start, begin, _ = stack.pop()
            i += 1
            if i >= n or text[i] != "(":
                raise EntityParseError(
                    f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset "
                    f"{_byte_offset(text, begin)}"
                )
            i += 1
            url_chars: list[str] = []
            while True:
                if i >= n:
                    raise EntityParseError(
                        f"Can't find end of a URL at byte offset {_byte_offset(text, begin)}"
                    )
                if text[i] == "\\" and i + 1 < n and text[i + 1] in ")\\":
                    url_chars.append(text[i + 1])
                    i += 2
                    continue
                if text[i] == ")":
                    i += 1
                    break
                url_chars.append(text[i])
                i += 1
            url = "".join(url_chars)
            link: dict[str, Any] = {"type": kind, "offset": start, "length": out.pos - start}
            if kind == "text_link":
                link["url"] = url
            else:
                link["custom_emoji_id"] = url.removeprefix("tg://emoji?id=")
            entities.append(link)
            continue
        marker = _mdv2_marker_at(text, i)
        if marker is not None and stack and stack[-1][3] == marker:
            kind, start, _begin, _ = stack.pop()
            entities.append({"type": kind, "offset": start, "length": out.pos - start})
            i += len(marker)
            continue
        if marker is not None:
            stack.append((_MDV2_MARKERS[marker], out.pos, i, marker))
            i += len(marker)
            continue
        if ch == "[":
            stack.append(("text_link", out.pos, i, "["))
            i += 1
            continue
        if ch == "!" and i + 1 < n and text[i + 1] == "[":
            stack.append(("custom_emoji", out.pos, i, "!["))
            i += 2
            continue
        if ch == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1
            continue
        if ch in _MDV2_RESERVED:
            raise EntityParseError(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        out.add(ch)
        i += 1
    if stack:
        kind, _start, begin, _ = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset "
            f"{_byte_offset(text, begin)}"
        )
    return ParsedText(out.text(), _sorted_entities(entities))


# --------------------------------------------------------------------------------------------
# legacy Markdown
# --------------------------------------------------------------------------------------------

_LEGACY_MARKERS = {"*": "bold", "_": "italic", "`": "code"}


def parse_markdown(text: str) -> ParsedText:
    """Parse legacy Markdown (no nesting; only the marker characters can be escaped)."""
    out = _Builder()
    entities: list[dict[str, Any]] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if ch in _LEGACY_MARKERS or ch == "[":
            begin = i
            if text.startswith("```", i):
                end = text.find("```", i + 3)
                if end < 0:
                    raise EntityParseError(
                        "Can't find end of the entity starting at byte offset "
                        f"{_byte_offset(text, begin)}"
                    )
                body = text[i + 3 : end]
                start = out.pos
                out.add(body)
                entities.append({"type": "pre", "offset": start, "length": out.pos - start})
                i = end + 3
                continue
            closer = "]" if ch == "[" else ch
            end = text.find(closer, i + 1)
            if end < 0:
                raise EntityParseError(
                    "Can't find end of the entity starting at byte offset "
                    f"{_byte_offset(text, begin)}"
                )
            start = out.pos
            out.add(text[i + 1 : end])
            i = end + 1
            if ch == "[":
                if i < n and text[i] == "(":
                    url_end = text.find(")", i)
                    if url_end < 0:
                        raise EntityParseError(
                            "Can't find end of the entity starting at byte offset "
                            f"{_byte_offset(text, begin)}"
                        )
                    entities.append(
                        {
                            "type": "text_link",
                            "offset": start,
                            "length": out.pos - start,
                            "url": text[i + 1 : url_end],
                        }
                    )
                    i = url_end + 1
                continue
            entities.append(
                {"type": _LEGACY_MARKERS[ch], "offset": start, "length": out.pos - start}
            )
            continue
        out.add(ch)
        i += 1
    return ParsedText(out.text(), _sorted_entities(entities))


def parse_text(
    text: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None = None,
    *,
    strict_ampersand: bool = True,
) -> ParsedText:
    """Apply ``parse_mode`` (case-insensitive like the Bot API) unless explicit entities win.

    Raises EntityParseError for a bad text and ValueError("unsupported parse_mode") for an
    unknown mode, which the server maps to Telegram's two different descriptions.
    """
    if entities:
        return ParsedText(text, _sorted_entities([dict(e) for e in entities]))
    mode = (parse_mode or "").lower()
    if mode == "":
        return ParsedText(text, [])
    if mode == "html":
        return parse_html(text, strict_ampersand=strict_ampersand)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    raise ValueError("unsupported parse_mode")
