"""Guard rails of the kit (issue 10): who acts is typed `Actor`/`Viewer`, never `Any`, in the
apps moved onto the kit, and their pages take the 409 of a stale save from
`FormOutcome.status()` instead of writing it by hand."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "manyi"
TYPED = [ROOT / "feedback", ROOT / "property", ROOT / "surveys",
         ROOT / "common" / "workflow.py", ROOT / "common" / "links.py"]
WHO = {"actor", "user", "viewer"}


def _sources(*places: Path) -> list[Path]:
    files: list[Path] = []
    for place in places:
        found = [place] if place.is_file() else sorted(place.rglob("*.py"))
        files += [f for f in found if "tests" not in f.parts and "migrations" not in f.parts]
    return files


def _untyped_who(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.arg in WHO and (arg.annotation is None
                                   or ast.unparse(arg.annotation) in {"Any", "object"}):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}({arg.arg})")
    return found


def test_who_acts_is_typed_actor_or_viewer() -> None:
    found = [hit for path in _sources(*TYPED) for hit in _untyped_who(path)]
    assert found == []


@pytest.mark.parametrize("app", ["feedback", "property", "surveys"])
def test_pages_take_the_409_from_the_outcome(app: str) -> None:
    views = [p for p in _sources(ROOT / app) if p.name.startswith("views")]
    assert views
    hand_written = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in views
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value == 409
    ]
    assert hand_written == []
