"""The printable invitation card: A6 portrait (105 × 148 mm), as a PNG and a PDF.

A bare QR code, once printed, tells nobody whom it is for, which role it gives or until
when. The card says it: the role and the agency in words, the bot's @username under the
code, for an offender the case and the first session (day, time, site and address), the
expiry in the site's (or else the agency's) time zone, and three lines on how to start.

The card is written from the stored invitation its token names, and only while that
invitation can still be redeemed: an expired or used one gives no card. The offender's name
appears on it because the invitation message beside it shows it already; nothing else of
the case does.

:func:`card_for_token` reads the record; :func:`compose` turns it into the card's words
(pure, in the inviter's language); :func:`layout` places them on the page (in points, from
the top left corner), and one drawing of that layout each makes the PNG and the PDF, so the
two never disagree. Pillow, segno and reportlab are imported inside the functions that draw
(the bot's start loads none of them), and :func:`render` runs off the event loop.
"""

import asyncio
import functools
import importlib.util
import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from domain import invitations as rules
from domain.invitations import Redeemability
from domain.models import Agency, Case, Invitation, Session, Site
from services import sessions
from storage.repositories import Store
from texts import Texts
from texts.formatting import format_clock, format_day, zone_abbreviation

if TYPE_CHECKING:
    import segno

#: A6 portrait in PostScript points (1 mm = 72 / 25.4 pt).
MM = 72 / 25.4
PAGE_WIDTH = 105 * MM
PAGE_HEIGHT = 148 * MM
#: The PNG is drawn for printing: 300 dots per inch, 1240 × 1748 pixels.
PNG_DPI = 300


@dataclass(frozen=True)
class Detail:
    """A labelled block of the card: "SESI PERTAMA" over the day, the site, the address."""

    label: str
    lines: tuple[str, ...]
    strong: int = -1  # the index of a line set in bold (the site's name), or -1


@dataclass(frozen=True)
class Card:
    """Everything printed on one card, already in the reader's language."""

    lang: str
    link: str  # the t.me deep link in the QR code
    kicker: str  # "KARTU UNDANGAN"
    role: str  # "Pengawas", in words
    agency: str
    bot: str  # "Bot Telegram @kerjasosial_bot"
    expires: str  # "Berlaku sampai Senin, 7 Desember 2026 pukul 14.00 WITA"
    expires_break: int  # where ``expires`` breaks when too long for a line: after the day
    single_use: str
    details: tuple[Detail, ...]
    how: str  # "CARA MEMULAI"
    steps: tuple[str, ...]
    file_stem: str  # "undangan-KS-2026-0042"

    def text_lines(self) -> list[str]:
        """Every text on the card, top to bottom, unwrapped (for a test to read)."""
        lines = [self.kicker, self.role, self.agency, self.bot, self.expires, self.single_use]
        for detail in self.details:
            lines += [detail.label, *detail.lines]
        return [*lines, self.how, *self.steps]


@dataclass(frozen=True)
class Rendered:
    png: bytes
    pdf: bytes


# -- the words ------------------------------------------------------------------------------


async def card_for_token(
    store: Store, token: str, *, bot_username: str, texts: Texts, now: datetime
) -> Card | None:
    """The card of the invitation ``token`` names, or None unless it can be redeemed now."""
    if not rules.is_well_formed(token):
        return None
    invitation = await store.invitations.by_token_hash(rules.token_hash(token))
    if invitation is None or rules.redeemability(invitation, now) is not Redeemability.OK:
        return None
    agency = await store.agencies.get(invitation.agency_id)
    assert agency is not None  # foreign key
    site = await store.sites.get(invitation.site_id) if invitation.site_id is not None else None
    case = await store.cases.get(invitation.case_id) if invitation.case_id is not None else None
    first: Session | None = None
    first_site: Site | None = None
    if case is not None:
        case_site = await store.sites.get(case.site_id)
        assert case_site is not None  # foreign key
        ahead = await sessions.ahead(store, case, case_site, now)
        first = ahead[0] if ahead else None
        first_site = await store.sites.get(first.site_id) if first is not None else case_site
    return compose(
        invitation,
        agency,
        token=token,
        bot_username=bot_username,
        texts=texts,
        now=now,
        site=site,
        case=case,
        first=first,
        first_site=first_site,
    )


def compose(
    invitation: Invitation,
    agency: Agency,
    *,
    token: str,
    bot_username: str,
    texts: Texts,
    now: datetime,
    site: Site | None = None,
    case: Case | None = None,
    first: Session | None = None,
    first_site: Site | None = None,
) -> Card | None:
    """The card's words, or None when the invitation is used or expired at ``now``.

    Times are in the zone of the site the card names (the pengawas's site, the offender's
    session), else the agency's: the zone of the person who will hold the card."""
    if rules.redeemability(invitation, now) is not Redeemability.OK:
        return None
    lang = texts.lang
    place = site or first_site
    zone = place.timezone if place is not None else agency.timezone

    def say(key: str, **values: object) -> str:
        return texts.plain(key).format(**values)

    details: list[Detail] = []
    if site is not None:
        details.append(Detail(say("card.site"), (site.name, site.address), strong=0))
    local = ZoneInfo(zone)
    if case is not None:
        who = say("card.case_line", code=case.code, name=case.offender_name)
        details.append(Detail(say("card.case"), (who,)))
        if first is not None and first_site is not None:
            details.append(
                Detail(
                    say("card.first_session"),
                    (
                        say(
                            "card.session_time",
                            day=format_day(first.starts_at.astimezone(local).date(), lang),
                            start=_clock(first.starts_at, zone, lang),
                            end=_clock(first.ends_at, zone, lang),
                            zone=zone_abbreviation(zone),
                        ),
                        first_site.name,
                        first_site.address,
                    ),
                    strong=1,
                )
            )
        else:
            details.append(Detail(say("card.first_session"), (say("card.no_session"),)))
    offender = invitation.case_id is not None  # an offender is invited to their case
    role = texts.plain(f"role.{invitation.role.value}")
    expires_day = format_day(invitation.expires_at.astimezone(local).date(), lang)
    expires = say(
        "card.expires", day=expires_day, time=format_clock(invitation.expires_at, zone, lang)
    )
    return Card(
        lang=lang,
        link=f"https://t.me/{bot_username}?start={token}",
        kicker=say("card.kicker"),
        role=role[:1].upper() + role[1:],
        agency=agency.name,
        bot=say("card.bot", bot=f"@{bot_username}"),
        expires=expires,
        expires_break=expires.find(expires_day) + len(expires_day),
        single_use=say("card.single_use"),
        details=tuple(details),
        how=say("card.how"),
        steps=(
            say("card.step1"),
            say("card.step2"),
            say("card.step3_offender" if offender else "card.step3"),
        ),
        file_stem=f"{say('card.file')}-{case.code if case else invitation.role.value}",
    )


def _clock(instant: datetime, zone: str, lang: str) -> str:
    """08.00 (or 08:00), the zone said once after the session's end."""
    return format_clock(instant, zone, lang).rsplit(" ", 1)[0]


# -- the layout -----------------------------------------------------------------------------

NAVY = (31, 58, 95)
ACCENT = (170, 60, 20)
INK = (28, 28, 28)
GREY = (105, 105, 105)
RULE = (200, 200, 200)
PALE = (205, 218, 235)
WHITE = (255, 255, 255)

Color = tuple[int, int, int]


@dataclass(frozen=True)
class Text:
    """One line of text; ``y`` is its baseline; ``x`` its left end, or its middle if centred."""

    x: float
    y: float
    text: str
    size: float
    bold: bool = False
    color: Color = INK
    centred: bool = False


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: Color | None = None
    stroke: Color | None = None
    radius: float = 0.0


@dataclass(frozen=True)
class Code:
    """The QR code's modules, dark ones drawn, in a square ``size`` wide at ``x``, ``y``."""

    x: float
    y: float
    size: float


Item = Text | Box | Code
#: Width in points of a text at a size, in the regular or the bold face.
Measure = Callable[[str, float, bool], float]

MARGIN = 9 * MM  # the text's left and right margin
FRAME = 3 * MM  # the thin border to cut along when the card is printed on a larger sheet
RADIUS = 2 * MM  # its corners


def layout(card: Card, measure: Measure, modules: int) -> list[Item]:
    """The card placed on the page, in points from the top left corner, with the code of
    ``modules`` modules a side as large as the page allows (it shrinks before the text)."""
    for scale in (1.0, 0.93, 0.86, 0.8, 0.75):
        for qr_mm in (50, 47, 44, 41, 38, 35, 32):
            items, bottom = _place(card, measure, modules, qr_mm * MM, scale)
            if bottom <= PAGE_HEIGHT - 6 * MM:
                return items
    return items


def _place(
    card: Card, measure: Measure, modules: int, qr_size: float, scale: float
) -> tuple[list[Item], float]:
    width = PAGE_WIDTH - 2 * MARGIN
    items: list[Item] = []
    centre = PAGE_WIDTH / 2

    def wrap(
        text: str, size: float, bold: bool = False, indent: float = 0.0, most: int = 4
    ) -> list[str]:
        """``text`` in lines, at most ``most`` of them: a longer one ends in "…"."""
        lines = _wrap(text, lambda t: measure(t, size, bold), width - indent)
        if len(lines) <= most:
            return lines
        last = lines[most - 1]
        while last and measure(last + "…", size, bold) > width - indent:
            last = last[:-1]
        return [*lines[: most - 1], last.rstrip() + "…"]

    # The band at the top: what the card is, the role, the agency.
    y = FRAME + 7 * MM
    header: list[Item] = [Text(MARGIN, y, card.kicker, 7.5 * scale, True, PALE)]
    role_size = _fitting(card.role, lambda s: measure(card.role, s, True), width, 16, 12)
    for line in wrap(card.role, role_size, True, most=2):
        y += role_size * 1.2
        header.append(Text(MARGIN, y, line, role_size, True, WHITE))
    agency_size = 10 * scale
    for line in wrap(card.agency, agency_size, most=2):
        y += agency_size * 1.3
        header.append(Text(MARGIN, y, line, agency_size, False, WHITE))
    band_bottom = y + 4.5 * MM
    # Rounded at the top like the frame, square where it meets the white.
    band_width = PAGE_WIDTH - 2 * FRAME
    items.append(Box(FRAME, FRAME, band_width, band_bottom - FRAME, fill=NAVY, radius=RADIUS))
    items.append(Box(FRAME, FRAME + RADIUS, band_width, band_bottom - FRAME - RADIUS, fill=NAVY))
    items += header

    # The code, with its quiet zone of four modules clear of the band.
    module = qr_size / modules
    y = band_bottom + max(4 * module, 4 * MM)
    items.append(Code(centre - qr_size / 2, y, qr_size))
    y += qr_size + 5.5 * MM
    bot_size = 10.5 * scale
    items.append(Text(centre, y, card.bot, bot_size, True, NAVY, centred=True))

    size = 9 * scale
    y += 2 * MM
    if measure(card.expires, size, True) <= width:
        expiry = [card.expires]
    else:  # "Berlaku sampai Senin, 7 Desember 2026" over "pukul 14.00 WITA"
        cut = card.expires_break
        expiry = [*wrap(card.expires[:cut], size, True), *wrap(card.expires[cut:], size, True)]
    for line in expiry:
        y += size * 1.3
        items.append(Text(centre, y, line, size, True, ACCENT, centred=True))
    small = 7.5 * scale
    for line in wrap(card.single_use, small):
        y += small * 1.35
        items.append(Text(centre, y, line, small, False, GREY, centred=True))

    label, body = 7 * scale, 9 * scale
    for detail in card.details:
        y += 3.2 * MM
        items.append(Box(MARGIN, y, width, 0, stroke=RULE))
        y += 2.2 * MM + label
        items.append(Text(MARGIN, y, detail.label, label, True, GREY))
        for n, text in enumerate(detail.lines):
            bold = n == detail.strong
            for line in wrap(text, body, bold, most=3):
                y += body * 1.3
                items.append(Text(MARGIN, y, line, body, bold, INK))

    y += 3.2 * MM
    items.append(Box(MARGIN, y, width, 0, stroke=RULE))
    y += 2.2 * MM + label
    items.append(Text(MARGIN, y, card.how, label, True, GREY))
    step = 8.5 * scale
    for n, text in enumerate(card.steps, start=1):
        number = f"{n}."
        indent = measure("0. ", step, True)
        for k, line in enumerate(wrap(text, step, indent=indent)):
            y += step * 1.3
            if k == 0:
                items.append(Text(MARGIN, y, number, step, True, NAVY))
            items.append(Text(MARGIN + indent, y, line, step, False, INK))

    # The frame last, over the band's edge.
    frame = PAGE_WIDTH - 2 * FRAME, PAGE_HEIGHT - 2 * FRAME
    items.append(Box(FRAME, FRAME, *frame, stroke=RULE, radius=RADIUS))
    return items, y


def _fitting(
    text: str, width_at: Callable[[float], float], width: float, largest: float, smallest: float
) -> float:
    """The largest size from ``largest`` down to ``smallest`` at which ``text`` fits one line."""
    size = largest
    while size > smallest and width_at(size) > width:
        size -= 0.5
    return size


def _wrap(text: str, width_of: Callable[[str], float], width: float) -> list[str]:
    """``text`` in lines no wider than ``width``, broken between words (inside one only if
    that word alone is too wide)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if width_of(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while width_of(word) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and width_of(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


# -- drawing --------------------------------------------------------------------------------


_REGISTERING = threading.Lock()


@functools.cache
def font_files() -> tuple[Path, Path]:
    """DejaVu Sans, regular and bold: matplotlib's own copy (a dependency), else the
    system's. It has every letter Indonesian (and an offender's name) may need."""
    places = []
    spec = importlib.util.find_spec("matplotlib")  # finds it without importing it
    if spec is not None and spec.origin is not None:
        places.append(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf")
    places += [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
    for place in places:
        regular, bold = place / "DejaVuSans.ttf", place / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    raise FileNotFoundError("DejaVuSans.ttf: install matplotlib or fonts-dejavu-core")


@functools.cache
def _pil_font(bold: bool, pixels: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(
        str(font_files()[1 if bold else 0]), pixels, layout_engine=ImageFont.Layout.BASIC
    )


def measure(text: str, size: float, bold: bool) -> float:
    """A text's width in points, from the font file's own advances (as the PDF sets it)."""
    return float(_pil_font(bold, 1000).getlength(text)) * size / 1000


def _qr(link: str) -> "segno.QRCode":
    import segno

    return segno.make(link, error="m")


def _dark_runs(qr: "segno.QRCode") -> list[tuple[int, int, int]]:
    """The code's dark modules as (row, first column, length) runs along each row."""
    runs = []
    for row, modules in enumerate(qr.matrix_iter(border=0)):
        start = None
        for col, dark in enumerate([*modules, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                runs.append((row, start, col - start))
                start = None
    return runs


def card_png(card: Card, dpi: int = PNG_DPI) -> bytes:
    from PIL import Image, ImageDraw

    qr = _qr(card.link)
    modules = int(qr.symbol_size(border=0)[0])
    items = layout(card, measure, modules)
    px = dpi / 72  # pixels per point
    image = Image.new("RGB", (round(PAGE_WIDTH * px), round(PAGE_HEIGHT * px)), WHITE)
    draw = ImageDraw.Draw(image)
    for item in items:
        if isinstance(item, Box):
            box = (
                item.x * px,
                item.y * px,
                (item.x + item.width) * px,
                (item.y + item.height) * px,
            )
            if item.height == 0:
                draw.line(box, fill=item.stroke, width=max(1, round(0.6 * px)))
            else:
                draw.rounded_rectangle(
                    box,
                    radius=item.radius * px,
                    fill=item.fill,
                    outline=item.stroke,
                    width=max(1, round(0.6 * px)) if item.stroke else 0,
                )
        elif isinstance(item, Text):
            font = _pil_font(item.bold, round(item.size * px))
            draw.text(
                (item.x * px, item.y * px),
                item.text,
                font=font,
                fill=item.color,
                anchor="ms" if item.centred else "ls",
            )
        else:
            # Whole pixels per module, so every module is the same size: scanners like that.
            unit = int(item.size * px // modules)
            left = round((item.x + item.size / 2) * px - unit * modules / 2)
            top = round((item.y + item.size / 2) * px - unit * modules / 2)
            for row, col, length in _dark_runs(qr):
                draw.rectangle(
                    (
                        left + col * unit,
                        top + row * unit,
                        left + (col + length) * unit - 1,
                        top + (row + 1) * unit - 1,
                    ),
                    fill=(0, 0, 0),
                )
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def card_pdf(card: Card) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    regular, bold = "KerjasosialDejaVu", "KerjasosialDejaVu-Bold"
    with _REGISTERING:  # reportlab's registry is global; two cards may be drawn at once
        if bold not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(regular, str(font_files()[0])))
            pdfmetrics.registerFont(TTFont(bold, str(font_files()[1])))
    qr = _qr(card.link)
    modules = int(qr.symbol_size(border=0)[0])
    items = layout(card, measure, modules)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=True)
    pdf.setTitle(f"{card.kicker.title()}: {card.role} · {card.agency}")
    pdf.setSubject(card.expires)
    pdf.setCreator("kerjasosial")

    def colour(rgb: Color) -> tuple[float, float, float]:
        return (rgb[0] / 255, rgb[1] / 255, rgb[2] / 255)

    for item in items:
        if isinstance(item, Box):
            top = PAGE_HEIGHT - item.y
            if item.height == 0:
                pdf.setStrokeColorRGB(*colour(item.stroke or RULE))
                pdf.setLineWidth(0.6)
                pdf.line(item.x, top, item.x + item.width, top)
                continue
            if item.fill is not None:
                pdf.setFillColorRGB(*colour(item.fill))
            if item.stroke is not None:
                pdf.setStrokeColorRGB(*colour(item.stroke))
                pdf.setLineWidth(0.6)
            pdf.roundRect(
                item.x,
                top - item.height,
                item.width,
                item.height,
                item.radius,
                stroke=int(item.stroke is not None),
                fill=int(item.fill is not None),
            )
        elif isinstance(item, Text):
            pdf.setFillColorRGB(*colour(item.color))
            pdf.setFont(bold if item.bold else regular, item.size)
            draw = pdf.drawCentredString if item.centred else pdf.drawString
            draw(item.x, PAGE_HEIGHT - item.y, item.text)
        else:
            unit = item.size / modules
            pdf.setFillColorRGB(0, 0, 0)
            path = pdf.beginPath()
            for row, col, length in _dark_runs(qr):
                path.rect(
                    item.x + col * unit,
                    PAGE_HEIGHT - item.y - (row + 1) * unit,
                    length * unit,
                    unit,
                )
            pdf.drawPath(path, stroke=0, fill=1)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


#: One card drawn at a time: Pillow's fonts (cached, shared) are not made for two threads.
_DRAWING = threading.Lock()


def _render_both(card: Card) -> Rendered:
    with _DRAWING:
        return Rendered(png=card_png(card), pdf=card_pdf(card))


async def render(card: Card) -> Rendered:
    """The card as a PNG (to show) and a PDF (to print), drawn in a worker thread."""
    return await asyncio.to_thread(_render_both, card)


def all_text(items: Sequence[Item]) -> list[str]:
    """The text of a layout, line by line as printed."""
    return [item.text for item in items if isinstance(item, Text)]
