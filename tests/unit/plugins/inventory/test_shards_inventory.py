# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shards inventory, read by ansible-inventory as a user would: its hosts and their variables, the files it
takes, and bad settings refused with nothing added."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.inventory.shards import config_problems


def _ansible_inventory() -> str:
    path = shutil.which("ansible-inventory") or str(Path(sys.executable).parent / "ansible-inventory")
    assert Path(path).exists(), "ansible-inventory is not on PATH: run the unit tests through `make unit`"
    return path


def inventory(tmp_path: Path, text: str, name: str = "fleet.shards.yml") -> subprocess.CompletedProcess:
    source = tmp_path / name
    source.write_text(text)
    # make unit puts the parent of ansible_collections on PYTHONPATH; ansible finds the collection there too.
    roots = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if (Path(p) / "ansible_collections").is_dir()]
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.pathsep.join(roots), ANSIBLE_INVENTORY_UNPARSED_FAILED="true")
    return subprocess.run([_ansible_inventory(), "-i", str(source), "--list"], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def plain(value):
    """A value as written, without the marker ansible-inventory --list puts on untrusted strings (ansible-core 2.19)."""
    return value["__ansible_unsafe"] if isinstance(value, dict) and set(value) == {"__ansible_unsafe"} else value


def test_count_local_hosts_each_with_its_shard(tmp_path):
    proc = inventory(tmp_path, "plugin: kubedebug.ephemeral.shards\ncount: 3\nqps_total: 30\n")
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    hosts = listed["kubedebug_shards"]["hosts"]
    assert hosts == ["kubedebug-shard-0", "kubedebug-shard-1", "kubedebug-shard-2"]
    for index, host in enumerate(hosts):
        variables = listed["_meta"]["hostvars"][host]
        assert variables["kubedebug_shard"] == {"index": index, "count": 3}
        assert plain(variables["ansible_connection"]) == "local" and variables["kubedebug_qps_total"] == 30.0
        assert Path(plain(variables["ansible_python_interpreter"])).exists()


def test_group_prefix_and_interpreter_can_be_chosen(tmp_path):
    proc = inventory(tmp_path, "plugin: kubedebug.ephemeral.shards\ncount: 2\ngroup: fleet\nname_prefix: part-\n"
                               "python_interpreter: /usr/bin/python3\n")
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert listed["fleet"]["hosts"] == ["part-0", "part-1"]
    assert plain(listed["_meta"]["hostvars"]["part-1"]["ansible_python_interpreter"]) == "/usr/bin/python3"
    assert "kubedebug_qps_total" not in listed["_meta"]["hostvars"]["part-1"]


def test_only_shards_files_are_taken(tmp_path):
    proc = inventory(tmp_path, "plugin: kubedebug.ephemeral.shards\ncount: 2\n", name="fleet.yml")
    assert proc.returncode != 0 and "kubedebug-shard-0" not in proc.stdout


@pytest.mark.parametrize("text, message", [
    ("count: 0\n", "count: 0 is out of range; give the number of shards, 1 to 10000"),
    ("count: -3\n", "count: -3 is out of range"),
    ("count: 4\ngroup: ''\n", "group: an empty name is not a group"),
    ("count: 4\nname_prefix: ''\n", "name_prefix: an empty prefix would name the hosts 0, 1, ...;"),
    ("count: 4\nqps_total: 0\n", "qps_total: 0.0 is out of range; use 0.1 to 10000"),
])
def test_bad_settings_are_refused_with_nothing_added(tmp_path, text, message):
    proc = inventory(tmp_path, "plugin: kubedebug.ephemeral.shards\n" + text)
    assert proc.returncode != 0
    assert message in proc.stderr and "nothing was added to the inventory" in proc.stderr, proc.stderr


def test_a_missing_count_is_refused(tmp_path):
    proc = inventory(tmp_path, "plugin: kubedebug.ephemeral.shards\n")
    assert proc.returncode != 0 and "count" in proc.stderr


def test_the_checks_alone():
    assert config_problems(4, "kubedebug_shards", "kubedebug-shard-", None) == []
    assert config_problems(None, "g", "p", None) == ["count: None is out of range; give the number of shards, 1 to 10000"]
    assert config_problems(True, "g", "p", None)[0].startswith("count: True is out of range")
