"""Work sites (lokasi): where the work happens, and what registering one requires."""

import math
from dataclasses import dataclass

from domain.cases import Problem

RADIUS_DEFAULT_M = 150
RADIUS_MIN_M, RADIUS_MAX_M = 10, 5000
CAPACITY_MAX = 200
ACTIVITIES_MAX = 20
ACTIVITY_MIN, ACTIVITY_MAX = 2, 80


@dataclass(frozen=True)
class SiteDraft:
    name: str
    host_agency_id: int
    address: str
    latitude: float
    longitude: float
    radius_m: int
    timezone: str
    activities: tuple[str, ...]
    capacity: int
    non_commercial_declared: bool


def parse_activities(text: str) -> tuple[str, ...]:
    """Activities typed as a list: one per line or separated by commas or semicolons."""
    parts = [
        p.strip(" -•\t") for chunk in text.splitlines() for p in chunk.replace(";", ",").split(",")
    ]
    seen: dict[str, None] = {}
    for part in parts:
        if part:
            seen.setdefault(" ".join(part.split()), None)
    return tuple(seen)


def check_site(draft: SiteDraft) -> list[Problem]:
    problems = []
    if not 3 <= len(draft.name) <= 120:
        problems.append(Problem("name", "site.bad_name"))
    if not 3 <= len(draft.address) <= 300:
        problems.append(Problem("address", "site.bad_address"))
    if not (-90 <= draft.latitude <= 90 and -180 <= draft.longitude <= 180):
        problems.append(Problem("location", "site.bad_location"))
    if not RADIUS_MIN_M <= draft.radius_m <= RADIUS_MAX_M:
        problems.append(
            Problem("radius_m", "site.bad_radius", {"min": RADIUS_MIN_M, "max": RADIUS_MAX_M})
        )
    if not 1 <= len(draft.activities) <= ACTIVITIES_MAX or not all(
        ACTIVITY_MIN <= len(a) <= ACTIVITY_MAX for a in draft.activities
    ):
        problems.append(Problem("activities", "site.bad_activities", {"max": ACTIVITIES_MAX}))
    if not 1 <= draft.capacity <= CAPACITY_MAX:
        problems.append(Problem("capacity", "site.bad_capacity", {"max": CAPACITY_MAX}))
    if not draft.non_commercial_declared:
        # Pasal 85(3): the work must not be commercial; the agreement adds human dignity.
        problems.append(Problem("declaration", "site.declaration_required"))
    return problems


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine); plenty for a geofence of 150 m."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
