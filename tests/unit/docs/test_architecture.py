# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""docs/architecture.md names every file under plugins/ and roles/*/tasks/ by its path, and names no file that is
gone, so the page cannot drift from the tree without a failing test."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "architecture.md"


def _files() -> list[str]:
    found = [p for p in (ROOT / "plugins").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    found += [p for p in ROOT.glob("roles/*/tasks/**/*") if p.is_file()]
    # An empty __init__.py only marks a package; the package itself is named through its files.
    return sorted(p.relative_to(ROOT).as_posix() for p in found if not (p.name == "__init__.py" and not p.read_text().strip()))


def test_every_plugin_and_role_task_file_is_named():
    text = PAGE.read_text(encoding="utf-8")
    missing = [path for path in _files() if "`{0}`".format(path) not in text]
    assert missing == [], "name these in docs/architecture.md (a table row: `path` | job): {0}".format(missing)


def test_no_named_file_is_gone():
    text = PAGE.read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:plugins|roles)/[^`*]+\.(?:py|yml|yaml))`", text))
    gone = sorted(path for path in named if not (ROOT / path).is_file())
    assert gone == [], "docs/architecture.md names files that do not exist: {0}".format(gone)


def test_the_check_sees_a_missing_file():
    assert _files(), "no files found: the test would pass on an empty tree"
    assert "plugins/modules/ephemeral_container.py" in _files()
