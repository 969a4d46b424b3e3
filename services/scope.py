"""The facts :mod:`domain.authority` needs about one actor, read in three small queries."""

from domain import authority
from domain.actor import Actor
from domain.authority import Scope
from domain.models import Site
from storage.repositories import Store


async def scope_of(store: Store, actor: Actor) -> Scope:
    agencies = await store.agencies.all()
    sites = await store.sites.all()
    supervised = (
        [s.id for s in await store.sites.supervised_by(actor.person.id)]
        if actor.person is not None and authority.supervises(actor)
        else []
    )
    return authority.scope_for(
        actor,
        parents={a.id: a.parent_id for a in agencies},
        hosts={s.id: s.host_agency_id for s in sites},
        supervised=supervised,
    )


async def supervising_scope(store: Store, actor: Actor) -> Scope:
    """Only the sites this actor supervises: all that ``authority.records_at`` needs, read in
    one query on the path every check-in takes."""
    scope, _ = await supervising(store, actor)
    return scope


async def supervising(store: Store, actor: Actor) -> tuple[Scope, dict[int, Site]]:
    """:func:`supervising_scope`, and the sites themselves by id: the query reads them
    whole, so a caller about to read one of them has it already."""
    sites = (
        {s.id: s for s in await store.sites.supervised_by(actor.person.id)}
        if actor.person is not None and authority.supervises(actor)
        else {}
    )
    return authority.scope_for(actor, parents={}, hosts={}, supervised=list(sites)), sites
