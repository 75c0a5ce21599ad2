# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ansible-builder finds the collection's dependencies in the INSTALLED collection: build the tarball,
install it into an empty collections path, and ask `ansible-builder introspect` what it would install."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not on PATH: run the unit tests through `make unit` (it puts the dev venv's tools there)"
    return path


def test_ansible_builder_introspect_lists_the_python_requirements_and_the_bindep_file(tmp_path):
    meta = yaml.safe_load((ROOT / "meta" / "execution-environment.yml").read_text())
    python_file, system_file = meta["dependencies"]["python"], meta["dependencies"]["system"]
    # Neither ANSIBLE_* nor PYTHONPATH (make unit puts this checkout's ansible_collections there): only the install counts.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_") and k != "PYTHONPATH"}
    subprocess.run([_tool("ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path / "dist"), str(ROOT)],
                   check=True, capture_output=True, timeout=300, env=env)
    tarball = next((tmp_path / "dist").glob("kubedebug-ephemeral-*.tar.gz"))
    with tarfile.open(tarball) as archive:
        shipped = set(archive.getnames())
    assert {"meta/execution-environment.yml", python_file, system_file} <= shipped, sorted(shipped)

    collections = tmp_path / "collections"
    subprocess.run([_tool("ansible-galaxy"), "collection", "install", "--force", "--offline", "--no-deps", "-p", str(collections),
                    str(tarball)], check=True, capture_output=True, timeout=300, env=env)
    answer = subprocess.run([_tool("ansible-builder"), "introspect", "--sanitize", str(collections)],
                            capture_output=True, text=True, timeout=120, check=True, env=env)
    found = yaml.safe_load(answer.stdout)
    requirements = [line.strip() for line in (ROOT / python_file).read_text().splitlines()
                    if line.strip() and not line.startswith("#")]
    assert found["python"] == [f"{r}  # from collection kubedebug.ephemeral" for r in requirements], answer.stdout
    bindep = [line.strip() for line in (ROOT / system_file).read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert (found.get("system") or []) == [f"{b}  # from collection kubedebug.ephemeral" for b in bindep], answer.stdout
