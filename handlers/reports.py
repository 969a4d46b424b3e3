"""``/laporan [YYYY-MM]`` (the month's .xlsx report) and ``/laporan KS-…`` (one case's PDF,
or its Berita Acara once it has ended)."""

import re
from zoneinfo import ZoneInfo

from domain import authority
from domain.permissions import Action
from handlers.context import Request
from handlers.guards import command, refuse_object
from services import cases as case_service
from services import closing_record
from services import digest as digests
from services.cases import Sight
from services.scope import scope_of

CASE_RE = re.compile(r"^KS-\d{4}-\d{4,}$", re.IGNORECASE)


@command(Action.REPORT)
async def report(req: Request) -> None:
    # The .xlsx and PDF layouts, and their libraries, load with the first report.
    from services import reports

    argument = (req.context.args or [""])[0][:20]
    store = req.db.reader()
    if CASE_RE.match(argument):
        opened = await case_service.open_case(req.origin, code=argument, purpose="report.case")
        case = opened.case
        if opened.sight is Sight.NOT_YOURS and case is not None:
            await refuse_object(
                req,
                f"case:{case.id}",
                text_key="schedule.case_not_found",
                values={"code": argument},
            )
            return
        if case is None or opened.sight is not Sight.SHOWN:
            await req.reply(req.texts("schedule.case_not_found", code=argument))
            return
        # A case that has ended is its Berita Acara, the same file its jaksa and PK got.
        record = await closing_record.kept_or_made(req.db, case.id, now=req.now)
        if record is not None:
            await req.context.bot.send_document(
                req.chat_id,
                document=record,
                filename=closing_record.filename(case),
                caption=req.texts("closing.record_caption", code=case.code),
                parse_mode="HTML",
            )
            return
        await req.context.bot.send_document(
            req.chat_id,
            document=await reports.case_pdf(store, case, req.texts, req.now),
            filename=f"{case.code}.pdf",
            caption=req.texts("report.case_caption", code=case.code),
            parse_mode="HTML",
        )
        return
    today = req.now.astimezone(ZoneInfo(req.services.default_timezone)).date()
    month = reports.Month.parse(argument) if argument else reports.Month(today.replace(day=1))
    if month is None:
        await req.reply(req.texts("report.usage"))
        return
    # An agency's report: the cases its offices execute or host, as the digest counts them.
    scope = authority.reported_agencies(await scope_of(store, req.actor))
    cases = await digests.cases_in_scope(store, scope)
    # Named on its cover by the offices it was asked from (their agencies and those under
    # them are the scope), its time in their zone; an admin's covers every agency.
    roots = set() if scope is None else set(authority.overseeing_roots(req.actor))
    offices = sorted((await store.agencies.by_ids(roots)).values(), key=lambda a: a.name)
    zone = offices[0].timezone if offices else req.services.default_timezone
    document = await reports.monthly_xlsx(
        store,
        cases,
        month,
        req.texts,
        now=req.now,
        agency=reports.agencies_named(offices),
        zone=zone,
    )
    await req.context.bot.send_document(
        req.chat_id,
        document=document,
        filename=f"laporan-kerjasosial-{month.first:%Y-%m}.xlsx",
        caption=req.texts(
            "report.month_caption", month=reports.month_name(month, req.texts), cases=len(cases)
        ),
        parse_mode="HTML",
    )
    await req.audit("report.month", detail={"month": f"{month.first:%Y-%m}"})
