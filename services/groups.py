"""Agency groups: a Telegram group that is sent one agency's weekly digest.

The bot is added to a group by someone who may link groups; they choose the agency, which
must be one whose report they may read (``authority.may_link_group``), because the group
will read it too. The same rule decides who may ask for the digest in the group or change
when it comes. Telegram tells the bot when it is removed or the group becomes a supergroup.
"""

from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from domain import authority
from domain.actor import Actor
from domain.models import Agency
from domain.permissions import Action
from services.origin import Origin
from services.scope import scope_of
from storage.repositories import Store
from storage.repositories.groups import AgencyGroup

DIGEST_LANGUAGES = ("id", "en")


class Outcome(StrEnum):
    DONE = "done"
    NOT_ALLOWED = "not_allowed"  # added by someone who may not link it: the bot leaves
    STALE = "stale"  # no such agency or group: an old or forged button
    NOT_YOURS = "not_yours"  # an agency the actor does not answer for
    NOT_LINKED = "not_linked"  # a group that has no agency yet
    INVALID = "invalid"  # a digest setting out of range


@dataclass(frozen=True)
class Added:
    outcome: Outcome
    #: What the adder may link the group to, for the buttons they are asked with.
    agencies: tuple[Agency, ...] = ()


@dataclass(frozen=True)
class Answered:
    outcome: Outcome
    group: AgencyGroup | None = None
    agency: Agency | None = None


async def linkable_agencies(store: Store, actor: Actor) -> list[Agency]:
    """Admins link any agency; a jaksa or pejabat their own and those under it."""
    scope = await scope_of(store, actor)
    return [a for a in await store.agencies.all() if authority.may_link_group(scope, a.id)]


async def digest_scope(store: Store, actor: Actor) -> set[int] | None:
    """The agencies a digest asked for in private covers; None for all of them."""
    reported = authority.reported_agencies(await scope_of(store, actor))
    return None if reported is None else set(reported)


async def answered_group(store: Store, actor: Actor, chat_id: int) -> Answered:
    """This chat's linked group and its agency, if the actor answers for that agency."""
    group = await store.groups.get(chat_id)
    if group is None or group.agency_id is None:
        return Answered(Outcome.NOT_LINKED, group=group)
    agency = await store.agencies.get(group.agency_id)
    if agency is None:
        return Answered(Outcome.NOT_LINKED, group=group)
    if not authority.may_link_group(await scope_of(store, actor), agency.id):
        return Answered(Outcome.NOT_YOURS, group=group, agency=agency)
    return Answered(Outcome.DONE, group=group, agency=agency)


async def bot_added(origin: Origin, chat_id: int, *, title: str | None) -> Added:
    """Record the group; the adder is asked for its agency, or the bot is to leave."""
    allowed = authority.may(origin.actor, Action.LINK_GROUP)
    async with origin.transaction() as store:
        agencies = tuple(await linkable_agencies(store, origin.actor)) if allowed else ()
        await store.groups.added(
            chat_id, title=title, by=origin.actor.telegram_user_id, now=origin.now
        )
        await store.audit.append(
            action="group.added" if allowed else "refused",
            subject=f"chat:{chat_id}",
            **origin.audit_fields(),
        )
    if not agencies:
        return Added(Outcome.NOT_ALLOWED)
    return Added(Outcome.DONE, agencies=agencies)


async def bot_removed(origin: Origin, chat_id: int) -> None:
    """The group gets nothing more: it is unlinked and its pending messages are skipped."""
    async with origin.transaction() as store:
        await store.groups.removed(chat_id)
        await store.audit.append(
            action="group.removed", subject=f"chat:{chat_id}", **origin.audit_fields()
        )


async def group_migrated(origin: Origin, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: its link and pending messages follow the new id."""
    async with origin.transaction() as store:
        await store.groups.migrated(old_chat_id, new_chat_id)
        await store.outbox.move_chat(old_chat_id, new_chat_id)


async def link_group(origin: Origin, chat_id: int, agency_id: int) -> Answered:
    """Link the group to the agency whose digest it will be sent."""
    async with origin.transaction() as store:
        agency = await store.agencies.get(agency_id)
        group = await store.groups.get(chat_id)
        if agency is None or group is None:
            return Answered(Outcome.STALE, group=group, agency=agency)
        if not authority.may_link_group(await scope_of(store, origin.actor), agency.id):
            return Answered(Outcome.NOT_YOURS, group=group, agency=agency)
        await store.groups.link(chat_id, agency.id, by=origin.person_id, now=origin.now)
        await store.audit.append(
            action="group.linked",
            subject=f"chat:{chat_id}",
            detail={"agency_id": agency.id},
            **origin.audit_fields(),
        )
    return Answered(Outcome.DONE, group=group, agency=agency)


async def set_digest(
    origin: Origin, chat_id: int, *, weekday: int, at: time, language: str
) -> Answered:
    """When the group's weekly digest comes (its agency's local time) and in which language."""
    async with origin.transaction() as store:
        answered = await answered_group(store, origin.actor, chat_id)
        if answered.outcome is not Outcome.DONE:
            return answered
        if not 0 <= weekday <= 6 or language not in DIGEST_LANGUAGES:
            return Answered(Outcome.INVALID, group=answered.group, agency=answered.agency)
        await store.groups.set_digest(chat_id, weekday=weekday, at=at, language=language)
        await store.audit.append(
            action="group.digest_settings", subject=f"chat:{chat_id}", **origin.audit_fields()
        )
    return answered
