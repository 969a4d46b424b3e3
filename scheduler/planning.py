"""Turn what is due into outbox rows: render each message in its reader's language, once.

Runs every few minutes and at start-up. Because every row has a unique key, a run after a
restart adds only what is missing; nothing already planned or sent is planned again.
"""

import base64
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.digest import reported_week
from domain.reminders import (
    OFFENDER_KINDS,
    TELEGRAM,
    Due,
    FollowUp,
    Kind,
    ReminderSettings,
    plan_followups,
    plan_reminders,
)
from services import digest as digests
from services import reach
from services.digest_post import digest_post
from services.scheduling import days_off_between, regional_days_off
from storage.db import Database
from texts import Html, Texts, for_user, join_lines
from texts.formatting import format_clock, format_day

HORIZON = timedelta(hours=48)
RSVP = Prefix.RSVP


def _session_text(texts: Texts, due: Due) -> dict[str, object]:
    session = due.sessions[0]
    return {
        "day": format_day(
            session.starts_at.astimezone(ZoneInfo(session.timezone)).date(), texts.lang
        ),
        "start": format_clock(session.starts_at, session.timezone, texts.lang),
        "end": format_clock(session.ends_at, session.timezone, texts.lang),
        "site": session.site_name,
        "address": session.site_address,
        "code": session.case_code,
    }


def render(due: Due) -> dict[str, object]:
    """The outbox payload: the message as its reader will see it, its buttons, and the
    sessions it speaks of at their times (``about``), which the dispatcher checks again."""
    about = [[session.session_id, session.starts_at.isoformat()] for session in due.sessions]
    return {**_message(due), "about": about}


def _message(due: Due) -> dict[str, object]:
    texts = for_user(due.recipient.language_code)
    if due.kind == Kind.SUPERVISOR_DAY:
        lines = [texts("reminder.supervisor_header", site=due.sessions[0].site_name)]
        for session in due.sessions:
            line = texts(
                "reminder.supervisor_line",
                start=format_clock(session.starts_at, session.timezone, texts.lang),
                code=session.case_code,
                name=session.offender_name,
            )
            if session.channel != TELEGRAM:
                # No Telegram: nothing reached them but their PK's call. The paper daftar
                # hadir (/daftar_hadir) lists them like everyone else.
                line = Html(line + texts("reminder.supervisor_no_telegram"))
            lines.append(line)
        lines.append(texts("reminder.supervisor_footer"))
        # The list's day is in its button: tomorrow, yesterday's list opens nothing.
        card = callbacks.encode(Prefix.SESSION_CARD, f"{due.sessions[0].day:%Y%m%d}")
        return {
            "text": join_lines(lines),
            "buttons": [[[texts.plain("reminder.open_card"), card]]],
        }
    key = "reminder.evening" if due.kind == Kind.OFFENDER_EVENING else "reminder.before"
    session_id = due.sessions[0].session_id
    return {
        "text": texts(key, **_session_text(texts, due)),
        "buttons": [
            [
                [texts.plain("reminder.will_attend"), callbacks.encode(RSVP, session_id, "y")],
                [texts.plain("reminder.cannot_attend"), callbacks.encode(RSVP, session_id, "n")],
            ]
        ],
    }


async def plan_outbox(
    db: Database,
    now: datetime,
    settings: ReminderSettings = ReminderSettings(),  # noqa: B008
) -> int:
    """Plan every reminder due within the horizon; returns how many rows were new."""
    store = db.reader()
    sessions = await store.reminders.upcoming(now, now + HORIZON)
    if sessions:
        days_off = await days_off_between(
            store, min(s.day for s in sessions), max(s.day for s in sessions)
        )
    else:
        days_off = {}
    # A region's own day off reaches only the sites under its agency: no reminder there.
    local_off = await regional_days_off(store, sessions)
    sessions = [s for s in sessions if s.day not in local_off.get(s.site_id, ())]
    planned = plan_reminders(sessions, now=now, days_off=days_off, settings=settings)
    changes = await store.reminders.unannounced_changes()
    added = 0
    async with db.transaction() as tx:
        # The offender's own reminders go by the case's channel (services/reach.py): their
        # chat, or their PK's call list when they have no Telegram.
        offender_dues = [d for d in planned if d.kind in OFFENDER_KINDS]
        added += await reach.plan_offender_reminders(
            tx, offender_dues, now=now, telegram_render=render
        )
        for due in planned:
            if due.kind in OFFENDER_KINDS:
                continue
            added += await tx.outbox.add(
                dedupe_key=due.dedupe_key,
                chat_id=due.recipient.chat_id,
                kind=due.kind,
                payload=render(due),
                due_at=due.due_at,
                now=now,
            )
        for change in changes:
            added += await tx.outbox.add(
                dedupe_key=f"session-change:{change['id']}",
                chat_id=int(str(change["telegram_user_id"])),
                kind="session.change",
                payload={"text": _change_text(change)},
                due_at=now,
                now=now,
            )
            await tx.reminders.mark_announced(int(str(change["id"])), now)
    return added


def _change_text(change: dict[str, object]) -> str:
    texts = for_user(change["language_code"] if isinstance(change["language_code"], str) else None)
    zone = str(change["timezone"])
    old = datetime.fromisoformat(str(change["old_starts_at"]))
    values = {
        "code": change["code"],
        "site": change["name"],
        "old": f"{format_day(old.astimezone(ZoneInfo(zone)).date(), texts.lang)}, "
        f"{format_clock(old, zone, texts.lang)}",
        "reason": change["reason"],
    }
    if change["kind"] == "cancelled":
        return texts("reminder.session_cancelled", **values)
    new = datetime.fromisoformat(str(change["new_starts_at"]))
    values["new"] = (
        f"{format_day(new.astimezone(ZoneInfo(zone)).date(), texts.lang)}, "
        f"{format_clock(new, zone, texts.lang)}"
    )
    return texts("reminder.session_moved", **values)


async def plan_unreachable_notices(db: Database, chat_ids: list[int], now: datetime) -> int:
    """Tell the jaksa and the pengawas, once, that an offender cannot be reached."""
    store = db.reader()
    added = 0
    async with db.transaction() as tx:
        for chat_id in chat_ids:
            person = await store.people.by_telegram_id(chat_id)
            if person is None:
                continue
            for case in await store.cases.of_offender(person.id):
                recipients = {case.jaksa_person_id, *await store.sites.supervisors_of(case.site_id)}
                for recipient_id in recipients:
                    recipient = await store.people.get(recipient_id)
                    if recipient is None:
                        continue
                    texts = for_user(recipient.language_code)
                    added += await tx.outbox.add(
                        dedupe_key=f"unreachable:{chat_id}:{case.id}:{recipient.id}",
                        chat_id=recipient.telegram_user_id,
                        kind="alert.unreachable",
                        payload={
                            "text": texts(
                                "reminder.unreachable", name=case.offender_name, code=case.code
                            )
                        },
                        due_at=now,
                        now=now,
                    )
    return added


DIGEST_WINDOW = timedelta(minutes=25)


async def plan_digests(db: Database, now: datetime) -> int:
    """Each linked group's weekly digest, planned at its moment with the week's numbers.

    Planned when due rather than ahead, so the numbers are those of the moment; a digest
    whose moment passed while the bot was down for longer than the window is not sent late.
    """
    store = db.reader()
    added = 0
    for group in await store.groups.linked():
        assert group.agency_id is not None
        agency = await store.agencies.get(group.agency_id)
        if agency is None:
            continue
        zone = ZoneInfo(agency.timezone)
        local = now.astimezone(zone)
        back = (local.weekday() - group.digest_weekday) % 7
        moment = datetime.combine(local.date() - timedelta(days=back), group.digest_time, zone)
        if moment > local:
            moment -= timedelta(days=7)
        if not timedelta(0) <= local - moment < DIGEST_WINDOW:
            continue
        key = f"digest:{group.chat_id}:{moment.date().isoformat()}"
        if await store.outbox.planned_already(key):
            continue  # the planner runs every few minutes: the chart is drawn once
        scope = await digests.agency_scope(store, agency.id)
        cases = await digests.cases_in_scope(store, scope)
        week_start = reported_week(moment.date())
        result = await digests.compute(
            store, cases, week_start=week_start, today=moment.date(), now=moment
        )
        post = await digest_post(Texts(group.language), agency.name, result)
        async with db.transaction() as tx:
            # One photo with the digest as its caption; the whole text after it only when it
            # does not fit. Planned after the photo, so it goes after it (the outbox keeps a
            # chat's order), and only with it: a digest planned once is never planned again.
            planned = await tx.outbox.add(
                dedupe_key=key,
                chat_id=group.chat_id,
                kind="digest",
                payload={
                    "png_b64": base64.b64encode(post.photo).decode("ascii"),
                    "caption": post.caption,
                },
                due_at=moment,
                now=now,
            )
            added += planned
            for i, part in enumerate(post.follow_up if planned else ()):
                await tx.outbox.add(
                    dedupe_key=f"{key}:text:{i}",
                    chat_id=group.chat_id,
                    kind="digest.text",
                    payload={"text": part},
                    due_at=moment,
                    now=now,
                )
    return added


MARK_ABSENT = Prefix.MARK_ABSENT


def render_followup(due: Due) -> dict[str, object]:
    texts = for_user(due.recipient.language_code)
    site = due.sessions[0].site_name
    names = [
        texts("reminder.followup_line", code=s.case_code, name=s.offender_name)
        for s in due.sessions
    ]
    if due.kind == FollowUp.OPEN_CHECKOUT:
        return {"text": join_lines([texts("reminder.open_checkout", site=site), *names])}
    return {
        "text": join_lines([texts("reminder.not_checked_in", site=site), *names]),
        "buttons": [
            [
                [
                    texts.plain("reminder.mark_absent").format(name=s.offender_name),
                    callbacks.encode(MARK_ABSENT, s.case_id),
                ]
            ]
            for s in due.sessions
        ],
    }


async def plan_followups_now(db: Database, now: datetime) -> int:
    """The supervisors' follow-ups due now, from today's state of the site."""
    store = db.reader()
    sessions = await store.reminders.upcoming(now - timedelta(hours=10), now)
    if not sessions:
        return 0
    checked_in = set()
    still_open = set()
    for session in sessions:
        zone = ZoneInfo(session.timezone)
        day_start = datetime.combine(session.day, datetime.min.time(), zone)
        if await store.attendance.checked_in_on(
            session.case_id, day_start, day_start + timedelta(days=1)
        ):
            checked_in.add(session.case_id)
        if await store.attendance.open_for_case(session.case_id) is not None:
            still_open.add(session.case_id)
    planned = plan_followups(sessions, now=now, checked_in=checked_in, still_open=still_open)
    added = 0
    async with db.transaction() as tx:
        for due in planned:
            added += await tx.outbox.add(
                dedupe_key=due.dedupe_key,
                chat_id=due.recipient.chat_id,
                kind=due.kind,
                payload=render_followup(due),
                due_at=now,
                now=now,
            )
    return added


WEEKLY_ALERT_AT = time(7, 0)


async def plan_weekly_alerts(db: Database, now: datetime, zone: str) -> int:
    """Each Monday at 07.00: a jaksa's and a PK's cases at risk, and those completed last week."""
    local = now.astimezone(ZoneInfo(zone))
    moment = datetime.combine(
        local.date() - timedelta(days=local.weekday()), WEEKLY_ALERT_AT, ZoneInfo(zone)
    )
    if not timedelta(0) <= local - moment < DIGEST_WINDOW:
        return 0
    store = db.reader()
    today = moment.date()
    cases = await store.cases.for_agencies(None, active_only=False)
    summary = await digests.compute(
        store, cases, week_start=reported_week(today), today=today, now=moment
    )
    risky = {code for code, _ in summary.at_risk}
    followers: dict[int, list[tuple[str, str, bool]]] = {}
    for case in cases:
        done = (
            case.closed_at is not None
            and today - timedelta(days=7) <= case.closed_at.date() < today
        )
        if case.code not in risky and not (done and case.status.value == "selesai"):
            continue
        for person_id in {case.jaksa_person_id, case.pk_person_id} - {None}:
            assert person_id is not None
            followers.setdefault(person_id, []).append((case.code, case.offender_name, done))
    # Why each is at risk, said in the reader's words below.
    added = 0
    async with db.transaction() as tx:
        for person_id, items in followers.items():
            person = await store.people.get(person_id)
            if person is None or person.telegram_user_id <= 0:
                continue
            texts = for_user(person.language_code)
            lines = [texts("alert.weekly_header")]
            lines += [
                texts(
                    "alert.weekly_done" if done else "alert.weekly_risk",
                    code=code,
                    name=name,
                    reasons=digests.risk_words(texts, summary, code),
                )
                for code, name, done in sorted(items)
            ]
            added += await tx.outbox.add(
                dedupe_key=f"alert:weekly:{person_id}:{today.isoformat()}",
                chat_id=person.telegram_user_id,
                kind="alert.weekly",
                payload={"text": join_lines(lines)},
                due_at=moment,
                now=now,
            )
    return added
