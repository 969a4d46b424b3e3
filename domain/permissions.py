"""Who may do what: the single place where roles are checked against actions.

Handlers never compare roles themselves; they ask :func:`may`. This keeps the role x action
matrix in one table that the README documents and the tests enumerate.
"""

from collections.abc import Iterable
from datetime import timedelta
from enum import StrEnum

from domain.lockout import Lockout
from domain.roles import Role


class Action(StrEnum):
    HELP = "help"
    ME = "me"
    INVITE = "invite"
    NEW_AGENCY = "new_agency"
    LIST_PEOPLE = "list_people"
    REVOKE = "revoke"
    NEW_SITE = "new_site"
    LIST_SITES = "list_sites"
    NEW_CASE = "new_case"
    SCHEDULE = "schedule"
    RESCHEDULE = "reschedule"
    HOLIDAYS = "holidays"
    IMPORT = "import"
    ATTENDANCE = "attendance"
    PROGRESS = "progress"
    RULE_ABSENCE = "rule_absence"
    ENFORCE = "enforce"  # what follows a tidak sah: a warning, the hours again, closing
    HAND_OVER = "hand_over"  # a case to another jaksa or PK
    LETTERHEAD = "letterhead"
    NIP = "nip"
    TAKE_CASE = "take_case"
    CORRECT = "correct"
    LINK_GROUP = "link_group"
    DIGEST = "digest"
    REPORT = "report"
    STATUS = "status"
    CALLS = "calls"  # the call list for offenders without Telegram: "sudah dihubungi"


_ALL_ROLES = frozenset(Role)

#: Actions and the roles allowed to perform them. An action absent from this table is
#: refused to everybody, so forgetting an entry fails closed.
ALLOWED: dict[Action, frozenset[Role]] = {
    Action.HELP: _ALL_ROLES,
    Action.ME: _ALL_ROLES,
    Action.INVITE: frozenset({Role.ADMIN, Role.JAKSA}),
    Action.NEW_AGENCY: frozenset({Role.ADMIN}),
    Action.LIST_PEOPLE: frozenset({Role.ADMIN, Role.JAKSA}),
    Action.REVOKE: frozenset({Role.ADMIN, Role.JAKSA}),
    Action.NEW_SITE: frozenset({Role.ADMIN, Role.JAKSA}),
    Action.LIST_SITES: frozenset({Role.ADMIN, Role.JAKSA, Role.PK, Role.PENGAWAS, Role.PEJABAT}),
    Action.NEW_CASE: frozenset({Role.ADMIN, Role.JAKSA}),
    # Everybody has a schedule to look at; what each role sees is scoped in the handler.
    Action.SCHEDULE: _ALL_ROLES,
    Action.RESCHEDULE: frozenset({Role.ADMIN, Role.JAKSA}),
    Action.HOLIDAYS: frozenset({Role.ADMIN}),
    Action.IMPORT: frozenset({Role.ADMIN, Role.JAKSA}),
    # Check-in and check-out are the on-site supervisor's: the record is theirs to sign.
    Action.ATTENDANCE: frozenset({Role.PENGAWAS}),
    Action.PROGRESS: frozenset({Role.TERPIDANA}),
    # Supervisors flag, prosecutors decide whether an absence had a valid reason.
    Action.RULE_ABSENCE: frozenset({Role.ADMIN, Role.JAKSA}),
    Action.CORRECT: frozenset({Role.ADMIN, Role.JAKSA}),
    # KUHP Pasal 85 ayat 7 is the prosecutor's to carry out, as the ruling is.
    Action.ENFORCE: frozenset({Role.ADMIN, Role.JAKSA}),
    # Who answers for a case (leave, a transfer): whoever manages the case decides.
    Action.HAND_OVER: frozenset({Role.ADMIN, Role.JAKSA}),
    # An agency's letterhead is its operator's; a NIP is each official's own.
    Action.LETTERHEAD: frozenset({Role.ADMIN}),
    # A Bapas assigns its own people: its PK takes a case a jaksa asked the Bapas for.
    Action.TAKE_CASE: frozenset({Role.PK}),
    Action.NIP: frozenset({Role.ADMIN, Role.JAKSA, Role.PK, Role.PENGAWAS, Role.PEJABAT}),
    Action.LINK_GROUP: frozenset({Role.ADMIN, Role.JAKSA, Role.PEJABAT}),
    Action.DIGEST: frozenset({Role.ADMIN, Role.JAKSA, Role.PEJABAT}),
    Action.REPORT: frozenset({Role.ADMIN, Role.JAKSA, Role.PEJABAT}),
    # The bot's own health (outbox, undelivered messages, database): the operator's business.
    Action.STATUS: frozenset({Role.ADMIN}),
    # Whoever phones an offender without Telegram: their PK, or the jaksa of a case with
    # none (an admin may hold either list).
    Action.CALLS: frozenset({Role.ADMIN, Role.JAKSA, Role.PK}),
}

#: Roles each inviting role may hand out. A jaksa brings in the people around a case but
#: not other prosecutors or administrators: those come from the Kejari's operator.
INVITABLE: dict[Role, frozenset[Role]] = {
    Role.ADMIN: _ALL_ROLES,
    Role.JAKSA: frozenset({Role.PK, Role.PENGAWAS, Role.PEJABAT, Role.TERPIDANA}),
}


#: Refusals answered per person within the window. Past it the bot says once that it will
#: stop answering, then stays silent (still writing every audit row) until the window has
#: slid past: someone hammering forbidden commands or forged buttons cannot make the bot
#: spend its Telegram sending budget on them.
REFUSALS_ANSWERED = Lockout(limit=10, window=timedelta(minutes=10))


def may(roles: Iterable[Role], action: Action) -> bool:
    allowed = ALLOWED.get(action, frozenset())
    return any(role in allowed for role in roles)


def invitable_roles(roles: Iterable[Role]) -> frozenset[Role]:
    """Every role that someone holding ``roles`` may invite."""
    result: frozenset[Role] = frozenset()
    for role in roles:
        result |= INVITABLE.get(role, frozenset())
    return result


def may_invite(inviter_role: Role, target: Role) -> bool:
    return target in INVITABLE.get(inviter_role, frozenset())
