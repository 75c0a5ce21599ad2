# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark timer: wall-clock timestamps of one ansible-playbook run, written as JSON.

Used only by tests/benchmark/bench_ephemeral.py (ANSIBLE_CALLBACK_PLUGINS points here,
ANSIBLE_CALLBACKS_ENABLED=bench_timer, KUBEDEBUG_BENCH_TIMER_OUT names the file). It records
when the callback was loaded (the end of ansible-playbook's start-up), when each task started and
when its result arrived, and the results themselves, so the harness can split the process time
into start-up, the task (the module's own cost) and the rest.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_timer
type: aggregate
short_description: Timestamps of tasks, for tests/benchmark only
description:
  - Writes the wall-clock times of the play's tasks and their results to E(KUBEDEBUG_BENCH_TIMER_OUT).
requirements:
  - enable in configuration
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._loaded = time.time()
        self._out = os.environ.get("KUBEDEBUG_BENCH_TIMER_OUT")
        self._tasks = []
        self._current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._current = {"name": task.get_name(), "start": time.time(), "end": None, "result": None}
        self._tasks.append(self._current)

    def _finish(self, result, status):
        if self._current is None:
            return
        self._current["end"] = time.time()
        self._current["status"] = status
        payload = getattr(result, "result", None)
        if payload is None:
            payload = getattr(result, "_result", None)
        try:
            self._current["result"] = json.loads(json.dumps(payload, default=str))
        except (TypeError, ValueError):
            self._current["result"] = {"unserializable": str(payload)}

    def v2_runner_on_ok(self, result):
        self._finish(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._finish(result, "failed")

    def v2_runner_on_unreachable(self, result):
        self._finish(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        if not self._out:
            return
        with open(self._out, "w", encoding="utf-8") as out:
            json.dump({"loaded": self._loaded, "stats_at": time.time(), "tasks": self._tasks}, out)
