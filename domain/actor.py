"""The person behind an update, with everything needed to decide what they may do.

Administrators named in the configuration (``KERJASOSIAL_ADMIN_IDS``) hold the admin role
without a membership row, so the very first operator can start before any agency exists.
"""

from dataclasses import dataclass, field

from domain.models import Membership, Person
from domain.roles import Role


@dataclass(frozen=True)
class Actor:
    telegram_user_id: int
    person: Person | None = None
    memberships: tuple[Membership, ...] = field(default_factory=tuple)
    is_config_admin: bool = False

    @property
    def roles(self) -> frozenset[Role]:
        roles = {m.role for m in self.memberships if m.active}
        if self.is_config_admin:
            roles.add(Role.ADMIN)
        return frozenset(roles)

    @property
    def registered(self) -> bool:
        return bool(self.roles)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def agencies_as(self, role: Role) -> frozenset[int]:
        return frozenset(m.agency_id for m in self.memberships if m.active and m.role == role)
