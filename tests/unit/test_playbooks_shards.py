# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The playbooks' hosts: the shard hosts of a shards inventory when it has any, localhost otherwise, and a stop
before any module when a shards inventory gave no hosts. No cluster is needed: nothing here reaches a module."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ["diagnose.yml", "debug_pod.yml", "cleanup.yml"]


def ansible_playbook(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    tool = shutil.which("ansible-playbook") or str(Path(sys.executable).parent / "ansible-playbook")
    assert Path(tool).exists(), "ansible-playbook is not on PATH: run the unit tests through `make unit`"
    roots = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if (Path(p) / "ansible_collections").is_dir()]
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.pathsep.join(roots), ANSIBLE_NOCOLOR="1")
    return subprocess.run([tool, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)


def listed_hosts(proc: subprocess.CompletedProcess) -> list[str]:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    block = proc.stdout.split("hosts (", 1)[1]
    return sorted(line.strip() for line in block.splitlines()[1:] if line.strip())


@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_a_shards_inventory_runs_the_play_on_its_hosts_and_none_on_localhost(tmp_path, playbook):
    (tmp_path / "fleet.shards.yml").write_text("plugin: kubedebug.ephemeral.shards\ncount: 3\n")
    proc = ansible_playbook(tmp_path, "-i", "fleet.shards.yml", "--list-hosts", str(ROOT / "playbooks" / playbook))
    assert listed_hosts(proc) == ["kubedebug-shard-0", "kubedebug-shard-1", "kubedebug-shard-2"]


@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_without_shards_the_play_runs_on_localhost(tmp_path, playbook):
    proc = ansible_playbook(tmp_path, "-i", "localhost,", "--list-hosts", str(ROOT / "playbooks" / playbook))
    assert listed_hosts(proc) == ["localhost"]


@pytest.mark.parametrize("playbook, extra", [
    ("debug_pod.yml", '{"debug_pod_label_selectors": ["app=x"]}'),
    ("cleanup.yml", '{"cleanup_run_id": "x"}'),
    ("diagnose.yml", '{"diagnostics_targets": [{"label_selector": "app=x", "recipe": "process_list", "container": "a"}]}'),
])
def test_a_shards_inventory_that_gave_no_hosts_stops_the_play_before_any_module(tmp_path, playbook, extra):
    (tmp_path / "typo.shards.yml").write_text("plugin: kubedebug.ephemeral.shards\ncount: 0\n")
    proc = ansible_playbook(tmp_path, "-i", "typo.shards.yml", "-e", extra, "-e", "ansible_python_interpreter=" + sys.executable,
                            str(ROOT / "playbooks" / playbook))
    assert proc.returncode != 0
    assert "a kubedebug.ephemeral.shards inventory that gave no hosts" in proc.stdout and "nothing was run" in proc.stdout
    assert re.search(r"localhost\s*:\s*ok=1\s+changed=0\s+unreachable=0\s+failed=1", proc.stdout), proc.stdout[-2000:]
