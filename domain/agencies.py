"""Rules for registering agencies (Kejati, Kejari, Bapas, local governments and their offices)."""

from collections.abc import Iterable, Mapping

from domain.roles import AgencyType

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
