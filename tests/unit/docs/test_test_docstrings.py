# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test docstrings say what a test proves, not which tracker entry asked for it: readers of the collection
cannot see the project's issue numbers, so a tracker reference tells them nothing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ISSUE_NUMBER = re.compile(r"\bissues? ?#?\d+|\(#\d+\)", re.IGNORECASE)


def docstrings(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            text = ast.get_docstring(node, clean=False)
            if text:
                yield getattr(node, "name", "<module>"), text


def test_no_test_docstring_cites_an_issue_number() -> None:
    found = []
    files = [p for p in (ROOT / "tests").rglob("*.py") if "tests/output" not in p.as_posix()]
    assert len(files) > 20, "the tests directory was not found"
    for path in files:
        for name, text in docstrings(ast.parse(path.read_text(encoding="utf-8"))):
            match = ISSUE_NUMBER.search(text)
            if match:
                found.append(f"{path.relative_to(ROOT)}:{name}: {match.group(0)!r}")
    assert not found, "say what the test proves instead:\n" + "\n".join(found)
