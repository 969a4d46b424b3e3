"""Every rule has one home: handlers write nothing, and roles are compared in one module.

The README's architecture says handlers parse, call a use case in ``services/`` and render,
and that ``domain/permissions.py`` and ``domain/authority.py`` are the only places a role is
compared. These checks read the source, so a shortcut taken in a hurry fails here rather
than quietly starting a second copy of a rule.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Where roles may be compared: the action table, the object scope, and the actor's own
#: data (which roles it holds, in which agencies).
ROLE_HOMES = {"domain/permissions.py", "domain/authority.py", "domain/actor.py"}
#: Repository methods that change the database.
_WRITE_PREFIXES = (
    "add",
    "append",
    "mark",
    "update",
    "set_",
    "delete",
    "remove",
    "revoke",
    "cancel",
    "move",
    "complete",
    "reopen",
    "link",
    "check_in",
    "redeem",
    "claim",
    "replace",
    "anonymise",
)


def _sources(*folders: str) -> list[tuple[str, ast.Module]]:
    found = []
    for folder in folders:
        for path in sorted((ROOT / folder).glob("*.py")):
            found.append((str(path.relative_to(ROOT)), ast.parse(path.read_text())))
    return found


def _writes(name: str, tree: ast.Module) -> list[str]:
    """``….transaction()`` opened, or a repository write called through a store."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method, target = node.func.attr, node.func.value
        if method == "transaction":
            found.append(f"{name}:{node.lineno} opens a transaction")
        if (
            isinstance(target, ast.Attribute)
            and method.startswith(_WRITE_PREFIXES)
            and isinstance(target.value, ast.Name)
            and target.value.id in {"store", "tx"}
        ):
            found.append(f"{name}:{node.lineno} calls {target.attr}.{method}")
    return found


def _role_comparisons(name: str, tree: ast.Module) -> list[str]:
    """A role named in a comparison or a set of roles, or the actor's role accessors read."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"is_admin", "roles", "agencies_as"}:
            found.append(f"{name}:{node.lineno} reads actor.{node.attr}")
        if isinstance(node, ast.Compare | ast.Set):
            roles = [
                n.attr
                for n in ast.walk(node)
                if isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name)
                and n.value.id == "Role"
            ]
            if roles:
                found.append(f"{name}:{node.lineno} compares Role.{roles[0]}")
    return found


def test_handlers_write_nothing_themselves() -> None:
    found = [
        line
        for name, tree in _sources("handlers")
        if name != "handlers/context.py"  # where a handler's transaction is handed to a use case
        for line in _writes(name, tree)
    ]
    assert found == []


def test_roles_are_compared_only_in_the_authority() -> None:
    """Above ``domain/`` nothing compares a role; inside it, rules about a role (which
    invitation names a case) may, but only the homes read an actor's roles."""
    found = [
        line
        for name, tree in _sources("handlers", "services", "scheduler", "bot", "domain")
        if name not in ROLE_HOMES
        for line in _role_comparisons(name, tree)
        if not name.startswith("domain/") or "reads actor" in line
    ]
    assert found == []


def test_the_checks_find_what_they_look_for() -> None:
    sample = ast.parse(
        "async def f(req):\n"
        "    async with req.transaction() as tx:\n"
        "        await tx.cases.complete(1)\n"
        "    return Role.ADMIN in req.actor.roles or {Role.JAKSA}\n"
    )
    assert _writes("x.py", sample) == [
        "x.py:2 opens a transaction",
        "x.py:3 calls cases.complete",
    ]
    assert sorted(_role_comparisons("x.py", sample)) == [
        "x.py:4 compares Role.ADMIN",
        "x.py:4 compares Role.JAKSA",
        "x.py:4 reads actor.roles",
    ]
