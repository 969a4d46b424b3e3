"""The rating card, opened from the check-out's answer: today's people whose day is over,
each marked 👍 baik until tapped (baik → cukup → kurang → baik), and "Simpan"; then a short
note for the jaksa and the PK, or "Tanpa catatan". Two taps for a group that worked well.
What a rating means and who hears of it is ``services.ratings``'s.
"""

from telegram.ext import ContextTypes, ConversationHandler

from domain.callback_data import Prefix
from domain.permissions import Action
from handlers.context import Request
from handlers.forms import (
    DONE,
    ButtonEntry,
    Choice,
    Draft,
    Finished,
    Form,
    Invalid,
    Next,
    Stale,
    Step,
    build,
)
from services import ratings
from services.attendance import local_midnight

SAVE, SKIP = "ok", "skip"
_MARKS = {"baik": "👍", "cukup": "👌", "kurang": "👎"}


async def _today(req: Request) -> tuple[str, list[ratings.ToRate]]:
    """Today's local day at my sites and who can be rated."""
    store = req.db.reader()
    found = await ratings.to_rate(store, req.origin)
    if not found:
        raise Finished(req.texts("rating.nobody"))
    site = await store.sites.get(found[0].case.site_id)
    assert site is not None
    return f"{local_midnight(req.now, site):%Y%m%d}", found


async def _opened(req: Request, draft: Draft, parts: list[str]) -> Next:
    """From the button under a check-out: that day's card only; everyone starts at baik."""
    day, found = await _today(req)
    if parts != [day]:
        raise Stale
    draft["day"] = day
    draft["ratings"] = {str(r.attendance_id): "baik" for r in found}
    return None


async def _choices(req: Request, draft: Draft) -> list[Choice]:
    _, found = await _today(req)
    given: dict[str, str] = draft["ratings"]
    choices = [
        Choice(
            f"{_MARKS[given.get(str(r.attendance_id), 'baik')]} {r.case.offender_name}: "
            + req.texts.plain(f"rating.{given.get(str(r.attendance_id), 'baik')}"),
            str(r.attendance_id),
        )
        for r in found
    ]
    choices.append(Choice(req.texts.plain("rating.save").format(n=len(found)), SAVE))
    return choices


async def _tapped(req: Request, draft: Draft, value: str) -> Next:
    given: dict[str, str] = draft["ratings"]
    if value == SAVE:
        draft["_done"] = True  # the ratings are kept with the note, or without one
        return None
    if value not in given:
        raise Stale
    order = ratings.RATINGS
    given[value] = order[(order.index(given[value]) + 1) % len(order)]
    return None


async def _save(req: Request, draft: Draft, note: str | None) -> Next:
    given: dict[str, str] = draft["ratings"]
    result = await ratings.rate_all(req.origin, {int(k): v for k, v in given.items()}, note)
    poor = sum(1 for v in given.values() if v == ratings.POOR)
    key = "rating.saved_told" if result.told else "rating.saved"
    await req.reply(req.texts(key, n=result.saved, poor=poor))
    return DONE


async def _noted(req: Request, draft: Draft, text: str) -> Next:
    if len(text) > ratings.NOTE_MAX:
        raise Invalid(req.texts("rating.note_too_long", max=ratings.NOTE_MAX))
    return await _save(req, draft, text)


async def _skip_note(req: Request, draft: Draft, value: str) -> Next:
    if value != SKIP:
        raise Stale
    return await _save(req, draft, None)


async def _skip_choice(req: Request, draft: Draft) -> list[Choice]:
    return [Choice(req.texts.plain("rating.no_note"), SKIP)]


RATING_FLOW = Form(
    name="rating",
    prefix=Prefix.RATING,
    command=None,
    action=Action.ATTENDANCE,
    entries=(ButtonEntry(Prefix.RATING_CARD, 1, _opened),),
    steps=(
        Step(
            "rate",
            lambda r, d: r.texts("rating.ask"),
            on_choice=_tapped,
            choices=_choices,
            repeat_until_done=True,
            tag="r",
        ),
        Step(
            "note",
            lambda r, d: r.texts("rating.ask_note", max=ratings.NOTE_MAX),
            on_text=_noted,
            on_choice=_skip_note,
            choices=_skip_choice,
            tag="n",
        ),
    ),
)


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    return build(RATING_FLOW)
