"""Renderers that more than one feature module shows: a role, a rule's problem, a session,
a new case's plan, an invitation and its printable card.

Feature modules (one per command) never import each other; what two of them show alike
lives here, below them. Formatting that needs no ``Request`` (dates, hours, weekdays) is in
``texts/formatting.py``.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InputFile
from telegram.constants import ParseMode

from domain.cases import Problem
from domain.figures import Progress
from domain.models import Agency, Case, Session, Site
from domain.roles import Role
from domain.schedule import Plan
from handlers.context import Request
from texts import Html, Texts, join_lines
from texts.formatting import (
    format_day,
    format_duration,
    format_hours,
    format_instant,
    progress_bar,
    zone_abbreviation,
)


def role_name(texts: Texts, role: Role) -> str:
    return texts.plain(f"role.{role.value}")


def problem_text(texts: Texts, problem: Problem) -> Html:
    """A rule's message from ``domain/`` (a value out of bounds, a name too short)."""
    return texts(problem.key, **problem.values)


def session_line(req: Request, session: Session, site: Site) -> Html:
    zone = ZoneInfo(site.timezone)
    start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    sep = "." if req.texts.lang == "id" else ":"
    return req.texts(
        "schedule.session_line",
        day=format_day(session.day, req.texts.lang),
        start=f"{start:%H}{sep}{start:%M}",
        end=f"{end:%H}{sep}{end:%M}",
        zone=zone_abbreviation(site.timezone),
    )


async def plan_report(req: Request, case: Case, plan: Plan) -> Html:
    """What the jaksa reads after saving a case: the plan, and any shortfall plainly."""
    site = await req.db.reader().sites.get(case.site_id)
    assert site is not None
    lines = [req.texts("case.saved", code=case.code, name=case.offender_name)]
    if plan.sessions:
        lines.append(
            req.texts(
                "case.plan",
                sessions=len(plan.sessions),
                hours=format_hours(plan.planned_minutes),
                first=format_day(plan.sessions[0].day, req.texts.lang),
                last=format_day(plan.sessions[-1].day, req.texts.lang),
                site=site.name,
            )
        )
    if plan.shortfall_minutes > 0:
        lines.append(
            req.texts(
                "case.shortfall",
                planned=format_hours(plan.planned_minutes),
                total=case.hours_total,
                short=format_hours(plan.shortfall_minutes),
            )
        )
    return join_lines(lines)


async def send_invitation(
    req: Request,
    token: str,
    role: Role,
    agency: Agency,
    expires: datetime,
    *,
    site: Site | None = None,
    case: Case | None = None,
) -> None:
    """The invitation's card (``services.invitation_card``) as a photo, the deep link and
    what it grants in its caption, to forward; then the same card as an A6 PDF, to print.

    The token is shown only here, once (only its hash is stored), so the PDF is sent at once
    rather than behind a button that could not draw it again later. Both go out within the
    update's turn, photo first, like every reply: a redelivered update sends neither again."""
    username = req.context.bot.username
    link = f"https://t.me/{username}?start={token}"
    caption = req.texts(
        "invite.created",
        role=role_name(req.texts, role),
        agency=agency.name,
        link=link,
        expires=format_instant(expires, agency.timezone, req.texts.lang),
    )
    if site is not None:
        caption = Html(caption + "\n" + req.texts("invite.for_site", site=site.name))
    if case is not None:
        caption = Html(
            caption + "\n" + req.texts("invite.for_case", code=case.code, name=case.offender_name)
        )
    # The card's layout (and, when drawn, Pillow, segno and reportlab) loads with the first.
    from services import invitation_card

    card = await invitation_card.card_for_token(
        req.db.reader(), token, bot_username=username, texts=req.texts, now=req.now
    )
    if card is None:  # only a link already used or expired has no card: the link alone
        await req.reply(caption)
        return
    drawn = await invitation_card.render(card)
    await req.context.bot.send_photo(
        req.chat_id,
        photo=InputFile(drawn.png, filename=f"{card.file_stem}.png"),
        caption=caption,
        parse_mode=ParseMode.HTML,
    )
    await req.context.bot.send_document(
        req.chat_id,
        document=InputFile(drawn.pdf, filename=f"{card.file_stem}.pdf"),
        caption=req.texts("card.pdf_caption"),
        parse_mode=ParseMode.HTML,
    )


def progress_line(req: Request, progress: Progress) -> Html:
    """ "▓▓░░░░░░░░ 2 jam 3 menit dari 40 jam": a case's figures (``services.figures``), or
    its ledger just after the change that moved it. Exact time, so that what is done and
    what is left ("sisa", :func:`left_text`) always add up to the sentence."""
    return req.texts(
        "attendance.progress",
        bar=progress_bar(progress.credited_minutes, progress.total_minutes),
        done=format_duration(progress.credited_minutes, req.texts.lang),
        total=format_hours(progress.total_minutes),
    )


def left_text(req: Request, progress: Progress) -> str:
    """What is left of the sentence, exact: "37 jam 57 menit"."""
    return format_duration(progress.remaining_minutes, req.texts.lang)
