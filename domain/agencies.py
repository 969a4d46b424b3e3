"""Rules for registering agencies (Kejati, Kejari, Bapas, local governments and their offices)."""

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
