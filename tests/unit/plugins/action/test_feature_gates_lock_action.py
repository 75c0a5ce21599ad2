# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The feature_gates_lock action plugin's decisions, with the node half run for real on a temporary directory (only
Ansible's executor is stood in for: the module's functions are called where Ansible would ship the module)."""

from __future__ import annotations

import os
import socket
import types

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.action.feature_gates_lock import ActionModule
from ansible_collections.kubedebug.ephemeral.plugins.modules import feature_gates_lock as node
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import lock


def action(args: dict, check_mode: bool = False) -> ActionModule:
    plugin = ActionModule.__new__(ActionModule)
    plugin._task = types.SimpleNamespace(args=args, async_val=0, check_mode=check_mode, action="kubedebug.ephemeral.feature_gates_lock")
    plugin._connection = types.SimpleNamespace(_shell=types.SimpleNamespace(tmpdir="/tmp/x"))
    plugin._supports_async = False
    plugin._supports_check_mode = True
    plugin.calls = []

    def execute(module_name, module_args, task_vars):
        plugin.calls.append(module_args)
        try:
            if module_args.get("state") == "absent":
                return {"changed": False, "removed": node.release(module_args["path"], module_args["backup_dir"], module_args["owner"])}
            return dict(node.take(module_args["path"], module_args["backup_dir"], module_args["owner"],
                                  module_args.get("takeover")), changed=False)
        except node.Unwritable as exc:
            return {"failed": True, "unwritable": True, "msg": "feature_gates_backup_dir %s cannot be written (%s)."
                    % (module_args["backup_dir"], exc)}

    plugin._execute_module = execute
    return plugin


@pytest.fixture
def paths(tmp_path):
    return {"path": str(tmp_path / "b" / ".lock"), "backup_dir": str(tmp_path / "b"), "stale_seconds": 3600,
            "run_dir": str(tmp_path / "b" / "r1")}


def run(args: dict, check_mode: bool = False) -> dict:
    return action(dict(args), check_mode).run(task_vars={"inventory_hostname": "cp1"})


def test_take_then_release(paths) -> None:
    taken = run(paths)
    assert taken["taken"] and taken["owner"]["pid"] == os.getppid() and taken["owner"]["run_dir"] == paths["run_dir"]
    assert node.read_owner(paths["path"]) == taken["owner"]
    released = run({"path": paths["path"], "backup_dir": paths["backup_dir"], "state": "absent", "owner": taken["owner"]})
    assert released["removed"] and not os.path.exists(paths["path"])


def test_a_live_holder_refuses_naming_itself(paths, monkeypatch) -> None:
    holder = {"controller": socket.gethostname(), "pid": os.getpid(), "since": 1, "run_dir": "/b/r0"}
    node.take(paths["path"], paths["backup_dir"], holder)
    # This process is pytest, not ansible: make the check see it as the live ansible-playbook it stands for.
    monkeypatch.setattr(lock, "runs_ansible", lambda pid: True)
    refused = run(paths)
    assert refused["failed"] and not refused["taken"]
    assert refused["msg"].startswith(f"cp1: another feature_gates run holds this node's lock {paths['path']} "
                                     f"(ansible-playbook pid {os.getpid()} on {socket.gethostname()}, since ")
    assert "backups in /b/r0). Nothing was changed." in refused["msg"]
    assert node.read_owner(paths["path"]) == holder


def test_a_gone_holder_is_taken_over_with_a_message(paths) -> None:
    gone = {"controller": socket.gethostname(), "pid": 2 ** 22 + 12345, "since": 1, "run_dir": "/b/r0"}
    node.take(paths["path"], paths["backup_dir"], gone)
    taken = run(paths)
    assert taken["taken"] and taken["taken_over"] == gone
    assert taken["msg"] == f"cp1: the lock of ansible-playbook pid {gone['pid']} on {gone['controller']} is stale (that run is gone); taking it over."
    assert node.read_owner(paths["path"])["pid"] == os.getppid()


def test_an_unwritable_backup_dir_names_the_node(tmp_path) -> None:
    (tmp_path / "f").write_text("")
    failed = run({"path": str(tmp_path / "f" / "b" / ".lock"), "backup_dir": str(tmp_path / "f" / "b"), "run_dir": "/r"})
    assert failed["failed"] and failed["msg"].startswith(f"cp1: feature_gates_backup_dir {tmp_path}/f/b cannot be written (Not a directory)")


def test_check_mode_asks_nothing_of_the_node(paths) -> None:
    plugin = action(dict(paths), check_mode=True)
    result = plugin.run(task_vars={"inventory_hostname": "cp1"})
    assert result["taken"] is False and plugin.calls == [] and not os.path.exists(paths["backup_dir"])
