"""An installed Manyi (a wheel, as `pip install .` builds it) carries its compiled catalogues.

The .mo files are not in git, so the wheel is built from a copy of the source tree without
them, as a fresh checkout or an sdist would be.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "manyi/locale/zh_Hans/LC_MESSAGES/django.po"
MO_IN_WHEEL = "manyi/locale/zh_Hans/LC_MESSAGES/django.mo"
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "var", "*.egg-info", "*.mo", "__pycache__",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "node_modules",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src") / "manyi-src"
    shutil.copytree(ROOT, src, ignore=NOT_SOURCE)
    out = tmp_path_factory.mktemp("wheel")
    # no build isolation: it would download setuptools; the venv's setuptools and polib build
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("manyi-*.whl")
    return built


def test_the_wheel_carries_the_compiled_chinese_catalogue(wheel: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        assert MO_IN_WHEEL in archive.namelist()
        mo_path = tmp_path / "django.mo"
        mo_path.write_bytes(archive.read(MO_IN_WHEEL))

    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
    assert compiled[(None, "Customers")] == "客户"
    # every translated message of the .po is in the wheel's catalogue, with the same text
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in polib.pofile(str(PO_PATH)).translated_entries()
        if not entry.msgid_plural
    }
    assert source
    missing = {key for key, msgstr in source.items() if compiled.get(key) != msgstr}
    assert not missing
