"""The *Berita Acara Pelaksanaan Pidana Kerja Sosial*: the record that closes a case.

Made once, when the case ends (completed, or closed as not completed), and kept with the
case: the jaksa and the PK get it, and ``/laporan KS-…`` and ``kerjasosial report --case``
give the same bytes afterwards. Its delivery is an outbox row written in the closing
transaction; the dispatcher makes the document when it first sends it (``kept_or_made``), so a
crash between the closing and the rendering loses nothing.

It carries the agency's letterhead (name and address from the agency's settings, the logo
if an admin uploaded one), the decision, the offender as stored, the site, the hours ordered,
credited per month and outstanding, the absences and the jaksa's rulings (and any ruling
changed), corrections, days sent home and warnings, the outcome with the basis of any
replaced sentence, and signature blocks with names and NIP. Always in Indonesian: it is an
official record, like the decision it closes.
"""

import asyncio
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from domain.cases import CaseStatus
from domain.ledger import EventKind
from domain.models import Case
from storage.db import Database
from storage.repositories import Store
from storage.repositories.consequences import Closure, Letterhead
from texts import Texts, berita_acara
from texts.formatting import format_day, format_hours, weekday_names

KIND = "berita_acara"
NOTICE_KIND = "document.berita_acara"
WORDS = berita_acara.LABELS
_PLACE_PREFIXES = ("Kejaksaan Negeri ", "Kejaksaan Tinggi ", "Cabang Kejaksaan Negeri ")


def filename(case: Case) -> str:
    return f"Berita-Acara-{case.code}.pdf"


async def deliver(store: Store, case: Case, *, now: datetime) -> int:
    """Queue the record for the jaksa and the PK, in the caller's transaction."""
    written = 0
    for person_id in (case.jaksa_person_id, case.pk_person_id):
        person = await store.people.get(person_id) if person_id is not None else None
        if person is None or person.telegram_user_id <= 0:
            continue
        texts = Texts(person.language_code or "id")
        written += await store.outbox.add(
            dedupe_key=f"{KIND}:{case.id}:{now.isoformat()}:{person.id}",
            chat_id=person.telegram_user_id,
            kind=NOTICE_KIND,
            payload={
                "document": {"case_id": case.id, "kind": KIND},
                "filename": filename(case),
                "caption": texts("closing.record_caption", code=case.code),
            },
            due_at=now,
            now=now,
        )
    return written


async def kept_or_made(db: Database, case_id: int, *, now: datetime) -> bytes | None:
    """The case's Berita Acara: the one kept, or made now and kept. None while the case runs."""
    reader = db.reader()
    kept = await reader.consequences.document(case_id, KIND)
    if kept is not None:
        return kept
    case = await reader.cases.get(case_id)
    if case is None or case.status is CaseStatus.ACTIVE:
        return None
    record = await gather(reader, case, now=now)
    content = await asyncio.to_thread(render, record)
    async with db.transaction() as tx:
        await tx.consequences.keep_document(case_id, KIND, content, now=now)
    # If two made it at once, the first kept is the one everybody gets.
    return await db.reader().consequences.document(case_id, KIND)


# -- what the record says ------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    title: str
    name: str | None
    nip: str | None


@dataclass
class Record:
    case: Case
    letterhead: Letterhead
    parent_name: str | None
    agency_type: str
    site_lines: list[tuple[str, str]]
    closure: Closure
    zone: str
    months: list[tuple[str, int, int]]  # (month in words, days, minutes)
    absences: list[tuple[str, str, str, str]]  # day, category, reason, ruling (+ its reason)
    ruling_changes: list[str]
    notes: list[tuple[date, str]]
    signers: list[Signer]
    made: datetime


async def gather(store: Store, case: Case, *, now: datetime) -> Record:
    site = await store.sites.get(case.site_id)
    assert site is not None
    agency = await store.agencies.get(case.agency_id)
    assert agency is not None
    parent = await store.agencies.get(agency.parent_id) if agency.parent_id else None
    letterhead = await store.consequences.letterhead(case.agency_id)
    assert letterhead is not None
    host = await store.agencies.get(site.host_agency_id)
    closure = await store.consequences.closure(case.id) or _closure_of_completed(case)
    credited = (await store.figures.credited([case.id], date.min, date.max)).get(case.id)
    months: dict[tuple[int, int], list[int]] = {}
    for day, minutes in sorted((credited.by_day if credited else {}).items()):
        entry = months.setdefault((day.year, day.month), [0, 0])
        entry[0] += 1
        entry[1] += minutes
    absences = []
    for a in await store.consequences.absences_for_record(case.id):
        ruling = WORDS[f"ruling.{a['ruling'] or 'pending'}"]
        if a["ruling_reason"]:
            ruling += f" — {a['ruling_reason']}"
        absences.append(
            (
                format_day(date.fromisoformat(str(a["day"])), "id"),
                WORDS[f"category.{a['category']}"],
                str(a["reason"] or "—"),
                ruling,
            )
        )
    changes = [
        WORDS["absence.changed"].format(
            day=format_day(date.fromisoformat(c.day), "id"),
            old=WORDS[f"ruling.{c.old_ruling}"],
            new=WORDS[f"ruling.{c.new_ruling}"],
            reason=c.reason,
        )
        for c in await store.consequences.ruling_changes_of_case(case.id)
    ]
    zone = ZoneInfo(site.timezone)
    events = await store.attendance.events_of_case(case.id)
    started = {e.attendance_id: e.start for e in events if e.kind is EventKind.CHECK_IN}
    notes: list[tuple[date, str]] = []
    for event in events:
        start = started.get(event.attendance_id)
        if start is None:
            continue
        day = start.astimezone(zone).date()
        values = {"day": format_day(day, "id"), "reason": event.reason or "—"}
        if event.kind is EventKind.CORRECTION:
            notes.append((day, WORDS["record.corrected"].format(**values)))
        elif event.kind is EventKind.VOID:
            notes.append((day, WORDS["record.void"].format(**values)))
        elif event.kind is EventKind.CHECK_OUT and event.manual:
            notes.append((day, WORDS["record.manual"].format(**values)))
    for attendance_id, (cause, reason) in (
        await store.attendance.sent_home_of_case(case.id)
    ).items():
        if (start := started.get(attendance_id)) is not None:
            day = start.astimezone(zone).date()
            notes.append(
                (
                    day,
                    WORDS["record.sent_home"].format(
                        day=format_day(day, "id"), cause=WORDS[f"cause.{cause}"], reason=reason
                    ),
                )
            )
    for warning in await store.consequences.warnings_of_case(case.id):
        day = warning.at.astimezone(zone).date()
        notes.append(
            (
                day,
                WORDS["record.warning"].format(
                    day=format_day(day, "id"), level="I" * warning.level, text=warning.text
                ),
            )
        )
    supervisors = await store.sites.supervisors_of(site.id)
    signers = [
        await _signer(store, WORDS["sign.jaksa"], case.jaksa_person_id),
        await _signer(store, WORDS["sign.pk"], case.pk_person_id),
        await _signer(store, WORDS["sign.pengawas"], supervisors[0] if supervisors else None),
    ]
    return Record(
        case=case,
        letterhead=letterhead,
        parent_name=parent.name if parent else None,
        agency_type=agency.type.value,
        site_lines=[
            (WORDS["site.name"], site.name),
            (WORDS["site.host"], host.name if host else "—"),
            (WORDS["site.address"], site.address),
        ],
        closure=closure,
        zone=site.timezone,
        months=[
            (format_date(date(y, m, 1), "MMMM y", locale="id_ID"), d, mins)
            for (y, m), (d, mins) in months.items()
        ],
        absences=absences,
        ruling_changes=changes,
        notes=sorted(notes, key=lambda n: n[0]),
        signers=signers,
        made=now,
    )


def _closure_of_completed(case: Case) -> Closure:
    """A case completed before closures were recorded: its hours are all credited."""
    minutes = case.hours_total * 60
    at = case.closed_at or case.created_at
    return Closure("selesai", None, minutes, minutes, None, None, None, None, None, at)


async def _signer(store: Store, title: str, person_id: int | None) -> Signer:
    person = await store.people.get(person_id) if person_id is not None else None
    if person is None or person.telegram_user_id <= 0:
        return Signer(title, None, None)
    return Signer(title, person.full_name, await store.consequences.nip_of(person.id))


def place_of(agency_name: str) -> str:
    """ "Kejaksaan Negeri Samarinda" -> "Samarinda": where the record is signed."""
    for prefix in _PLACE_PREFIXES:
        if agency_name.startswith(prefix):
            return agency_name.removeprefix(prefix)
    return agency_name


# -- the page ------------------------------------------------------------------------------


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()["BodyText"]
    body = ParagraphStyle("body", base, fontName="Times-Roman", fontSize=11, leading=14.5)
    centre = ParagraphStyle("centre", body, alignment=TA_CENTER)
    return {
        "body": body,
        "justified": ParagraphStyle("just", body, alignment=TA_JUSTIFY),
        "small": ParagraphStyle("small", body, fontSize=9.5, leading=12),
        "heading": ParagraphStyle("head", body, fontName="Times-Bold", spaceBefore=8, spaceAfter=3),
        "centre": centre,
        "kop_big": ParagraphStyle("kop1", centre, fontName="Times-Bold", fontSize=15, leading=18),
        "kop_mid": ParagraphStyle("kop2", centre, fontName="Times-Bold", fontSize=12.5, leading=15),
        "kop_small": ParagraphStyle("kop3", centre, fontSize=9.5, leading=12),
        "title": ParagraphStyle("title", centre, fontName="Times-Bold", fontSize=12.5, leading=16),
    }


def _letterhead(letterhead: Letterhead, parent_name: str | None, agency_type: str) -> list[Any]:
    """The kop surat: the logo, the hierarchy, the agency, its address; a double rule."""
    from reportlab.lib import colors
    from reportlab.lib.units import cm
    from reportlab.platypus import HRFlowable, Image, Paragraph, Spacer, Table, TableStyle

    st = _styles()
    kop: list[Any] = []
    if agency_type in ("kejari", "kejati"):
        kop.append(Paragraph(WORDS["republic"], st["kop_mid"]))
    if parent_name:
        kop.append(Paragraph(_escape(parent_name.upper()), st["kop_mid"]))
    kop.append(Paragraph(_escape(letterhead.name.upper()), st["kop_big"]))
    if letterhead.address:
        kop.append(Paragraph(_escape(letterhead.address), st["kop_small"]))
    logo: Any = ""
    if letterhead.logo:
        logo = Image(
            io.BytesIO(letterhead.logo), width=2.1 * cm, height=2.1 * cm, kind="proportional"
        )
    head = Table([[logo, kop, ""]], colWidths=[2.4 * cm, 11.5 * cm, 2.4 * cm])
    head.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    return [
        head,
        Spacer(1, 3),
        HRFlowable(width="100%", thickness=2.2, color=colors.black, spaceAfter=1.5),
        HRFlowable(width="100%", thickness=0.6, color=colors.black, spaceAfter=12),
    ]


def render(record: Record) -> bytes:
    """Lay out the record on A4 (reportlab, loaded on first use: a check-in never needs it)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    case, closure = record.case, record.closure
    st = _styles()
    body, justified, small, heading, centre, title = (
        st["body"],
        st["justified"],
        st["small"],
        st["heading"],
        st["centre"],
        st["title"],
    )

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(_escape(text).replace("\n", "<br/>"), style)

    story: list[Any] = _letterhead(record.letterhead, record.parent_name, record.agency_type)
    story += [
        Paragraph(f"<u>{WORDS['title']}</u>", title),
        p(WORDS["number"].format(code=case.code), centre),
        Spacer(1, 10),
    ]
    ended = closure.at.astimezone(ZoneInfo(record.zone)).date()
    outcome = WORDS[f"outcome.{closure.outcome}"]
    opening = WORDS["opening"].format(
        day=_escape(format_day(ended, "id")), outcome=_escape(outcome)
    )
    story.append(Paragraph(opening, justified))

    def pairs(rows: list[tuple[str, str]]) -> Table:
        table = Table(
            [[p(k), p(":"), p(v)] for k, v in rows], colWidths=[5.6 * cm, 0.4 * cm, 10.3 * cm]
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ]
            )
        )
        return table

    def grid(header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
        table = Table(
            [[p(h, small) for h in header]] + [[p(c, small) for c in r] for r in rows],
            colWidths=[w * cm for w in widths],
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return table

    ids = Texts("id")
    consequence = WORDS[f"consequence.{case.consequence.value}"].format(
        penalty=case.replaced_penalty
    )
    story += [
        p(WORDS["s.decision"], heading),
        pairs(
            [
                (WORDS["decision.number"], case.decision_number),
                (WORDS["decision.court"], case.court),
                (WORDS["decision.date"], format_day(case.decision_date, "id")),
                (
                    WORDS["decision.hours"],
                    WORDS["decision.hours_value"].format(
                        hours=case.hours_total,
                        per_day=case.hours_per_day,
                        weekdays=weekday_names(ids, case.weekdays),
                    ),
                ),
                (
                    WORDS["decision.period"],
                    WORDS["decision.period_value"].format(
                        start=format_day(case.start_date, "id"),
                        deadline=format_day(case.deadline, "id"),
                    ),
                ),
                (WORDS["decision.consequence"], consequence),
            ]
        ),
    ]
    story += [
        p(WORDS["s.offender"], heading),
        pairs(
            [
                (WORDS["offender.name"], case.offender_name),
                (WORDS["offender.code"], case.code),
                (WORDS["offender.agency"], record.letterhead.name),
            ]
        ),
    ]
    story += [p(WORDS["s.sites"], heading), pairs(record.site_lines)]
    story.append(p(WORDS["s.hours"], heading))
    if record.months:
        monthly = [
            [month, str(days), format_hours(minutes)] for month, days, minutes in record.months
        ]
        story.append(
            grid(
                [WORDS["hours.month"], WORDS["hours.days"], WORDS["hours.credited"]],
                monthly,
                [7, 4, 5.3],
            )
        )
    else:
        story.append(p(WORDS["hours.none"]))
    story += [
        Spacer(1, 4),
        pairs(
            [
                (WORDS["hours.ordered"], f"{closure.minutes_total // 60} jam"),
                (WORDS["hours.total_credited"], f"{format_hours(closure.minutes_credited)} jam"),
                (WORDS["hours.outstanding"], f"{format_hours(closure.minutes_outstanding)} jam"),
            ]
        ),
    ]
    story.append(p(WORDS["s.absences"], heading))
    if record.absences:
        story.append(
            grid(
                [
                    WORDS["absence.day"],
                    WORDS["absence.category"],
                    WORDS["absence.reason"],
                    WORDS["absence.ruling"],
                ],
                [list(a) for a in record.absences],
                [4.1, 2.8, 4.3, 5.1],
            )
        )
    else:
        story.append(p(WORDS["absence.none"]))
    story += [p(line, small) for line in record.ruling_changes]
    story.append(p(WORDS["s.record"], heading))
    story += [p(f"• {text}", small) for _, text in record.notes] or [p(WORDS["record.none"])]
    story.append(p(WORDS["s.outcome"], heading))
    if closure.outcome == "selesai":
        story.append(
            p(
                WORDS["outcome.completed"].format(
                    hours=closure.minutes_total // 60, day=format_day(ended, "id")
                )
            )
        )
    else:
        story.append(
            p(WORDS["outcome.closed"].format(outstanding=format_hours(closure.minutes_outstanding)))
        )
        rows: list[tuple[str, str]] = []
        if closure.penalty_part:
            rows += [
                (WORDS["outcome.penalty_ordered"], closure.penalty_ordered or "—"),
                (WORDS["outcome.penalty_part"], closure.penalty_part),
                (WORDS["outcome.basis"], closure.basis or "—"),
            ]
        rows.append((WORDS["outcome.reason"], closure.reason or "—"))
        story.append(pairs(rows))
        if closure.penalty_part:
            story.append(p(WORDS["outcome.law"], small))
    story += [Spacer(1, 8), p(WORDS["closing"], justified), Spacer(1, 10)]

    def block(signer: Signer) -> list[Paragraph]:
        nip = WORDS["sign.nip"].format(nip=signer.nip) if signer.nip else WORDS["sign.no_nip"]
        name = f"<u>{_escape(signer.name)}</u>" if signer.name else WORDS["sign.nobody"]
        return [p(signer.title, centre), Spacer(1, 42), Paragraph(name, centre), p(nip, centre)]

    place = WORDS["place_date"].format(place=place_of(record.letterhead.name), day=_long_day(ended))
    signers = record.signers
    head_of = Signer(WORDS["sign.head"].format(agency=record.letterhead.name), None, None)
    signatures = Table(
        [
            ["", [p(place, centre)]],
            [block(signers[0]), block(signers[1])],
            [block(signers[2]), block(head_of)],
        ],
        colWidths=[8.15 * cm, 8.15 * cm],
    )
    signatures.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 1), (-1, -1), 10)])
    )
    story.append(KeepTogether([signatures]))

    made = _long_day(record.made.astimezone(ZoneInfo(record.zone)).date())

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Times-Italic", 8.5)
        canvas.drawCentredString(
            A4[0] / 2,
            1.2 * cm,
            WORDS["footer"].format(code=case.code, made=made, page=document.page),
        )
        canvas.restoreState()

    return _page(
        story, title=f"Berita Acara {case.code}", author=record.letterhead.name, footer=footer
    )


async def warning_letter(db: Database, case_id: int, level: int) -> bytes | None:
    """The teguran's letter for the file: kept with the case like the Berita Acara."""
    kind = f"teguran-{level}"
    reader = db.reader()
    if (kept := await reader.consequences.document(case_id, kind)) is not None:
        return kept
    case = await reader.cases.get(case_id)
    warning = next(
        (w for w in await reader.consequences.warnings_of_case(case_id) if w.level == level), None
    )
    if case is None or warning is None:
        return None
    site = await reader.sites.get(case.site_id)
    agency = await reader.agencies.get(case.agency_id)
    letterhead = await reader.consequences.letterhead(case.agency_id)
    assert site is not None and agency is not None and letterhead is not None
    parent = await reader.agencies.get(agency.parent_id) if agency.parent_id else None
    written = warning.at.astimezone(ZoneInfo(site.timezone)).date()
    days = [  # the violations the warning answers: those before it, not later ones
        format_day(day, "id")
        for a in await reader.consequences.invalid_absences(case_id)
        if (day := date.fromisoformat(str(a["day"]))) <= written
    ]
    letter = _Warning(
        case=case,
        letterhead=letterhead,
        parent_name=parent.name if parent else None,
        agency_type=agency.type.value,
        level=level,
        text=warning.text,
        day=written,
        invalid_days=days,
        jaksa=await _signer(reader, WORDS["sign.jaksa"], warning.by_person_id),
    )
    content = await asyncio.to_thread(render_warning, letter)
    async with db.transaction() as tx:
        await tx.consequences.keep_document(case_id, kind, content, now=warning.at)
    return await db.reader().consequences.document(case_id, kind)


@dataclass(frozen=True)
class _Warning:
    case: Case
    letterhead: Letterhead
    parent_name: str | None
    agency_type: str
    level: int
    text: str
    day: date
    invalid_days: list[str]
    jaksa: Signer


def render_warning(letter: _Warning) -> bytes:
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Spacer, Table

    words = berita_acara.WARNING
    st = _styles()
    case, roman = letter.case, "I" * letter.level

    def p(text: str, style: str = "body") -> Paragraph:
        return Paragraph(_escape(text).replace("\n", "<br/>"), st[style])

    follows = WORDS[f"consequence.{case.consequence.value}"].format(penalty=case.replaced_penalty)
    story: list[Any] = _letterhead(letter.letterhead, letter.parent_name, letter.agency_type)
    story += [
        Paragraph(f"<u>{words['title'].format(level=roman)}</u>", st["title"]),
        p(words["number"].format(level=roman, code=case.code), "centre"),
        Spacer(1, 14),
        p(
            words["to"].format(
                name=case.offender_name,
                code=case.code,
                number=case.decision_number,
                court=case.court,
                date=format_day(case.decision_date, "id"),
            )
        ),
        Spacer(1, 10),
        p(words["record"], "justified"),
        *[p(f"• {day}") for day in letter.invalid_days],
        Spacer(1, 6),
        p(letter.text, "justified"),
        Spacer(1, 6),
        p(words["law"].format(follows=follows), "justified"),
        Spacer(1, 6),
        p(words["closing"], "justified"),
        Spacer(1, 16),
    ]
    place = WORDS["place_date"].format(
        place=place_of(letter.letterhead.name), day=_long_day(letter.day)
    )
    jaksa = letter.jaksa
    nip = WORDS["sign.nip"].format(nip=jaksa.nip) if jaksa.nip else WORDS["sign.no_nip"]
    name = f"<u>{_escape(jaksa.name)}</u>" if jaksa.name else WORDS["sign.nobody"]
    block = [
        p(place, "centre"),
        p(jaksa.title, "centre"),
        Spacer(1, 42),
        Paragraph(name, st["centre"]),
        p(nip, "centre"),
    ]
    story.append(Table([["", block]], colWidths=[8.15 * cm, 8.15 * cm]))
    return _page(story, title=f"Teguran {roman} {case.code}", author=letter.letterhead.name)


def _page(story: list[Any], *, title: str, author: str, footer: Any = None) -> bytes:
    """An A4 document with the agency's margins; the same bytes for the same story."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.2 * cm,
        rightMargin=2 * cm,
        topMargin=1.6 * cm,
        bottomMargin=2 * cm,
        title=title,
        author=author,
        creator="kerjasosial",
        invariant=True,
    )
    if footer is None:
        document.build(story)
    else:
        document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _long_day(day: date) -> str:
    """ "3 Desember 2026": the date under a signature."""
    return format_date(day, "d MMMM y", locale="id_ID")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
