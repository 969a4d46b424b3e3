"""Button payloads: forged, oversized or foreign data is never taken for ours."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import callback_data as callbacks


def test_round_trip() -> None:
    data = callbacks.encode("rev", "y", 42)
    assert data == "rev:v1:y:42"
    assert callbacks.decode(data, "rev", 2) == ["y", "42"]


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "rev:v2:y:42",
        "rev:v1:y",
        "rev:v1:y:42:1",
        "ppl:v1:y:42",
        "rev:v1:y:4 2",
        "rev:v1:y:" + "9" * 70,
    ],
)
def test_foreign_or_forged_payloads_are_refused(data: str | None) -> None:
    assert callbacks.decode(data, "rev", 2) is None


def test_payloads_over_64_bytes_cannot_be_made() -> None:
    with pytest.raises(ValueError):
        callbacks.encode("inv", "x" * 70)


@given(st.text(max_size=100))
def test_random_data_never_crashes_decoding(data: str) -> None:
    parts = callbacks.decode(data, "rev", 2)
    assert parts is None or len(parts) == 2


def test_numbers_are_plain_digits() -> None:
    assert callbacks.decode_int("17") == 17
    assert callbacks.decode_int("-1") is None
    assert callbacks.decode_int("1e5") is None
    assert callbacks.decode_int("9" * 30) is None


def test_every_button_prefix_is_declared_once() -> None:
    """No button is made or read with a prefix typed out on the spot: they all come from
    ``callback_data.Prefix``, whose values are unique."""
    import ast
    from pathlib import Path

    from domain.callback_data import Prefix

    root = Path(__file__).resolve().parents[2]
    typed = []
    for folder in ("handlers", "services", "scheduler"):
        for path in sorted((root / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"encode", "decode"}
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "callbacks"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ) or (
                    isinstance(node, ast.keyword)
                    and node.arg == "prefix"
                    and isinstance(node.value, ast.Constant)
                ):
                    typed.append(f"{path.name}:{node.lineno}")
    assert typed == []
    assert len({p.value for p in Prefix}) == len(Prefix)
