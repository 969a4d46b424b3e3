"""A session's one state, and the steps that lead on from it."""

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.session_life import Facts, Life, Step, allows, life_of

facts = st.builds(
    Facts,
    cancelled=st.booleans(),
    checked_in=st.booleans(),
    checked_out=st.booleans(),
    absence_ruling=st.sampled_from([None, "pending", "sah", "tidak_sah"]),
    absent=st.booleans(),
)


@settings(derandomize=True)  # the same verdict on every run
@given(facts)
def test_attendance_and_absence_never_both_lead_on(record: Facts) -> None:
    life = life_of(record)
    # Whatever the record holds, a session never accepts both a check-in and an absence
    # once one of them is there.
    if record.checked_in and not record.cancelled:
        assert not allows(life, Step.REPORT_ABSENCE) and not allows(life, Step.ASK_LEAVE)
    if record.absent and not record.checked_in:
        assert not allows(life, Step.CHECK_IN)
    if life is not Life.PLANNED:
        assert not allows(life, Step.MOVE) and not allows(life, Step.CANCEL)
    # Only a standing, unruled absence is ruled; attendance is corrected only where there
    # is some, an absence only where one stands; the check-out only while at work.
    assert allows(life, Step.RULE) == (life is Life.ABSENT)
    if allows(life, Step.CORRECT_ATTENDANCE) or allows(life, Step.VOID_ATTENDANCE):
        assert record.checked_in and not record.cancelled
    if allows(life, Step.CORRECT_ABSENCE):
        assert record.absent and not record.checked_in and not record.cancelled
    assert allows(life, Step.CHECK_OUT) == (life is Life.IN_PROGRESS)


def test_the_paths_of_a_session() -> None:
    assert life_of(Facts()) is Life.PLANNED
    assert life_of(Facts(checked_in=True)) is Life.IN_PROGRESS
    assert life_of(Facts(checked_in=True, checked_out=True)) is Life.ATTENDED
    assert life_of(Facts(absent=True, absence_ruling="pending")) is Life.ABSENT
    assert life_of(Facts(absent=True, absence_ruling="sah")) is Life.ABSENT_VALID
    assert life_of(Facts(absent=True, absence_ruling="tidak_sah")) is Life.ABSENT_INVALID
    assert life_of(Facts(cancelled=True)) is Life.CANCELLED
    assert allows(Life.IN_PROGRESS, Step.CHECK_OUT)
    assert not allows(Life.PLANNED, Step.CHECK_OUT)
    assert not allows(Life.CANCELLED, Step.CHECK_IN)


def test_the_jaksas_steps() -> None:
    assert allows(Life.ABSENT, Step.RULE)
    for ruled in (Life.ABSENT_VALID, Life.ABSENT_INVALID):
        assert not allows(ruled, Step.RULE)  # ruled once
    for life in (Life.ABSENT, Life.ABSENT_VALID, Life.ABSENT_INVALID):
        assert allows(life, Step.CORRECT_ABSENCE)
        assert not allows(life, Step.CORRECT_ATTENDANCE)
    for life in (Life.IN_PROGRESS, Life.ATTENDED):
        assert allows(life, Step.CORRECT_ATTENDANCE) and allows(life, Step.VOID_ATTENDANCE)
        assert not allows(life, Step.RULE) and not allows(life, Step.CORRECT_ABSENCE)
    for life in (Life.PLANNED, Life.CANCELLED):
        for step in (Step.RULE, Step.CORRECT_ABSENCE, Step.CORRECT_ATTENDANCE):
            assert not allows(life, step)
    assert not allows(Life.ATTENDED, Step.CHECK_OUT)
    assert not allows(Life.CANCELLED, Step.CHECK_OUT)
    # An absence withdrawn by the correction is no longer a fact: the day is attended.
    assert life_of(Facts(checked_in=True, checked_out=True)) is Life.ATTENDED
