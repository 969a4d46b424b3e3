"""Domain records shared by every layer. Repositories return these, never raw rows."""

from datetime import date, datetime, time

from pydantic import BaseModel, ConfigDict

from domain.cases import CaseStatus, CaseTerms, Consequence
from domain.roles import AgencyType, Role


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Agency(_Model):
    id: int
    type: AgencyType
    name: str
    parent_id: int | None
    timezone: str
    created_at: datetime


class Person(_Model):
    id: int
    telegram_user_id: int
    full_name: str
    language_code: str | None
    created_at: datetime


class Membership(_Model):
    id: int
    person_id: int
    agency_id: int
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Invitation(_Model):
    id: int
    role: Role
    agency_id: int
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    used_by: int | None
    site_id: int | None = None  # a pengawas is invited to supervise a site
    case_id: int | None = None  # an offender is invited to their own case


class AuditEntry(_Model):
    id: int
    at: datetime
    actor_telegram_id: int | None
    actor_person_id: int | None
    update_id: int | None
    action: str
    subject: str | None
    detail: str
    prev_hash: str
    hash: str


class Site(_Model):
    id: int
    name: str
    host_agency_id: int
    address: str
    latitude: float
    longitude: float
    radius_m: int
    timezone: str
    activities: tuple[str, ...]
    capacity: int
    non_commercial_declared_at: datetime
    created_at: datetime


class Case(_Model):
    id: int
    code: str
    agency_id: int
    offender_name: str
    offender_person_id: int | None
    decision_number: str
    court: str
    decision_date: date
    hours_total: int
    hours_per_day: int
    weekdays: frozenset[int]
    session_start: time
    site_id: int
    start_date: date
    deadline: date
    consequence: Consequence
    replaced_penalty: str
    jaksa_person_id: int
    pk_person_id: int | None
    status: CaseStatus
    created_at: datetime
    closed_at: datetime | None = None

    @property
    def terms(self) -> CaseTerms:
        return CaseTerms(
            hours_total=self.hours_total,
            hours_per_day=self.hours_per_day,
            weekdays=self.weekdays,
            start_date=self.start_date,
            deadline=self.deadline,
            session_start=self.session_start,
        )


class Session(_Model):
    id: int
    case_id: int
    site_id: int
    day: date
    starts_at: datetime
    ends_at: datetime
    minutes: int
    status: str
