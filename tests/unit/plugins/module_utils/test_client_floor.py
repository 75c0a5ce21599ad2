# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The oldest supported kubernetes client is declared in five places; CI tests exactly the one in
tests/requirements-min.txt (unit tests and a smoke run of both modules), so all must agree."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.connection import MIN_K8S_VERSION
from ansible_collections.kubedebug.ephemeral.plugins.modules import ephemeral_container, ephemeral_container_info

ROOT = Path(__file__).resolve().parents[4]


def _pinned(path: Path, package: str, operator: str) -> str:
    match = re.search(r"^%s%s([\w.]+)" % (re.escape(package), re.escape(operator)), path.read_text(), re.M)
    assert match, "%s has no %s%s..." % (path, package, operator)
    return match.group(1)


def test_every_declaration_of_the_floor_agrees():
    assert _pinned(ROOT / "tests" / "requirements-min.txt", "kubernetes", "==") == MIN_K8S_VERSION
    assert _pinned(ROOT / "requirements.txt", "kubernetes", ">=") == MIN_K8S_VERSION
    for module in (ephemeral_container, ephemeral_container_info):
        assert "kubernetes >= %s" % MIN_K8S_VERSION in yaml.safe_load(module.DOCUMENTATION)["requirements"]
    assert "%s and newer" % MIN_K8S_VERSION in (ROOT / "README.md").read_text()
