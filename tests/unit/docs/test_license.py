# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The licence the headers name is the one the collection ships: every file a header cites exists and holds
the same text as LICENSE at the root, which galaxy.yml declares and the built tarball carries."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
# "(see LICENSES/GPL-3.0-or-later.txt or https://...)": the part before " or " is a path in the repository.
CITED = re.compile(r"^#.*\(see (?P<path>[A-Za-z0-9_./-]+\.txt|LICENSE)\b")
SPDX = re.compile(r"SPDX-License-Identifier: (?P<id>\S+)")


def tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return [ROOT / line for line in out.splitlines() if line.endswith((".py", ".sh", ".yml", ".yaml"))]
    except (OSError, subprocess.CalledProcessError):
        # The ansible_collections copy hack/unit.sh runs in has no .git: every file there is tracked or new.
        return [p for p in ROOT.rglob("*") if p.suffix in (".py", ".sh", ".yml", ".yaml") and "tests/output" not in str(p)]


def headers() -> dict[Path, str]:
    found = {}
    for path in tracked_files():
        if path.is_file():
            found[path] = "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[:8])
    return found


def test_the_root_licence_is_the_gpl_3_that_galaxy_yml_declares() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.lstrip().startswith("GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007")
    assert "END OF TERMS AND CONDITIONS" in text
    assert yaml.safe_load((ROOT / "galaxy.yml").read_text())["license"] == ["GPL-3.0-or-later"]


def test_every_licence_file_a_header_cites_exists_and_is_the_root_licence() -> None:
    licence = (ROOT / "LICENSE").read_bytes()
    cited: dict[str, list[Path]] = {}
    for path, head in headers().items():
        for line in head.splitlines():
            match = CITED.match(line)
            if match:
                cited.setdefault(match.group("path"), []).append(path)
    assert cited, "no header cites a licence file; the pattern above no longer matches the headers"
    for name, files in cited.items():
        target = ROOT / name
        assert target.is_file(), f"{name} is cited by {len(files)} file(s), e.g. {files[0].relative_to(ROOT)}, but does not exist"
        assert target.read_bytes() == licence, f"{name} differs from LICENSE"


def test_every_spdx_identifier_is_the_declared_licence() -> None:
    ids = {m.group("id") for head in headers().values() for m in SPDX.finditer(head)}
    assert ids == {"GPL-3.0-or-later"}
