"""Repositories over one connection, bundled so a use case gets them all in one object."""

import aiosqlite

from storage.repositories.agencies import AgencyRepository
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.cases import CaseRepository
from storage.repositories.consequences import ConsequenceRepository
from storage.repositories.conversations import ConversationRepository
from storage.repositories.figures import FigureRepository
from storage.repositories.groups import GroupRepository
from storage.repositories.holidays import HolidayRepository
from storage.repositories.inbox import InboxRepository
from storage.repositories.invitations import InvitationRepository
from storage.repositories.ledger_days import LedgerDayRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.phones import PhoneRepository
from storage.repositories.reminders import ReminderRepository
from storage.repositories.runtime import RuntimeRepository
from storage.repositories.sites import SiteRepository
from storage.repositories.updates import ProcessedUpdateRepository, RedemptionFailureRepository


class Store:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self.agencies = AgencyRepository(conn)
        self.people = PeopleRepository(conn)
        self.invitations = InvitationRepository(conn)
        self.audit = AuditRepository(conn)
        self.updates = ProcessedUpdateRepository(conn)
        self.inbox = InboxRepository(conn)
        self.redemption_failures = RedemptionFailureRepository(conn)
        self.sites = SiteRepository(conn)
        self.cases = CaseRepository(conn)
        self.holidays = HolidayRepository(conn)
        self.attendance = AttendanceRepository(conn)
        self.ledger_days = LedgerDayRepository(conn)
        self.figures = FigureRepository(conn)
        self.outbox = OutboxRepository(conn)
        self.reminders = ReminderRepository(conn)
        self.groups = GroupRepository(conn)
        self.runtime = RuntimeRepository(conn)
        self.conversations = ConversationRepository(conn)
        self.consequences = ConsequenceRepository(conn)
        self.phones = PhoneRepository(conn)


__all__ = ["Store"]
