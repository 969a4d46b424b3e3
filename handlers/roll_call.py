"""The session card: today's session at the pengawas's sites as one message, everyone
expected with where they stand, and toggles to choose several at once for ``/hadir`` and
``/pulang`` (``handlers.attendance``), so one group photo records them all.

The card is one message: each tap edits its buttons in place, and after the photo its text
is rewritten with everyone's new state. Its buttons carry the local day, so yesterday's card
is stale; what may be recorded is still decided by the use cases (``services.roll_call``).
"""

from typing import Any

from domain.session_life import Life
from handlers.context import Request
from handlers.forms import Choice, Draft, Stale
from services import roll_call
from services.attendance import local_midnight
from texts import Html, join_lines
from texts.formatting import format_clock, format_day, format_duration

ALL, GO = "all", "go"
_MARKS = {
    Life.PLANNED: "⬜",
    Life.IN_PROGRESS: "🟢",
    Life.ATTENDED: "✅",
    Life.ABSENT: "❌",
    Life.ABSENT_VALID: "🟡",
    Life.ABSENT_INVALID: "❌",
    Life.CANCELLED: "➖",
}


async def card(req: Request, pick_key: str | None, site_id: int | None = None) -> Html:
    """Today's session at my sites (or the one chosen), a line per offender; ``pick_key``
    says what to tap."""
    rows = await roll_call.today(req.db.reader(), req.origin)
    rows = [r for r in rows if site_id is None or r.site.id == site_id]
    lang = req.texts.lang
    parts: list[Html] = []
    site_id = None
    for row in rows:
        zone = row.site.timezone
        if row.site.id != site_id:
            site_id = row.site.id
            day = local_midnight(req.now, row.site).date()
            parts.append(req.texts("roll.title", site=row.site.name, day=format_day(day, lang)))
        state = req.texts.plain(f"roll.state.{row.life.value}").format(
            arrived=format_clock(row.arrived, zone, lang) if row.arrived else "",
            left=format_clock(row.left, zone, lang) if row.left else "",
            credited=format_duration(row.credited_minutes, lang),
        )
        if row.late and row.life in (Life.IN_PROGRESS, Life.ATTENDED):
            late = format_duration(row.late_minutes, lang)
            state += req.texts.plain("roll.late").format(minutes=late)
        parts.append(
            req.texts(
                "roll.line",
                mark=_MARKS[row.life],
                name=row.case.offender_name,
                code=row.case.code,
                state=state,
            )
        )
    if pick_key is not None:
        parts.append(Html(""))
        parts.append(req.texts(pick_key))
    return join_lines(parts)


async def _sites_today(req: Request) -> dict[str, str]:
    """My sites with a session today: id -> name, in the card's order. Only the sessions
    are read: the card itself reads everyone's day once the site is known."""
    return {
        str(site.id): site.name for site in await roll_call.sites_today(req.db.reader(), req.origin)
    }


async def site_choices(req: Request, draft: Draft) -> list[Choice]:
    return [Choice(name, site_id) for site_id, name in (await _sites_today(req)).items()]


async def one_site(req: Request, draft: Draft) -> bool:
    """A pengawas with one site today (most of them) goes straight to its card."""
    return "case_id" in draft or "attendance_id" in draft or len(await _sites_today(req)) < 2


async def site_chosen(req: Request, draft: Draft, value: str) -> None:
    if value not in await _sites_today(req):
        raise Stale
    draft["site_id"] = int(value)


def toggles(
    req: Request,
    draft: Draft,
    options: list[tuple[str, str]],
    *,
    day: str,
    all_key: str,
) -> list[Choice]:
    """A toggle per ``(value, label)``, marked when chosen; "all" and "continue" below."""
    picked = set(draft.get("picked") or [])
    choices = [
        Choice(f"{'☑' if value in picked else '☐'} {label}", value) for value, label in options
    ]
    if len(options) > 1:
        choices.append(Choice(req.texts.plain(all_key).format(n=len(options)), f"{ALL}.{day}"))
    if picked:
        choices.append(Choice(req.texts.plain("roll.go").format(n=len(picked)), f"{GO}.{day}"))
    return choices


def toggled(draft: Draft, value: str, options: list[str], *, day: str) -> bool:
    """Take one tap on the card: a name toggles; "all" chooses everyone and "continue" the
    chosen, and both end the choosing (True). Anything else is stale."""
    picked: list[str] = list(draft.get("picked") or [])
    if value in options:
        if value in picked:
            picked.remove(value)
        else:
            picked.append(value)
        draft["picked"] = picked
        return False
    if value == f"{ALL}.{day}":
        draft["picked"] = list(options)
        return True
    if value == f"{GO}.{day}" and picked:
        draft["picked"] = [v for v in picked if v in options]
        if draft["picked"]:
            return True
    raise Stale


def remember_card(req: Request, draft: Draft) -> None:
    """The card's message, to rewrite it once the photo is in."""
    query = req.update.callback_query
    message: Any = query.message if query is not None else None
    if message is not None:
        draft["card"] = [message.chat.id, message.message_id]


async def refresh(req: Request, draft: Draft) -> None:
    """Rewrite the card with where everyone stands now (no buttons: its choosing is done)."""
    where = draft.get("card")
    if not where:
        return
    await req.context.bot.edit_message_text(
        await card(req, None), chat_id=where[0], message_id=where[1], parse_mode="HTML"
    )
