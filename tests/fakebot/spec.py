"""Check recorded Bot API calls against Telegram's machine-readable API description.

The fake answers whatever the bot sends, within what it implements; it cannot know that a
parameter the bot passes is misspelt or that a method was renamed. The scraped spec
(``shared/telegram-bot-api/api.json``, see its README) does: every method, every field, which
are required, and their types. Running the calls an end-to-end test recorded through
:func:`check_calls` turns "Telegram silently ignores that parameter" into a failing test.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .models import ApiCall, UploadedFile

__all__ = ["ENV_VAR", "assert_calls_conform", "check_calls", "default_spec_path", "load_spec"]

ENV_VAR = "KERJASOSIAL_BOT_API_SPEC"
JsonDict = dict[str, Any]


def default_spec_path() -> Path:
    """``<repo root>/../shared/telegram-bot-api/api.json``: shared/ sits beside the checkout
    both on developer machines and in CI, whatever the checkout folder is called."""
    repo_root = Path(__file__).resolve().parents[2]
    return repo_root.parent / "shared" / "telegram-bot-api" / "api.json"


def load_spec(path: str | os.PathLike[str] | None = None) -> JsonDict | None:
    """The parsed spec from ``path``, ``$KERJASOSIAL_BOT_API_SPEC`` or the default location.

    Returns None when the file does not exist, so callers decide whether a missing spec means
    skip or fail.
    """
    if path is None:
        env = os.environ.get(ENV_VAR)
        path = env if env else default_spec_path()
    candidate = Path(path)
    if not candidate.is_file():
        return None
    with candidate.open(encoding="utf-8") as handle:
        loaded = json.load(handle)
    if not isinstance(loaded, dict) or not isinstance(loaded.get("methods"), dict):
        raise ValueError(f"{candidate} does not look like the Bot API spec (no 'methods')")
    return loaded


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _matches(value: Any, type_name: str) -> bool:
    """Whether a decoded value can be an instance of one spec type name.

    Lenient on purpose: form-encoded values that the fake did not decode (a number that is
    still a string, an object still in JSON text) count as matching when they *would* decode
    to the right type, so only values that are wrong whichever way they are read get reported.
    """
    if type_name.startswith("Array of "):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return False
        return isinstance(value, list)
    if type_name == "Integer":
        number = _as_number(value)
        return number is not None and float(number).is_integer()
    if type_name == "Float":
        return _as_number(value) is not None
    if type_name in ("Boolean", "True"):
        return isinstance(value, bool) or value in ("true", "false", "True", "False")
    if type_name == "String":
        return isinstance(value, str | int) and not isinstance(value, bool)
    if type_name == "InputFile":
        return isinstance(value, UploadedFile) or (
            isinstance(value, str) and value.startswith("attach://")
        )
    # Any other name is an object type (ReplyParameters, InlineKeyboardMarkup, ...).
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return False
    return isinstance(value, dict)


def _describe_type(value: Any) -> str:
    if isinstance(value, UploadedFile):
        return "an uploaded file"
    return type(value).__name__


def _call_parts(call: ApiCall | tuple[str, Mapping[str, Any]]) -> tuple[str, Mapping[str, Any]]:
    if isinstance(call, ApiCall):
        return call.method, call.params
    method, params = call
    return method, params


def check_calls(
    calls: Iterable[ApiCall | tuple[str, Mapping[str, Any]]],
    spec: Mapping[str, Any],
    *,
    check_types: bool = True,
) -> list[str]:
    """Problems with the calls, one human-readable line each, without repeats.

    Reported: methods the Bot API does not have, required fields that are missing, fields the
    method does not take and (with ``check_types``) values that cannot be of any of the
    field's types. Method names are matched case-insensitively, like Telegram does.
    """
    methods: Mapping[str, Any] = spec.get("methods", {})
    by_lower = {name.lower(): name for name in methods}
    version = spec.get("version", "the spec")
    problems: list[str] = []
    seen: set[str] = set()

    def report(line: str) -> None:
        if line not in seen:
            seen.add(line)
            problems.append(line)

    for call in calls:
        method, params = _call_parts(call)
        canonical = by_lower.get(method.lower())
        if canonical is None:
            report(f"{method}: no such method in {version}")
            continue
        fields = {f["name"]: f for f in methods[canonical].get("fields", [])}
        for name, field in fields.items():
            if field.get("required") and params.get(name) is None:
                report(f"{canonical}: required field '{name}' is missing")
        for name, value in params.items():
            field = fields.get(name)
            if field is None:
                report(f"{canonical}: unknown field '{name}' (not a parameter of {canonical})")
                continue
            types = field.get("types") or []
            wrong = check_types and types and value is not None
            if wrong and not any(_matches(value, t) for t in types):
                report(
                    f"{canonical}: field '{name}' should be {' or '.join(types)}, "
                    f"got {_describe_type(value)} {value!r:.60}"
                )
    return problems


def assert_calls_conform(
    calls: Iterable[ApiCall | tuple[str, Mapping[str, Any]]],
    spec: Mapping[str, Any] | None = None,
) -> None:
    """AssertionError listing every problem; for the end of an end-to-end test.

    Without a spec file (neither passed, nor at the env var or default path) this only warns:
    the spec is shared data that a stripped-down checkout may lack, and its absence must not
    hide the behaviour the test is really about.
    """
    if spec is None:
        spec = load_spec()
    if spec is None:
        warnings.warn(
            f"Bot API spec not found (set ${ENV_VAR} or add {default_spec_path()}); "
            "calls were not checked against it",
            stacklevel=2,
        )
        return
    problems = check_calls(calls, spec)
    if problems:
        raise AssertionError(
            "Bot API calls that do not match the spec:\n" + "\n".join(f"  {p}" for p in problems)
        )
