"""A small engine for step-by-step forms in chat (a site, a case...).

A form is a list of :class:`Step`: each asks one question, takes the answer as text, a
button or a location pin, checks it at once, and says what is wrong and what is allowed
when it is not. After the last step comes a summary with a confirm button; only that
button writes to the database, in one transaction. The draft lives in ``user_data`` (a
restart drops an unfinished form; nothing half-written is ever stored).

Every answer re-checks the role, and a button only counts for the step that showed it, so
an old keyboard cannot answer a later question.
"""

import html
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from domain import callback_data as callbacks
from domain.permissions import Action
from handlers.context import Request
from handlers.filters import FOR_ME, PRIVATE
from handlers.flows import cancel_fallback
from handlers.guards import allowed
from handlers.keyboards import confirm
from handlers.registry import CommandSpec
from texts import Html

Draft = dict[str, Any]
ASKING, CONFIRMING = range(2)
END = ConversationHandler.END
TIMEOUT_SECONDS = 20 * 60


class Invalid(Exception):
    """An answer that cannot be taken; the message says why and what is allowed."""

    def __init__(self, message: Html) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Choice:
    label: str
    value: str  # fits callback data: letters, digits, "_", "-", "."


TextParser = Callable[[Request, Draft, str], Awaitable[None]]
ChoiceParser = Callable[[Request, Draft, str], Awaitable[None]]
LocationParser = Callable[[Request, Draft, float, float], Awaitable[None]]
Choices = Callable[[Request, Draft], Awaitable[Sequence[Choice]]]
Prompt = Callable[[Request, Draft], Html]


@dataclass(frozen=True)
class Step:
    """One question. At least one of ``on_text``, ``on_choice``, ``on_location`` is set."""

    name: str
    prompt: Prompt
    on_text: TextParser | None = None
    on_choice: ChoiceParser | None = None
    on_location: LocationParser | None = None
    choices: Choices | None = None
    skip: Callable[[Request, Draft], Awaitable[bool]] | None = None
    #: A multi-select: each choice updates the keyboard, until ``on_choice`` sets
    #: ``draft["_done"]``. A typed answer completes the step at once.
    repeat_until_done: bool = False


@dataclass(frozen=True)
class Form:
    name: str
    prefix: str  # callback prefix, unique per form
    command: CommandSpec
    action: Action
    steps: tuple[Step, ...]
    summary: Callable[[Request, Draft], Awaitable[Html]]
    save: Callable[[Request, Draft], Awaitable[None]]
    #: Says why the form cannot start (say, no agency to choose from yet); None to go on.
    precheck: Callable[[Request], Awaitable[Html | None]] | None = None

    @property
    def draft_key(self) -> str:
        return f"form:{self.name}"


def _draft(form: Form, context: ContextTypes.DEFAULT_TYPE) -> Draft:
    assert context.user_data is not None
    draft: Draft = context.user_data.setdefault(form.draft_key, {})
    return draft


def _clear(form: Form, context: ContextTypes.DEFAULT_TYPE) -> None:
    if context.user_data is not None:
        context.user_data.pop(form.draft_key, None)


async def _checked(
    form: Form, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> Request | None:
    req = await Request.load(update, context)
    if not await allowed(req, form.action):
        _clear(form, context)
        return None
    return req


async def _ask(form: Form, req: Request, draft: Draft) -> int:
    """Ask the current step's question, skipping steps that do not apply; or summarise."""
    while draft["_step"] < len(form.steps):
        step = form.steps[draft["_step"]]
        if step.skip is not None and await step.skip(req, draft):
            draft["_step"] += 1
            continue
        await req.reply(step.prompt(req, draft), reply_markup=await _keyboard(form, req, draft))
        return ASKING
    await req.reply(
        await form.summary(req, draft),
        reply_markup=confirm(
            req.texts,
            callbacks.encode(form.prefix, "ok", 1),
            callbacks.encode(form.prefix, "no", 1),
        ),
    )
    return CONFIRMING


async def _keyboard(form: Form, req: Request, draft: Draft) -> InlineKeyboardMarkup | None:
    step = form.steps[draft["_step"]]
    if step.choices is None:
        return None
    options = await step.choices(req, draft)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    o.label, callback_data=callbacks.encode(form.prefix, draft["_step"], o.value)
                )
            ]
            for o in options
        ]
    )


async def _answered(form: Form, req: Request, draft: Draft, parse: Awaitable[None]) -> int:
    try:
        await parse
    except Invalid as problem:
        await req.reply(problem.message)
        return ASKING
    draft.pop("_done", None)
    draft["_step"] += 1
    return await _ask(form, req, draft)


def build(form: Form) -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    """The ConversationHandler that runs ``form``."""

    async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        req = await _checked(form, update, context)
        if req is None:
            return END
        if update.effective_chat and update.effective_chat.type != "private":
            await req.reply(req.texts("private_only"))
            return END
        _clear(form, context)
        if form.precheck is not None and (reason := await form.precheck(req)) is not None:
            await req.reply(reason)
            return END
        draft = _draft(form, context)
        draft["_step"] = 0
        return await _ask(form, req, draft)

    async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        req = await _checked(form, update, context)
        if req is None:
            return END
        draft = _draft(form, context)
        step = form.steps[draft["_step"]]
        assert update.message is not None
        value = (update.message.text or "").strip()
        if step.on_text is None:
            await req.reply(req.texts("expected_button"))
            return ASKING
        return await _answered(form, req, draft, step.on_text(req, draft, value))

    async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        req = await _checked(form, update, context)
        if req is None:
            return END
        draft = _draft(form, context)
        step = form.steps[draft["_step"]]
        assert update.message is not None and update.message.location is not None
        if step.on_location is None:
            return await other(update, context)
        pin = update.message.location
        return await _answered(
            form, req, draft, step.on_location(req, draft, pin.latitude, pin.longitude)
        )

    async def other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """A photo, sticker or file where the step wants something else: ask again."""
        req = await Request.load(update, context)
        draft = _draft(form, context)
        step = (
            form.steps[draft.get("_step", 0)] if draft.get("_step", 0) < len(form.steps) else None
        )
        if step is None or (step.on_text is None and step.on_location is None):
            await req.reply(req.texts("expected_button"))
        else:
            await req.reply(req.texts("expected_text", prompt=step.prompt(req, draft)))
        return ASKING

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
        query = update.callback_query
        assert query is not None
        req = await _checked(form, update, context)
        if req is None:
            return END
        draft = _draft(form, context)
        parts = callbacks.decode(query.data, form.prefix, 2)
        current = str(draft.get("_step"))
        if parts is None or parts[0] != current or draft.get("_step", 99) >= len(form.steps):
            await query.answer(req.texts.plain("stale_button"), show_alert=True)
            return None
        step = form.steps[draft["_step"]]
        if step.on_choice is None:
            await query.answer(req.texts.plain("stale_button"), show_alert=True)
            return None
        await query.answer()
        try:
            await step.on_choice(req, draft, parts[1])
        except Invalid as problem:
            await req.reply(problem.message)  # the question's buttons stay, to choose again
            return ASKING
        if step.repeat_until_done and not draft.pop("_done", False):
            # A multi-select: each tap updates the same keyboard until "done".
            await query.edit_message_reply_markup(await _keyboard(form, req, draft))
            return ASKING
        if step.repeat_until_done:
            await query.edit_message_reply_markup(None)
        else:
            await _mark_answered(query, parts[1], step, req, draft)
        draft["_step"] += 1
        return await _ask(form, req, draft)

    async def confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
        query = update.callback_query
        assert query is not None
        req = await _checked(form, update, context)
        if req is None:
            return END
        parts = callbacks.decode(query.data, form.prefix, 2)
        if parts is None or parts[0] not in ("ok", "no"):
            await query.answer(req.texts.plain("stale_button"), show_alert=True)
            return None
        await query.answer()
        await query.edit_message_reply_markup(None)
        draft = _draft(form, context)
        if parts[0] == "no":
            _clear(form, context)
            await req.reply(req.texts("cancelled"))
            return END
        try:
            await form.save(req, draft)
        except Invalid as problem:
            # Something changed while the form was open (a duplicate appeared, say).
            await req.reply(problem.message)
            _clear(form, context)
            return END
        _clear(form, context)
        return END

    async def timed_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _clear(form, context)
        if update.effective_user is not None:
            req = await Request.load(update, context)
            await req.reply(req.texts("form.timeout"))

    pattern = rf"^{form.prefix}:"
    not_command = PRIVATE & ~filters.COMMAND
    asking: list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]] = [
        CallbackQueryHandler(press, pattern=pattern),
        MessageHandler(not_command & filters.TEXT, text),
        MessageHandler(not_command & filters.LOCATION, location),
        MessageHandler(not_command, other),
    ]
    warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
    return ConversationHandler(
        entry_points=[CommandHandler(list(form.command.names), begin, filters=FOR_ME)],
        states={
            ASKING: asking,
            CONFIRMING: [
                CallbackQueryHandler(confirmed, pattern=pattern),
                MessageHandler(not_command, _expect_button),
            ],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
        },
        fallbacks=cancel_fallback(form.draft_key),
        conversation_timeout=TIMEOUT_SECONDS,
        name=form.name,
        persistent=True,
        allow_reentry=True,
    )


async def _expect_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    req = await Request.load(update, context)
    await req.reply(req.texts("expected_button"))


async def _mark_answered(query: Any, value: str, step: Step, req: Request, draft: Draft) -> None:
    """Show the chosen answer in place of the buttons, so the question cannot be answered twice."""
    label = value
    if step.choices is not None:
        for option in await step.choices(req, draft):
            if option.value == value:
                label = option.label
    message = query.message
    text = getattr(message, "text_html", None) or ""
    await query.edit_message_text(f"{text}\n<b>→ {html.escape(label)}</b>", parse_mode="HTML")
