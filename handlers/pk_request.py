"""A case without a PK: "🙋 Minta PK dari Bapas" under its ``/jadwal``, and the PK's
"✋ Saya ambil kasus ini" under the request (``services.pk_request``)."""

from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.permissions import Action
from handlers.context import Request
from handlers.guards import button, refuse_object, stale
from handlers.keyboards import choices
from services import pk_request
from services.pk_request import Outcome

ASK = Prefix.ASK_PK
TAKE = Prefix.TAKE_CASE
_REFUSED = {
    Outcome.CLOSED: "pk_request.closed",
    Outcome.HAS_PK: "pk_request.has_pk",
    Outcome.NOBODY: "pk_request.nobody",
}


@button(Action.HAND_OVER)  # who may change who follows the case: its jaksa, an admin
async def ask(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, ASK, 1) or callbacks.decode(query.data, ASK, 2)
    ids = [callbacks.decode_int(p) for p in parts or []]
    if not ids or None in ids:
        await stale(req)
        return
    case_id = ids[0]
    assert case_id is not None
    if len(ids) == 1:
        bapas = await pk_request.bapas_list(req.db.reader())
        if len(bapas) != 1:
            await query.answer()
            if not bapas:
                await req.reply(req.texts("pk_request.no_bapas"))
                return
            keyboard = choices(
                [(b.name, callbacks.encode(ASK, case_id, b.id)) for b in bapas],
                texts=req.texts,
            )
            await req.reply(req.texts("pk_request.choose"), reply_markup=keyboard)
            return
        ids.append(bapas[0].id)
    bapas_id = ids[1]
    assert bapas_id is not None
    result = await pk_request.ask_bapas(req.origin, case_id=case_id, bapas_id=bapas_id)
    if result.outcome is Outcome.NOT_YOURS and result.case is not None:
        await refuse_object(req, f"case:{result.case.id}")
        return
    if result.outcome is not Outcome.DONE or result.case is None or result.bapas is None:
        if result.outcome in _REFUSED and result.case is not None:
            await query.answer()
            await req.reply(req.texts(_REFUSED[result.outcome], code=result.case.code))
            return
        await stale(req)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await req.reply(
        req.texts(
            "pk_request.sent", code=result.case.code, bapas=result.bapas.name, count=result.told
        )
    )


@button(Action.TAKE_CASE)
async def take(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, TAKE, 1)
    case_id = callbacks.decode_int(parts[0]) if parts else None
    if case_id is None:
        await stale(req)
        return
    result = await pk_request.take_case(req.origin, case_id=case_id)
    if result.outcome is Outcome.NOT_YOURS and result.case is not None:
        await refuse_object(req, f"case:{result.case.id}")
        return
    if result.outcome is not Outcome.DONE or result.case is None:
        key = _REFUSED.get(result.outcome)
        if key is None or result.case is None:
            await stale(req)
            return
        await query.answer(req.texts.plain(key).format(code=result.case.code), show_alert=True)
        await query.edit_message_reply_markup(None)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await req.reply(req.texts("pk_request.yours", code=result.case.code))
