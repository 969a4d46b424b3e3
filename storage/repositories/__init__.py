"""Repositories over one connection, bundled so a use case gets them all in one object."""

import aiosqlite

from storage.repositories.agencies import AgencyRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.invitations import InvitationRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.updates import ProcessedUpdateRepository, RedemptionFailureRepository


class Store:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self.agencies = AgencyRepository(conn)
        self.people = PeopleRepository(conn)
        self.invitations = InvitationRepository(conn)
        self.audit = AuditRepository(conn)
        self.updates = ProcessedUpdateRepository(conn)
        self.redemption_failures = RedemptionFailureRepository(conn)


__all__ = ["Store"]
