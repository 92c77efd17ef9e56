"""No function of the application ranks worse than C in radon (cyclomatic complexity > 20),
outside migrations, tests, the demo builders and the benchmark (issue 10: the worst functions
are split, and stay split)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from radon.complexity import cc_rank, cc_visit
from radon.visitors import Class, Function

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "manyi"
WORST_RANK = "C"  # C is 11-20; D (21-30) and worse fail


def _checked(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    if "migrations" in parts or "tests" in parts:
        return False
    if parts[0] in ("demo", "bench") or path.name == "demo.py":
        return False
    return not path.name.startswith("test_")


def sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if _checked(p))


def _blocks(blocks: Iterable[Function | Class], prefix: str = "") -> Iterator[tuple[str, int]]:
    """Every function, method and closure with its own complexity (radon counts a closure
    apart from the function that holds it, so closures are walked too)."""
    for block in blocks:
        name = f"{prefix}{block.name}"
        if isinstance(block, Class):
            yield from _blocks(block.methods, f"{name}.")
            yield from _blocks(block.inner_classes, f"{name}.")
        else:
            yield name, block.complexity
            yield from _blocks(block.closures, f"{name}.")


def too_complex(path: Path, root: Path = ROOT) -> list[str]:
    """`file:function rank(complexity)` for each function of `path` ranked worse than C."""
    found = []
    top = cc_visit(path.read_text(encoding="utf-8"))
    # cc_visit lists a class's methods both under the class and at top level: once each
    for name, complexity in _blocks(b for b in top if not getattr(b, "is_method", False)):
        rank = cc_rank(complexity)
        if rank > WORST_RANK:
            found.append(f"{path.relative_to(root)}:{name} {rank}({complexity})")
    return found


def test_the_scan_sees_the_application() -> None:
    files = {p.relative_to(PACKAGE).as_posix() for p in sources()}
    assert "surveys/services/responses.py" in files
    assert "config/settings.py" in files
    assert not any("/migrations/" in f or f.startswith(("demo/", "bench/")) for f in files)


def test_the_check_catches_a_d_function(tmp_path: Path) -> None:
    def branches(n: int, indent: str) -> str:
        return "".join(f"{indent}if x == {i}:\n{indent}    return {i}\n" for i in range(n))

    source = tmp_path / "tangled.py"
    source.write_text(
        "class K:\n    def m(self, x):\n" + branches(20, " " * 8)
        + "\n    def small(self, x):\n" + branches(19, " " * 8)
        + "\ndef f(x):\n" + branches(30, " " * 4)
        + "\ndef outer(x):\n    def inner(x):\n" + branches(21, " " * 8)
        + "    return inner(x)\n",
        encoding="utf-8",
    )
    found = too_complex(source, tmp_path)
    assert found == ["tangled.py:f E(31)", "tangled.py:outer.inner D(22)",
                     "tangled.py:K.m D(21)"]


def test_no_function_ranks_worse_than_c() -> None:
    found = [line for path in sources() for line in too_complex(path)]
    assert not found, "radon ranks these worse than C (split them):\n" + "\n".join(found)
