"""Inline keyboards: one choice per row, long lists paged, so they stay usable on a small phone."""

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from texts import Texts

PAGE_SIZE = 8


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def clamp_page(page: int, total: int) -> int:
    return min(max(page, 0), page_count(total) - 1)


def choices(
    items: Sequence[tuple[str, str]],
    *,
    texts: Texts,
    page: int = 0,
    total: int | None = None,
    nav: Callable[[int], str] | None = None,
    already_paged: bool = False,
) -> InlineKeyboardMarkup:
    """A button per ``(label, callback_data)``; with ``nav``, one page and ‹ › buttons.

    ``already_paged`` means ``items`` is the page itself (fetched with LIMIT/OFFSET) and
    ``total`` counts them all.
    """
    total = len(items) if total is None else total
    shown = (
        items if already_paged or nav is None else items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    )
    rows = [[InlineKeyboardButton(label, callback_data=data)] for label, data in shown]
    if nav is not None and page_count(total) > 1:
        row = []
        if page > 0:
            row.append(
                InlineKeyboardButton(texts.plain("button.previous"), callback_data=nav(page - 1))
            )
        if page < page_count(total) - 1:
            row.append(
                InlineKeyboardButton(texts.plain("button.next"), callback_data=nav(page + 1))
            )
        rows.append(row)
    return InlineKeyboardMarkup(rows)


def confirm(
    texts: Texts,
    yes: str,
    no: str,
    *,
    yes_label: str = "button.confirm",
    no_label: str = "button.cancel",
) -> InlineKeyboardMarkup:
    """Two buttons side by side; the labels say what will happen, not just "OK"."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.plain(yes_label), callback_data=yes),
                InlineKeyboardButton(texts.plain(no_label), callback_data=no),
            ]
        ]
    )
