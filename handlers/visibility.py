"""Which cases and agencies a person may see: the scope that ``/jadwal``, ``/laporan`` and
the group commands share.

Who may run a command at all is ``domain/permissions.py``; this is the narrower question of
which records a permitted person reaches. Feature modules never import each other, so the
rule lives here, below them.
"""

from domain.actor import Actor
from domain.agencies import with_descendants
from domain.models import Agency, Case
from domain.roles import Role
from handlers.context import Request
from storage.repositories import Store


async def official_scope(req: Request) -> set[int]:
    """The agencies an official (pejabat) oversees: their own and every one under them."""
    roots = req.actor.agencies_as(Role.PEJABAT)
    if not roots:
        return set()
    agencies = await req.db.reader().agencies.all()
    return with_descendants({a.id: a.parent_id for a in agencies}, roots)


async def may_see_case(req: Request, case: Case) -> bool:
    actor = req.actor
    if actor.is_admin:
        return True
    person = actor.person
    if case.agency_id in actor.agencies_as(Role.JAKSA):
        return True
    if Role.PEJABAT in actor.roles:
        scope = await official_scope(req)
        site = await req.db.reader().sites.get(case.site_id)
        if case.agency_id in scope or (site is not None and site.host_agency_id in scope):
            return True
    if person is None:
        return False
    if person.id in (case.pk_person_id, case.offender_person_id):
        return True
    supervised = {s.id for s in await req.db.reader().sites.supervised_by(person.id)}
    return case.site_id in supervised


async def linkable_agencies(store: Store, actor: Actor) -> list[Agency]:
    """Admins link any agency; a jaksa or pejabat their own and those under it."""
    agencies = await store.agencies.all()
    if actor.is_admin:
        return agencies
    roots = actor.agencies_as(Role.JAKSA) | actor.agencies_as(Role.PEJABAT)
    scope = with_descendants({a.id: a.parent_id for a in agencies}, roots)
    return [a for a in agencies if a.id in scope]
