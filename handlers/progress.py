"""``/progres``: an offender's own hours done, hours left, deadline and next session."""

from domain.permissions import Action
from handlers.context import Request
from handlers.guards import command
from handlers.render import left_text, progress_line, session_line
from services import consequences, sessions
from services.figures import figures_of
from texts import join_lines
from texts.formatting import format_day


@command(Action.PROGRESS)
async def progress(req: Request) -> None:
    store = req.db.reader()
    assert req.actor.person is not None
    cases = await store.cases.of_offender(req.actor.person.id)
    if not cases:
        await req.reply(req.texts("schedule.no_case_yet"))
        return
    for case in cases:
        site = await store.sites.get(case.site_id)
        assert site is not None
        # The same figures as the digest, the month's report and the case's PDF.
        figures = await figures_of(store, case, now=req.now)
        upcoming = await sessions.ahead(store, case, site, req.now)
        lines = [
            req.texts("progress.header", code=case.code),
            progress_line(req, figures),
            req.texts(
                "progress.left",
                left=left_text(req, figures),
                deadline=format_day(case.deadline, req.texts.lang),
            ),
        ]
        standing = await consequences.standing_of(
            store, case, site, req.now, figures=figures, ahead=upcoming
        )
        if standing.violations:
            lines.append(
                req.texts(
                    "progress.violations",
                    count=standing.violations,
                    follows=consequences.Follows(case),
                )
            )
        if figures.completed:
            lines.append(req.texts("progress.done"))
        elif upcoming:
            lines.append(req.texts("progress.next", session=session_line(req, upcoming[0], site)))
        await req.reply(join_lines(lines))
