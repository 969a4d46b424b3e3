"""Button payloads: short, versioned, and never trusted.

``callback_data`` is chosen by the client, so anyone can send any string. A payload only
names an object (``rev:v1:y:42``); the handler loads the object and checks the presser's
role on every press. Telegram caps the payload at 64 bytes.
"""

import re
from enum import StrEnum, unique

VERSION = "v1"


@unique
class Prefix(StrEnum):
    """Every button kind the bot makes, declared once: two features can never answer each
    other's buttons, and the scheduler's buttons name the same prefix their handler reads."""

    CHECK_IN = "hdr"  # hdr:v1:<local yyyymmdd>:<case id>
    CHECK_OUT = "plg"  # plg:v1:a:<attendance id>
    SESSION_CARD = "kts"  # kts:v1:<local yyyymmdd>, under the pengawas's day list
    STRAY_PHOTO = "fto"  # fto:v1:w:<i|o><case or attendance id>, "whose photo is this?"
    RATING_CARD = "nlk"  # nlk:v1:<local yyyymmdd>, under a check-out's answer
    RATING = "nil"  # nil:v1:r:<attendance id> | nil:v1:r:ok, the rating card's own
    ABSENCE = "tdh"  # tdh:v1:c:<case id> | tdh:v1:k:<category>
    RSVP = "rsv"  # rsv:v1:<session id>:y|n, under a reminder
    MARK_ABSENT = "abn"  # abn:v1:<case id>, under a supervisor's follow-up
    RULE = "abs"  # abs:v1:s|t:<absence id>, under the jaksa's alert
    RULING_FORM = "put"  # the reason and confirmation of a *tidak sah*
    WARN = "tgr"  # tgr:v1:<case id>, a teguran offered after a *tidak sah*
    WARNING_FORM = "tgf"
    REPEAT = "ulg"  # ulg:v1:<case id>, plan the lost hours again
    CLOSE = "ttp"  # ttp:v1:<case id>, close with the replaced sentence
    CLOSING_FORM = "tpf"
    LETTERHEAD_FORM = "kop"
    ASK_PK = "mpk"  # mpk:v1:<case id> | mpk:v1:<case id>:<bapas id>, a case without a PK
    TAKE_CASE = "apk"  # apk:v1:<case id>, a PK of the Bapas asked takes it
    LEAVE = "izn"  # izn:v1:<session id>, the session an offender asks leave for
    CORRECTION = "kor"  # kor:v1:a:<attendance id>
    RESCHEDULE = "ubj"  # ubj:v1:s|m|x:<session id>
    CASE = "jdw"  # jdw:v1:c:<case id> | jdw:v1:p:<page>
    GROUP_LINK = "grp"  # grp:v1:<agency id>
    INVITE_AGENCY = "inv"  # inv:v1:<role>:<agency id>
    INVITE_PAGE = "inp"  # inp:v1:<role>:<page>
    INVITE_SITE = "ins"  # ins:v1:<agency id>:<site id>
    PEOPLE = "ppl"  # ppl:v1:p:<page> | ppl:v1:s:<person id>
    REVOKE = "rev"  # rev:v1:a|y|n:<membership id>
    AGENCY_FORM = "agn"
    SITE_FORM = "sit"
    CASE_FORM = "kas"
    CALLED = "tlp"  # tlp:v1:<session id>, "sudah dihubungi" on a PK's call list
    PAPER_SHEET = "dhk"  # dhk:v1:<site id>:<local yyyymmdd>, enter a paper daftar hadir
    PAPER_FORM = "dhf"
    HANDOVER_FORM = "srh"
    HOLIDAY_MOVE = "lbr"  # lbr:v1:m|k:<holiday override id>, sessions on a new day off


MAX_BYTES = 64
_PART_RE = re.compile(r"^[A-Za-z0-9_.-]{1,24}$")


def encode(prefix: str, *parts: object) -> str:
    data = ":".join([prefix, VERSION, *(str(p) for p in parts)])
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {prefix}")
    return data


def decode(data: str | None, prefix: str, parts: int) -> list[str] | None:
    """The parts after ``prefix:v1:``, or None if the payload is not one of ours."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    fields = data.split(":")
    if len(fields) != parts + 2 or fields[0] != prefix or fields[1] != VERSION:
        return None
    if not all(_PART_RE.match(f) for f in fields[2:]):
        return None
    return fields[2:]


def decode_int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) <= 18 else None
