"""Who acts is typed: `Actor` / `Viewer` (manyi.accounts.types), never `Any`, in complaints
and claims (the demo builders and the tests aside)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

MANYI = Path(__file__).resolve().parents[2]
WHO = {"actor", "user", "viewer"}


def _untyped_who(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                if arg.arg in WHO and (arg.annotation is None
                                       or ast.unparse(arg.annotation) == "Any"):
                    found.append(f"{path.relative_to(MANYI)}:{node.lineno} {node.name}({arg.arg})")
    return found


@pytest.mark.parametrize("app", ["complaints", "claims"])
def test_the_actor_is_typed(app: str) -> None:
    paths = [p for p in sorted((MANYI / app).rglob("*.py"))
             if not {"tests", "migrations"} & set(p.parts) and p.name != "demo.py"]
    assert paths
    assert [w for p in paths for w in _untyped_who(p)] == []
