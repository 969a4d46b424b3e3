"""The one engine for every step-by-step flow in chat: forms (a site, a case...) and the work
on site (check-in, check-out, absences, leave, corrections, rescheduling).

A flow is a list of :class:`Step`: each asks one question and takes the answer as text, a
button, a location pin or a photo. A step's parser returns what happens next (``None``: the
next step; :data:`STAY`, :data:`DONE`, or :class:`Goto` another step), raises
:class:`Invalid` to say what is wrong and ask again, :class:`Finished` to end the flow with
a last word, or :class:`Stale` for a button that no longer holds. A form ends with a summary
and a confirm button, and only that button writes (``Form.save``); a flow without ``save``
acts in its last step, through a use case.

The engine owns what every flow used to re-implement: the role check on every answer, the
private-chat rule, a button that only counts for the step that showed it (so an old keyboard
cannot answer a later question), asking again after an answer of the wrong kind, ``/batal``,
the time-out, and the draft. The draft lives in ``user_data`` and the step in the
conversation, both kept in SQLite by ``bot.persistence``: an update replayed after a crash
finds its flow where it was.
"""

import html
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
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

from domain import authority
from domain import callback_data as callbacks
from domain.permissions import Action
from handlers.context import Request
from handlers.filters import FOR_ME, PRIVATE
from handlers.flows import cancel_fallback
from handlers.guards import allowed, stale
from handlers.keyboards import confirm
from handlers.registry import CommandSpec
from handlers.supervision import photo_of
from services.attendance import Photo
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


class Finished(Exception):
    """The flow ends here (nothing to choose from, a refusal, the thing changed meanwhile);
    ``message``, if any, is the last word. Whatever was said already stays said."""

    def __init__(self, message: Html | None = None) -> None:
        super().__init__(message)
        self.message = message


class Stale(Exception):
    """A button whose choice no longer holds (yesterday's list, a record changed)."""


class Flow(Enum):
    STAY = "stay"  # the answer was taken (or refused, with a reply); the question stands
    DONE = "done"  # the flow is over: its use case has answered


STAY, DONE = Flow.STAY, Flow.DONE


@dataclass(frozen=True)
class Goto:
    step: str


Next = Flow | Goto | None


@dataclass(frozen=True)
class Choice:
    label: str
    value: str  # fits callback data: letters, digits, "_", "-", ".", at most 24


TextParser = Callable[[Request, Draft, str], Awaitable[Next]]
ChoiceParser = Callable[[Request, Draft, str], Awaitable[Next]]
LocationParser = Callable[[Request, Draft, float, float], Awaitable[Next]]
PhotoParser = Callable[[Request, Draft, Photo], Awaitable[Next]]
Choices = Callable[[Request, Draft], Awaitable[Sequence[Choice]]]
Prompt = Callable[[Request, Draft], Html]
Begin = Callable[[Request, Draft, list[str]], Awaitable[Next]]
EntryHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, int]]


@dataclass(frozen=True)
class Step:
    """One question. At least one of ``on_text``, ``on_choice``, ``on_location``,
    ``on_photo`` is set."""

    name: str
    prompt: Prompt
    on_text: TextParser | None = None
    on_choice: ChoiceParser | None = None
    on_location: LocationParser | None = None
    on_photo: PhotoParser | None = None
    choices: Choices | None = None
    skip: Callable[[Request, Draft], Awaitable[bool]] | None = None
    #: A multi-select: each choice updates the keyboard, until ``on_choice`` sets
    #: ``draft["_done"]``. A typed answer completes the step at once.
    repeat_until_done: bool = False
    #: The step's buttons say ``<prefix>:v1:<tag>:<value>``; the index when not set.
    tag: str | None = None
    #: Any file counts as ``on_photo``'s answer (a doctor's letter as a PDF), not only images.
    any_document: bool = False
    #: Asked by editing the message whose button answered the step before, so a card that
    #: changes stays one message.
    in_place: bool = False
    #: What to say to an answer of the wrong kind (a sticker where a photo is asked).
    again: Prompt | None = None
    #: A one-tap "send my location" button under the chat's text box while the step asks
    #: (a step with no buttons of its own); the flow's last reply takes it away.
    location_button: Callable[[Request, Draft], str] | None = None


@dataclass(frozen=True)
class ButtonEntry:
    """A button outside the flow that starts it (under a reminder, under a follow-up):
    ``begin`` gets the payload's parts and fills the draft."""

    prefix: str
    parts: int
    begin: Begin


@dataclass(frozen=True)
class MessageEntry:
    """A message that starts the flow and may finish it at once (a photo captioned
    ``/hadir KS-…``)."""

    filter: filters.BaseFilter
    begin: Begin
    #: Who may not run the flow gets this instead of a refusal (a stray photo from someone
    #: who records nothing is a message not understood, not a request refused).
    otherwise: Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]] | None = None


@dataclass(frozen=True)
class Form:
    name: str
    prefix: str  # callback prefix, unique per flow
    command: CommandSpec | None
    action: Action
    steps: tuple[Step, ...]
    #: A form's confirmation: the summary, and what its confirm button writes. A flow
    #: without them ends after its last step.
    summary: Callable[[Request, Draft], Awaitable[Html]] | None = None
    save: Callable[[Request, Draft], Awaitable[None]] | None = None
    #: Says why the form cannot start (say, no agency to choose from yet); None to go on.
    precheck: Callable[[Request], Awaitable[Html | None]] | None = None
    #: Reads the command's arguments into the draft (``/hadir KS-…`` skips the list).
    start: Begin | None = None
    entries: tuple[ButtonEntry | MessageEntry, ...] = field(default_factory=tuple)
    timeout_seconds: int = TIMEOUT_SECONDS

    @property
    def draft_key(self) -> str:
        return f"form:{self.name}"

    def tag(self, index: int) -> str:
        return self.steps[index].tag or str(index)

    def index(self, name: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.name == name)


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


def _current(form: Form, draft: Draft) -> Step | None:
    index = draft.get("_step")
    return form.steps[index] if isinstance(index, int) and index < len(form.steps) else None


async def _ask(form: Form, req: Request, draft: Draft, in_place: Any = None) -> int:
    """Ask the current step's question, skipping steps that do not apply; or summarise.

    ``in_place`` is the message whose button was just pressed, for an ``in_place`` step."""
    while draft["_step"] < len(form.steps):
        step = form.steps[draft["_step"]]
        if step.skip is not None and await step.skip(req, draft):
            draft["_step"] += 1
            continue
        keyboard: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = await _keyboard(
            form, req, draft
        )
        if keyboard is None and step.location_button is not None:
            keyboard = ReplyKeyboardMarkup(
                [[KeyboardButton(step.location_button(req, draft), request_location=True)]],
                resize_keyboard=True,
                one_time_keyboard=True,
            )
        if in_place is not None and step.in_place:
            text = getattr(in_place, "text_html", None) or ""
            await in_place.edit_text(
                f"{text}\n\n{step.prompt(req, draft)}", parse_mode="HTML", reply_markup=keyboard
            )
        else:
            await req.reply(step.prompt(req, draft), reply_markup=keyboard)
        return ASKING
    if form.summary is None:
        _clear(form, req.context)
        return END
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
    # The labels shown, so the answer can be written under the question without asking again.
    draft["_labels"] = {o.value: o.label for o in options}
    tag = form.tag(draft["_step"])
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    o.label, callback_data=callbacks.encode(form.prefix, tag, o.value)
                )
            ]
            for o in options
        ]
    )


async def _go(form: Form, req: Request, draft: Draft, after: Next, pressed: Any = None) -> int:
    """Where the flow goes after an answer was taken."""
    if after is STAY:
        return ASKING
    if after is DONE:
        _clear(form, req.context)
        return END
    draft.pop("_done", None)
    draft.pop("_labels", None)
    draft["_step"] = form.index(after.step) if isinstance(after, Goto) else draft["_step"] + 1
    return await _ask(form, req, draft, pressed)


async def _run(
    form: Form, req: Request, draft: Draft, answer: Awaitable[Next], pressed: Any = None
) -> int:
    """Take one answer: where the flow goes next, or what was wrong with it."""

    async def take() -> int:
        return await _go(form, req, draft, await answer, pressed)

    return await _guarded(form, req, take())


async def _guarded(form: Form, req: Request, work: Awaitable[int]) -> int:
    """``work``'s next state, or the end of the flow it asked for, or the question again."""
    try:
        return await work
    except Invalid as problem:
        await req.reply(problem.message)
        return ASKING
    except Finished as last:
        _clear(form, req.context)
        if last.message is not None:
            await req.reply(last.message)
        return END


def build(form: Form) -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    """The ConversationHandler that runs ``form``."""

    async def _begin(req: Request, args: list[str], begin: Begin | None) -> int:
        _clear(form, req.context)
        draft = _draft(form, req.context)
        draft["_step"] = 0

        async def work() -> int:
            if form.precheck is not None and (reason := await form.precheck(req)) is not None:
                raise Finished(reason)
            after = await begin(req, draft, args) if begin is not None else None
            if after is DONE:
                _clear(form, req.context)
                return END
            if isinstance(after, Goto):
                draft["_step"] = form.index(after.step)
            return await _ask(form, req, draft)

        return await _guarded(form, req, work())

    async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        req = await _checked(form, update, context)
        if req is None:
            return END
        if update.effective_chat and update.effective_chat.type != "private":
            await req.reply(req.texts("private_only"))
            return END
        return await _begin(req, list(context.args or []), form.start)

    def from_button(entry: ButtonEntry) -> EntryHandler:
        async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
            query = update.callback_query
            assert query is not None
            req = await _checked(form, update, context)
            if req is None:
                return END
            parts = callbacks.decode(query.data, entry.prefix, entry.parts)
            try:
                if parts is None:
                    raise Stale
                result = await _begin(req, parts, entry.begin)
            except Stale:
                _clear(form, context)
                await stale(req)
                return END
            await query.answer()
            return result

        return pressed

    def from_message(entry: MessageEntry) -> EntryHandler:
        async def received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
            if entry.otherwise is not None:
                asker = await Request.load(update, context)
                if not authority.may(asker.actor, form.action):
                    await entry.otherwise(update, context)
                    return END
            req = await _checked(form, update, context)
            if req is None:
                return END
            return await _begin(req, [], entry.begin)

        return received

    async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        req = await _checked(form, update, context)
        if req is None:
            return END
        draft = _draft(form, context)
        step = _current(form, draft)
        if step is None:
            return await _lost(req)
        assert update.message is not None
        if step.on_text is None:
            return await _again(req, draft, step)
        value = (update.message.text or "").strip()
        return await _run(form, req, draft, step.on_text(req, draft, value))

    async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        req = await _checked(form, update, context)
        if req is None:
            return END
        draft = _draft(form, context)
        step = _current(form, draft)
        if step is None:
            return await _lost(req)
        assert update.message is not None and update.message.location is not None
        if step.on_location is None:
            return await _again(req, draft, step)
        pin = update.message.location
        return await _run(
            form, req, draft, step.on_location(req, draft, pin.latitude, pin.longitude)
        )

    async def media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """A photo or file: the answer of a photo step, anything else's wrong kind."""
        req = await _checked(form, update, context)
        if req is None:
            return END
        draft = _draft(form, context)
        step = _current(form, draft)
        if step is None:
            return await _lost(req)
        message = update.message
        assert message is not None
        photo = photo_of(message)
        if photo is None and step.any_document and message.document is not None:
            document = message.document
            photo = Photo(document.file_id, document.file_unique_id, document.file_size)
        if step.on_photo is None or photo is None:
            return await _again(req, draft, step)
        return await _run(form, req, draft, step.on_photo(req, draft, photo))

    async def other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """A sticker, a voice note... where the step wants something else: ask again."""
        req = await Request.load(update, context)
        draft = _draft(form, context)
        step = _current(form, draft)
        if step is None:
            return await _lost(req)
        return await _again(req, draft, step)

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
        query = update.callback_query
        assert query is not None
        req = await _checked(form, update, context)
        if req is None:
            return END
        draft = _draft(form, context)
        parts = callbacks.decode(query.data, form.prefix, 2)
        step = _current(form, draft)
        if (
            parts is None
            or step is None
            or step.on_choice is None
            or parts[0] != form.tag(draft["_step"])
        ):
            await stale(req)
            return None
        try:
            after = await step.on_choice(req, draft, parts[1])
        except Stale:
            await stale(req)
            return None
        except (Invalid, Finished) as problem:
            await query.answer()  # an Invalid keeps the question's buttons, to choose again
            return await _guarded(form, req, _raise(problem))
        await query.answer()
        if step.repeat_until_done and not draft.pop("_done", False):
            # A multi-select: each tap updates the same keyboard until "done".
            await query.edit_message_reply_markup(await _keyboard(form, req, draft))
            return ASKING
        if step.repeat_until_done:
            await query.edit_message_reply_markup(None)
            answered = None
        else:
            answered = await _mark_answered(query, parts[1], draft)
        return await _guarded(form, req, _go(form, req, draft, after, answered))

    async def confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
        query = update.callback_query
        assert query is not None
        req = await _checked(form, update, context)
        if req is None:
            return END
        parts = callbacks.decode(query.data, form.prefix, 2)
        if parts is None or parts[0] not in ("ok", "no") or form.save is None:
            await stale(req)
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

    async def timed_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        _clear(form, context)
        if update.effective_user is not None:
            req = await Request.load(update, context)
            await req.reply(req.texts("form.timeout"))

    pattern = rf"^{form.prefix}:"
    not_command = PRIVATE & ~filters.COMMAND
    files = filters.PHOTO | filters.Document.ALL
    asking: list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]] = [
        CallbackQueryHandler(press, pattern=pattern),
        MessageHandler(not_command & filters.TEXT, text),
        MessageHandler(not_command & filters.LOCATION, location),
        MessageHandler(not_command & files, media),
        MessageHandler(not_command, other),
    ]
    entry_points: list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]] = []
    if form.command is not None:
        entry_points.append(CommandHandler(list(form.command.names), command, filters=FOR_ME))
    for entry in form.entries:
        if isinstance(entry, ButtonEntry):
            entry_points.append(
                CallbackQueryHandler(from_button(entry), pattern=rf"^{entry.prefix}:")
            )
        else:
            entry_points.append(MessageHandler(entry.filter, from_message(entry)))
    warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
    return ConversationHandler(
        entry_points=entry_points,
        states={
            ASKING: asking,
            CONFIRMING: [
                CallbackQueryHandler(confirmed, pattern=pattern),
                MessageHandler(not_command, _expect_button),
            ],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
        },
        fallbacks=cancel_fallback(form.draft_key),
        conversation_timeout=form.timeout_seconds,
        name=form.name,
        persistent=True,
        allow_reentry=True,
    )


async def _raise(problem: Exception) -> int:
    raise problem


async def _again(req: Request, draft: Draft, step: Step) -> int:
    """An answer of the wrong kind: say what this step takes, and keep asking."""
    if step.again is not None:
        await req.reply(step.again(req, draft))
    elif step.on_text is None and step.on_location is None and step.on_photo is None:
        await req.reply(req.texts("expected_button"))
    else:
        await req.reply(req.texts("expected_text", prompt=step.prompt(req, draft)))
    return ASKING


async def _lost(req: Request) -> int:
    """A step with no draft (a flow of an older version, a draft lost): start over."""
    await req.reply(req.texts("stale_button"))
    return END


async def _expect_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    req = await Request.load(update, context)
    await req.reply(req.texts("expected_button"))


async def _mark_answered(query: Any, value: str, draft: Draft) -> Any:
    """Show the chosen answer in place of the buttons, so the question cannot be answered
    twice; the edited message, for a next question asked in place."""
    label = (draft.get("_labels") or {}).get(value, value)
    text = getattr(query.message, "text_html", None) or ""
    edited = await query.edit_message_text(
        f"{text}\n<b>→ {html.escape(label)}</b>", parse_mode="HTML"
    )
    return edited if not isinstance(edited, bool) else None
