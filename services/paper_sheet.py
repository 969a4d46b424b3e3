"""The paper *daftar hadir*: a site's day on an A4 sheet, and entering it afterwards.

Some sites have no signal. The pengawas prints the day's sheet (``/daftar_hadir``): the host
agency's letterhead, the site and the day, every offender expected with their session, and
columns for the time of arrival and departure and the signatures of the offender and the
pengawas. Afterwards the pengawas types each person's times from the sheet; each is recorded
by the same rules as a check-in and a forgotten check-out typed by hand: a check-in event and a
check-out event both marked ``manual`` with the reason :data:`PAPER_REASON`, the ledger
recomputed under the law's caps, the case settled, the audit rows written. The case's PDF
lists it among the records entered by hand.

The sheet is always in Indonesian: it is a paper record of the site, like the Berita Acara.
reportlab is imported inside :func:`render`, which runs in a worker thread.
"""

import asyncio
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from domain import authority
from domain.cases import CaseStatus
from domain.models import Case, Site
from domain.session_life import Life, Step, allows
from services import attendance, sessions
from services.attendance import FUTURE_TOLERANCE, Message, Outcome, Recorded
from services.origin import Origin
from services.scope import supervising_scope
from storage.repositories import Store
from texts import Texts
from texts.formatting import format_day, format_instant, zone_abbreviation

PAPER_REASON = "daftar hadir kertas"
_ID = Texts("id")


@dataclass(frozen=True)
class SheetRow:
    case: Case
    starts_at: datetime
    ends_at: datetime
    without_telegram: bool
    life: Life


@dataclass(frozen=True)
class Sheet:
    site: Site
    day: date
    agency_name: str
    agency_address: str | None
    logo: bytes | None
    rows: tuple[SheetRow, ...]
    supervisor: str
    supervisor_nip: str | None
    made: datetime


async def my_sites(store: Store, origin: Origin) -> list[Site]:
    """The sites this pengawas records at."""
    if origin.actor.person is None or not authority.supervises(origin.actor):
        return []
    return await store.sites.supervised_by(origin.actor.person.id)


async def gather(store: Store, origin: Origin, site: Site, day: date) -> Sheet:
    """Everyone expected at ``site`` on ``day``: the running cases with a session there."""
    rows = []
    for session in await store.cases.site_sessions(site.id, day, day):
        case = await store.cases.get(session.case_id)
        if case is None or case.status is not CaseStatus.ACTIVE:
            continue
        rows.append(
            SheetRow(
                case=case,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                without_telegram=await store.phones.phone_of(case.id) is not None,
                life=await sessions.life_on(store, case, site, day),
            )
        )
    letterhead = await store.consequences.letterhead(site.host_agency_id)
    person = origin.actor.person
    return Sheet(
        site=site,
        day=day,
        agency_name=letterhead.name if letterhead else "",
        agency_address=letterhead.address if letterhead else None,
        logo=letterhead.logo if letterhead else None,
        rows=tuple(rows),
        supervisor=person.full_name if person else "",
        supervisor_nip=await store.consequences.nip_of(person.id) if person else None,
        made=origin.now,
    )


async def sheet_pdf(sheet: Sheet) -> bytes:
    return await asyncio.to_thread(render, sheet)


def filename(sheet: Sheet) -> str:
    return f"daftar-hadir-{sheet.day:%Y-%m-%d}-lokasi-{sheet.site.id}.pdf"


# -- the page --------------------------------------------------------------------------------

COLUMNS = (
    "No",
    "Nama peserta",
    "Jadwal ({zone})",
    "Jam datang",
    "Jam pulang",
    "Tanda tangan peserta",
    "Paraf pengawas",
    "Keterangan",
)


def _hhmm(instant: datetime, zone: str) -> str:
    return f"{instant.astimezone(ZoneInfo(zone)):%H.%M}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(sheet: Sheet) -> bytes:
    """Lay the sheet out on A4 (reportlab, loaded on first use, in a worker thread)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        HRFlowable,
        Image,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13)
    small = ParagraphStyle("small", body, fontSize=8, leading=10)
    cell = ParagraphStyle("cell", body, fontSize=9.5, leading=11.5)
    head_cell = ParagraphStyle(
        "head", cell, fontName="Helvetica-Bold", fontSize=8.5, leading=10, alignment=TA_CENTER
    )
    centre = ParagraphStyle("centre", body, alignment=TA_CENTER)
    kop_big = ParagraphStyle("kop1", centre, fontName="Helvetica-Bold", fontSize=14, leading=17)
    kop_small = ParagraphStyle("kop2", centre, fontSize=9, leading=11)
    title = ParagraphStyle("title", centre, fontName="Helvetica-Bold", fontSize=12.5, leading=16)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(_escape(text).replace("\n", "<br/>"), style)

    zone = sheet.site.timezone
    kop: list[Any] = [p(sheet.agency_name.upper(), kop_big)]
    if sheet.agency_address:
        kop.append(p(sheet.agency_address, kop_small))
    logo: Any = ""
    if sheet.logo:
        logo = Image(io.BytesIO(sheet.logo), width=2 * cm, height=2 * cm, kind="proportional")
    head = Table([[logo, kop, ""]], colWidths=[2.3 * cm, 13.4 * cm, 2.3 * cm])
    head.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    story: list[Any] = [
        head,
        Spacer(1, 3),
        HRFlowable(width="100%", thickness=2, color=colors.black, spaceAfter=1.5),
        HRFlowable(width="100%", thickness=0.6, color=colors.black, spaceAfter=10),
        Paragraph("DAFTAR HADIR PELAKSANAAN PIDANA KERJA SOSIAL", title),
        Spacer(1, 8),
    ]
    facts = [
        ("Lokasi", sheet.site.name),
        ("Alamat", sheet.site.address),
        ("Hari, tanggal", format_day(sheet.day, "id")),
        ("Pengawas", sheet.supervisor),
    ]
    info = Table([[p(k), p(":"), p(v)] for k, v in facts], colWidths=[3 * cm, 0.4 * cm, 14.6 * cm])
    info.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    story += [info, Spacer(1, 10)]
    columns = [c.format(zone=zone_abbreviation(zone)) for c in COLUMNS]
    data: list[list[Any]] = [[p(c, head_cell) for c in columns]]
    for n, row in enumerate(sheet.rows, start=1):
        # Nothing about Telegram or a phone on paper: the sheet lies on a table at the site.
        name = f"{row.case.offender_name}\n{row.case.code}"
        data.append(
            [
                p(str(n), cell),
                p(name, cell),
                p(f"{_hhmm(row.starts_at, zone)}–{_hhmm(row.ends_at, zone)}", cell),
                "",
                "",
                "",
                "",
                "",
            ]
        )
    if not sheet.rows:
        data.append(["", p("Tidak ada sesi terjadwal pada hari ini.", cell), *[""] * 6])
    widths = [0.9, 4.0, 2.4, 1.8, 1.8, 2.9, 2.0, 2.2]
    table = Table(
        data,
        colWidths=[w * cm for w in widths],
        rowHeights=[None] + [1.45 * cm] * (len(data) - 1),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("VALIGN", (0, 1), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 8)]
    story.append(
        p(
            "Jam ditulis dengan angka (misalnya 08.05). Peserta yang tidak datang: tulis "
            "alasannya di kolom Keterangan (sakit, izin, tanpa keterangan). Setelah sesi, "
            "masukkan jam dari lembar ini di kerjasosial: /daftar_hadir, lalu tombol "
            "\u201cIsi dari kertas\u201d. Catatan itu ditandai \u201cdaftar hadir kertas\u201d.",
            small,
        )
    )
    signature = Table(
        [
            [
                "",
                p(f"{sheet.site.name}, {format_day(sheet.day, 'id')}\nPengawas lokasi,", centre),
            ],
            ["", Spacer(1, 1.6 * cm)],
            ["", p(sheet.supervisor or "(.................................)", centre)],
            ["", p(f"NIP {sheet.supervisor_nip}" if sheet.supervisor_nip else "NIP", centre)],
        ],
        colWidths=[10 * cm, 8 * cm],
    )
    story += [Spacer(1, 14), KeepTogether(signature)]
    made = format_instant(sheet.made, zone, "id")

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(
            1.5 * cm,
            1.0 * cm,
            f"Dicetak dari kerjasosial, {made} · Halaman {doc.page}",
        )
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.3 * cm,
        bottomMargin=1.6 * cm,
        title=f"Daftar hadir {sheet.site.name} {sheet.day:%Y-%m-%d}",
        author="kerjasosial",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


# -- entering the sheet afterwards -----------------------------------------------------------


async def site_of(store: Store, origin: Origin, site_id: int) -> Site | None:
    """The site if this pengawas records at it."""
    scope = await supervising_scope(store, origin.actor)
    site = await store.sites.get(site_id)
    if site is None or not authority.records_at(scope, site.id):
        return None
    return site


async def to_enter(store: Store, origin: Origin, site: Site, day: date) -> list[SheetRow]:
    """The people of the sheet whose day is not recorded yet: nobody checked them in, no
    absence reported. Someone checked in with the bot that day is not offered."""
    sheet = await gather(store, origin, site, day)
    return [r for r in sheet.rows if r.life is Life.PLANNED]


class _Undo(Exception):
    def __init__(self, result: Recorded) -> None:
        super().__init__(result.outcome.value)
        self.result = result


async def enter_from_paper(
    origin: Origin,
    *,
    case_id: int,
    day: date,
    start: time,
    end: time,
    message: Message,
) -> Recorded:
    """One person's line of the paper sheet: arrived at ``start``, left at ``end``, on
    ``day`` in the site's zone. A check-in and a check-out typed by hand (``manual``, with
    :data:`PAPER_REASON`), under every rule a check-out by hand follows, in one transaction.
    """
    try:
        async with origin.transaction() as store:
            allowed = await attendance.case_to_record(store, origin, await store.cases.get(case_id))
            if allowed.outcome is not Outcome.RECORDED:
                return allowed
            case, site = allowed.case, allowed.site
            assert case is not None and site is not None
            zone = ZoneInfo(site.timezone)
            first = datetime.combine(day, start, tzinfo=zone)
            last = datetime.combine(day, end, tzinfo=zone)
            if last <= first:
                return Recorded(Outcome.END_BEFORE_START, case=case, site=site)
            if last > origin.now + FUTURE_TOLERANCE:
                return Recorded(Outcome.END_IN_FUTURE, case=case, site=site)
            life = await sessions.life_on(store, case, site, day)
            # A line of the paper stands for a day the bot has not recorded at all: someone
            # checked in with the bot that day (or still in) is not entered twice.
            if (
                life in (Life.IN_PROGRESS, Life.ATTENDED)
                or await store.attendance.open_for_case(case.id) is not None
            ):
                return Recorded(Outcome.ALREADY_IN, case=case, site=site, life=life)
            if not allows(life, Step.CHECK_IN):
                refused = (
                    Outcome.SESSION_CANCELLED if life is Life.CANCELLED else Outcome.SESSION_ABSENT
                )
                return Recorded(refused, case=case, site=site, life=life)
            planned = [
                s for s in await store.cases.case_sessions_on(case.id, day) if s.status == "planned"
            ]
            attendance_id, _ = await store.attendance.check_in(
                case_id=case.id,
                session_id=planned[0].id if planned else None,
                site_id=site.id,
                by=origin.person_id,
                start=first,
                chat_id=None,
                message_id=None,
                location=None,
                now=origin.now,
                manual=True,
                reason=PAPER_REASON,
            )
            await store.audit.append(
                action="attendance.check_in",
                subject=f"case:{case.id}",
                detail={"attendance_id": attendance_id, "manual": True, "paper": True},
                **origin.audit_fields(),
            )
            result = await attendance.record_check_out(
                store,
                origin,
                attendance_id=attendance_id,
                end=last,
                message=message,
                manual_reason=PAPER_REASON,
            )
            if result.outcome is not Outcome.RECORDED:
                raise _Undo(result)  # nothing of this line is kept
            return result
    except _Undo as undone:
        return undone.result
