"""Build hook: compile the translation catalogues (.po → .mo) into every wheel.

The metadata lives in pyproject.toml; this file only adds one step to `build_py`, so an
installed Manyi (`pip install .`, a wheel, an sdist) carries its .mo files. The .mo files are
not in git (see .gitignore), and a stale one in the working tree is overwritten here. polib
does the compiling, so no GNU gettext is needed (it is a build requirement in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

import polib
from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        for po_path in sorted(Path(self.build_lib).rglob("locale/*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            self.announce(f"compiled {mo_path}", level=2)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
