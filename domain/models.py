"""Domain records shared by every layer. Repositories return these, never raw rows."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

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
