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
