"""``/kop``: an agency's letterhead for the documents it signs (the Berita Acara, warnings),
and ``/nip``: each official's NIP, printed under their signature.

``/kop`` is a form of ``handlers.forms``: which agency, its address, and its logo (a photo
or an image file, optional); only the confirm button writes.
"""

from telegram.ext import ContextTypes, ConversationHandler

from domain import authority
from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.permissions import Action
from handlers.context import Request
from handlers.forms import Choice, Draft, Finished, Form, Invalid, Next, Step, build
from handlers.guards import command
from handlers.registry import LETTERHEAD
from services import agencies, people
from services.attendance import Photo
from texts import Html

KEEP = "-"


async def _agencies(req: Request, draft: Draft) -> list[Choice]:
    managed = authority.managed_agencies(req.actor)
    found = [a for a in await req.db.reader().agencies.all() if managed is None or a.id in managed]
    if not found:
        raise Finished(req.texts("letterhead.no_agency"))
    return [Choice(a.name, str(a.id)) for a in sorted(found, key=lambda a: a.name)[:30]]


async def _agency(req: Request, draft: Draft, value: str) -> Next:
    agency_id = callbacks.decode_int(value)
    agency = await req.db.reader().agencies.get(agency_id) if agency_id else None
    if agency is None or not authority.manages_agency(req.actor, agency.id):
        raise Finished(req.texts("stale_button"))
    letterhead = await req.db.reader().consequences.letterhead(agency.id)
    draft.update(
        {
            "agency_id": agency.id,
            "agency": agency.name,
            "current": (letterhead.address if letterhead else None) or "—",
        }
    )
    return None


async def _address(req: Request, draft: Draft, text: str) -> Next:
    text = " ".join(text.split())
    if text != KEEP and not agencies.ADDRESS_MIN <= len(text) <= agencies.ADDRESS_MAX:
        raise Invalid(
            req.texts("letterhead.bad_address", min=agencies.ADDRESS_MIN, max=agencies.ADDRESS_MAX)
        )
    draft["address"] = None if text == KEEP else text
    return None


async def _logo_skipped(req: Request, draft: Draft, text: str) -> Next:
    if text.strip() != KEEP:
        raise Invalid(req.texts("letterhead.ask_logo"))
    draft["logo"] = None
    return None


async def _logo(req: Request, draft: Draft, photo: Photo) -> Next:
    if photo.size is not None and photo.size > agencies.LOGO_MAX_BYTES:
        raise Invalid(req.texts("letterhead.bad_logo"))
    draft["logo"] = photo.file_id
    return None


async def _summary(req: Request, draft: Draft) -> Html:
    return req.texts(
        "letterhead.confirm",
        agency=draft["agency"],
        address=draft["address"] or draft["current"],
        logo=req.texts.plain(
            "letterhead.logo_new" if draft.get("logo") else "letterhead.logo_same"
        ),
    )


async def _save(req: Request, draft: Draft) -> None:
    logo = None
    if draft.get("logo"):
        file = await req.context.bot.get_file(draft["logo"])
        logo = bytes(await file.download_as_bytearray())
        if not agencies.logo_acceptable(logo):
            raise Invalid(req.texts("letterhead.bad_logo"))
    saved = await agencies.set_letterhead(
        req.origin, agency_id=int(draft["agency_id"]), address=draft.get("address"), logo=logo
    )
    await req.reply(
        req.texts("letterhead.saved" if saved else "stale_button", agency=draft["agency"])
    )


async def _one_agency(req: Request, draft: Draft) -> bool:
    """An operator of one agency is not asked which."""
    choices = await _agencies(req, draft)
    if len(choices) == 1:
        await _agency(req, draft, choices[0].value)
        return True
    return False


LETTERHEAD_FLOW = Form(
    name="letterhead",
    prefix=Prefix.LETTERHEAD_FORM,
    command=LETTERHEAD,
    action=Action.LETTERHEAD,
    steps=(
        Step(
            "agency",
            lambda r, d: r.texts("letterhead.choose"),
            on_choice=_agency,
            choices=_agencies,
            skip=_one_agency,
            tag="a",
        ),
        Step(
            "address",
            lambda r, d: r.texts(
                "letterhead.ask_address", agency=d["agency"], current=d["current"]
            ),
            on_text=_address,
            tag="d",
        ),
        Step(
            "logo",
            lambda r, d: r.texts("letterhead.ask_logo"),
            on_text=_logo_skipped,
            on_photo=_logo,
            any_document=True,
            tag="l",
        ),
    ),
    summary=_summary,
    save=_save,
)


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    return build(LETTERHEAD_FLOW)


@command(Action.NIP)
async def nip(req: Request) -> None:
    """``/nip 198504122010121003`` sets it; ``/nip`` alone shows it."""
    assert req.actor.person is not None
    given = "".join(req.context.args or [])
    if not given:
        current = await people.nip_of(req.db.reader(), req.actor.person.id)
        await req.reply(req.texts("nip.current", nip=current or "—"))
        return
    if not await people.set_nip(req.origin, given[:40]):
        await req.reply(req.texts("nip.bad"))
        return
    await req.reply(req.texts("nip.saved"))
