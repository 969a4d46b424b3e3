"""The people and organisations the law names, as closed vocabularies.

Values are stored in the database and typed by users (``/undang pk``), so they are the
Indonesian words from DOMAIN.md and must never be renamed without a migration.
"""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    JAKSA = "jaksa"
    PK = "pk"
    PENGAWAS = "pengawas"
    PEJABAT = "pejabat"
    TERPIDANA = "terpidana"


class AgencyType(StrEnum):
    KEJATI = "kejati"
    KEJARI = "kejari"
    BAPAS = "bapas"
    PEMPROV = "pemprov"
    PEMKAB = "pemkab"
    PEMKOT = "pemkot"
    DINAS = "dinas"


def parse_role(text: str) -> Role | None:
    """Accept a role typed by a person: case and surrounding spaces do not matter."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        return None
