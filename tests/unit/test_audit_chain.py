"""The audit hash chain notices an edited, deleted or reordered row."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from domain.audit import GENESIS_HASH, AuditRecord, chain_hash, verify_chain

T0 = datetime(2026, 2, 1, tzinfo=UTC)


def build(n: int) -> list[tuple[AuditRecord, str, str]]:
    rows = []
    prev = GENESIS_HASH
    for i in range(1, n + 1):
        record = AuditRecord(i, T0 + timedelta(minutes=i), 100 + i, i, 1000 + i, "act", None, "{}")
        digest = chain_hash(prev, record)
        rows.append((record, prev, digest))
        prev = digest
    return rows


def head(rows: list[tuple[AuditRecord, str, str]]) -> tuple[int, str]:
    return rows[-1][0].id, rows[-1][2]


def test_an_untouched_chain_verifies() -> None:
    rows = build(5)
    assert verify_chain(rows, head(rows)) == []
    assert verify_chain([], None) == []


def test_an_edited_row_is_found() -> None:
    rows = build(5)
    record, prev, digest = rows[2]
    rows[2] = (replace(record, action="forged"), prev, digest)
    problems = verify_chain(rows, head(rows))
    assert [p.row_id for p in problems] == [3]


def test_a_deleted_row_is_found() -> None:
    rows = build(5)
    original_head = head(rows)
    del rows[1]
    problems = verify_chain(rows, original_head)
    assert problems and problems[0].row_id == 3


def test_deleting_the_last_rows_is_found_through_the_head() -> None:
    rows = build(5)
    original_head = head(rows)
    problems = verify_chain(rows[:3], original_head)
    assert [p.row_id for p in problems] == [None]


def test_reordered_rows_are_found() -> None:
    rows = build(5)
    rows[1], rows[2] = rows[2], rows[1]
    assert verify_chain(rows, head(rows))


def test_a_recomputed_hash_still_breaks_the_next_link() -> None:
    rows = build(5)
    record, prev, _ = rows[1]
    forged = replace(record, actor_person_id=999)
    rows[1] = (forged, prev, chain_hash(prev, forged))
    problems = verify_chain(rows, head(rows))
    assert [p.row_id for p in problems] == [3]
