"""Rules for registering agencies (Kejati, Kejari, Bapas, local governments and their offices)."""

from collections.abc import Iterable, Mapping

from domain.roles import AgencyType, Role

#: Which agency types may sit above each type. A Kejari reports to a Kejati, a regency or
#: city government belongs to a province, a dinas to a local government; a Kejati, a
#: Pemprov and a Bapas (under the ministry's regional office, which is not modelled) stand alone.
ALLOWED_PARENTS: dict[AgencyType, frozenset[AgencyType]] = {
    AgencyType.KEJATI: frozenset(),
    AgencyType.KEJARI: frozenset({AgencyType.KEJATI}),
    AgencyType.BAPAS: frozenset(),
    AgencyType.PEMPROV: frozenset(),
    AgencyType.PEMKAB: frozenset({AgencyType.PEMPROV}),
    AgencyType.PEMKOT: frozenset({AgencyType.PEMPROV}),
    AgencyType.DINAS: frozenset({AgencyType.PEMPROV, AgencyType.PEMKAB, AgencyType.PEMKOT}),
}

#: The local governments and their offices: they host the work sites.
HOST_TYPES: tuple[AgencyType, ...] = (
    AgencyType.DINAS,
    AgencyType.PEMKOT,
    AgencyType.PEMKAB,
    AgencyType.PEMPROV,
)

#: Which kinds of agency each role belongs to, the one table for it: a jaksa works in a
#: Kejari or a Kejati, a PK in a Bapas, a pengawas in the local government (or its dinas)
#: that hosts their sites, an offender in the Kejari that executes their case; an official
#: and an operator may sit anywhere. The order is the order agencies are offered in.
ROLE_HOMES: dict[Role, tuple[AgencyType, ...]] = {
    Role.ADMIN: tuple(AgencyType),
    Role.JAKSA: (AgencyType.KEJARI, AgencyType.KEJATI),
    Role.PK: (AgencyType.BAPAS,),
    Role.PENGAWAS: HOST_TYPES,
    Role.PEJABAT: tuple(AgencyType),
    # The prosecutors' office of their case: a Kejari, or a Kejati that executes it itself.
    Role.TERPIDANA: (AgencyType.KEJARI, AgencyType.KEJATI),
}


def fits(role: Role, agency_type: AgencyType) -> bool:
    """Whether someone with ``role`` belongs in an agency of this kind."""
    return agency_type in ROLE_HOMES[role]


def belongs_anywhere(role: Role) -> bool:
    return len(ROLE_HOMES[role]) == len(AgencyType)


def nearest_first(
    role: Role,
    candidates: Iterable[tuple[int, AgencyType, str]],
    parents: Mapping[int, int | None],
    own: Iterable[int],
) -> list[int]:
    """The ids of the ``candidates`` (id, type, name) that fit ``role``: the inviter's own
    agencies first, then those under them, then the rest by kind (the table's order) and name."""
    own_ids = set(own)
    under = with_descendants(parents, own_ids) - own_ids
    order = ROLE_HOMES[role]

    def rank(item: tuple[int, AgencyType, str]) -> tuple[int, int, str, int]:
        agency_id, agency_type, name = item
        nearness = 0 if agency_id in own_ids else 1 if agency_id in under else 2
        return (nearness, order.index(agency_type), name.casefold(), agency_id)

    return [c[0] for c in sorted((c for c in candidates if fits(role, c[1])), key=rank)]


#: Indonesia's three civil time zones (no daylight saving). Pontianak is WIB like Jakarta.
TIMEZONES: tuple[str, ...] = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")

NAME_MIN = 3
NAME_MAX = 100


def parent_allowed(child: AgencyType, parent: AgencyType | None) -> bool:
    return parent is None or parent in ALLOWED_PARENTS[child]


def clean_name(text: str) -> str | None:
    """The agency name as it will be stored, or None if it is not acceptable."""
    name = " ".join(text.split())
    if not NAME_MIN <= len(name) <= NAME_MAX:
        return None
    if name.startswith("/"):
        return None  # a command typed by mistake, not a name
    return name


def with_descendants(parents: Mapping[int, int | None], roots: Iterable[int]) -> set[int]:
    """``roots`` and every agency under them: a Kejati official sees its Kejari's cases, a
    Pemkot official its dinas' sites. ``parents`` maps each agency id to its parent's."""
    children: dict[int, list[int]] = {}
    for agency_id, parent_id in parents.items():
        if parent_id is not None:
            children.setdefault(parent_id, []).append(agency_id)
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        agency_id = stack.pop()
        if agency_id not in seen:
            seen.add(agency_id)
            stack.extend(children.get(agency_id, ()))
    return seen
