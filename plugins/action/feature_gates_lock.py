# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The feature_gates node lock: the module of the same name does the file work on the node; this half, on the
controller, knows the ansible-playbook process that asks and whether a holder's process still runs
(plugin_utils/_feature_gates/lock.py)."""

from __future__ import annotations

import socket
import typing as t

from ansible.plugins.action import ActionBase

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import lock

MODULE = "kubedebug.ephemeral.feature_gates_lock"


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("path", "backup_dir", "state", "stale_seconds", "run_dir", "owner", "takeover"))

    def run(self, tmp: t.Any = None, task_vars: t.Optional[dict] = None) -> dict:
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        args = dict(self._task.args)
        node = task_vars.get("inventory_hostname", "?")
        if self._task.check_mode:
            result.update(changed=False, taken=False, removed=False, msg="check mode: no lock taken or released")
            return result
        if args.get("state", "present") == "absent":
            result.update(self._node(args, task_vars))
            return result

        args["owner"] = lock.me(str(args.get("run_dir") or ""))
        answer = self._node(args, task_vars)
        if answer.get("failed") or answer.get("taken"):
            result.update(answer)
            return self._prefixed(result, node)
        holder, age = answer.get("holder") or {}, int(answer.get("age", 0))
        if lock.is_stale(holder, age, int(args.get("stale_seconds", 3600)), socket.gethostname()):
            answer = self._node(dict(args, takeover=holder), task_vars)
            if answer.get("failed") or answer.get("taken"):
                result.update(answer)
                if answer.get("taken"):
                    result["msg"] = lock.taken_over_message(node, holder)
                return self._prefixed(result, node)
            holder = answer.get("holder") or {}
        result.update(failed=True, taken=False, holder=holder,
                      msg=lock.held_message(node, args["path"], holder, int(answer.get("since", 0))))
        return result

    def _node(self, args: dict, task_vars: dict) -> dict:
        return self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars)

    @staticmethod
    def _prefixed(result: dict, node: str) -> dict:
        if result.get("failed") and result.get("unwritable"):
            result["msg"] = "%s: %s" % (node, result.get("msg", ""))
        return result
