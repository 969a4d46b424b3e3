"""The audit log's hash chain.

Each row stores the hash of the row before it, so editing, deleting or reordering any row
breaks the chain from that row on. The last row's id and hash are also kept apart (the
"head"), so deleting rows from the end is noticed too. UU PDP asks us to show who saw and
who changed what within 3x24 hours of a breach; this is what makes that record believable.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditRecord:
    """The fields that are hashed; ``detail`` is canonical JSON."""

    id: int
    at: datetime
    actor_telegram_id: int | None
    actor_person_id: int | None
    update_id: int | None
    action: str
    subject: str | None
    detail: str


def canonical_detail(detail: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(detail or {}), sort_keys=True, separators=(",", ":"), default=str)


def chain_hash(prev_hash: str, record: AuditRecord) -> str:
    payload = json.dumps(
        [
            prev_hash,
            record.id,
            record.at.isoformat(),
            record.actor_telegram_id,
            record.actor_person_id,
            record.update_id,
            record.action,
            record.subject,
            record.detail,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    row_id: int | None
    reason: str


def verify_chain(
    rows: Iterable[tuple[AuditRecord, str, str]],
    head: tuple[int, str] | None,
) -> list[ChainProblem]:
    """Check ``(record, stored prev_hash, stored hash)`` rows in id order against the head.

    Returns every problem found; an empty list means the chain is intact.
    """
    problems: list[ChainProblem] = []
    expected_prev = GENESIS_HASH
    expected_id = 1
    last: tuple[int, str] | None = None
    for record, prev_hash, stored_hash in rows:
        if record.id != expected_id:
            problems.append(
                ChainProblem(record.id, f"expected row {expected_id}: a row is missing")
            )
        if prev_hash != expected_prev:
            problems.append(ChainProblem(record.id, "does not follow the row before it"))
        if chain_hash(prev_hash, record) != stored_hash:
            problems.append(ChainProblem(record.id, "content does not match its hash"))
        expected_prev = stored_hash
        expected_id = record.id + 1
        last = (record.id, stored_hash)
    if head != last:
        problems.append(ChainProblem(None, "the last rows were removed or the head was changed"))
    return problems
