# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The small records the feature_gates tasks read back: a ConfigMap's value from ``kubectl get -o json``, the journal
of an interrupted run, the text of the error that started a rollback, and how many checks fit in a timeout."""

from __future__ import annotations

import base64
import json
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import UserError


def configmap_value(stdout: str, key: str) -> str:
    """``data[key]`` of the ConfigMap kubectl printed as JSON; a clear error when the key is missing."""
    try:
        configmap = json.loads(stdout)
    except ValueError as exc:
        raise UserError("kubectl did not print a ConfigMap as JSON (%s): %.200s" % (exc, stdout)) from exc
    name = (configmap.get("metadata") or {}).get("name", "?")
    data = configmap.get("data") or {}
    if key not in data:
        raise UserError("ConfigMap kube-system/%s has no data key %r (it has: %s); is this a kubeadm cluster?"
                        % (name, key, ", ".join(sorted(data)) or "none"))
    return str(data[key])


def journal(content_b64: str) -> dict[str, t.Any]:
    """The journal ``pending-<component>.json`` as slurp returned it (base64)."""
    try:
        record = json.loads(base64.b64decode(content_b64).decode("utf-8"))
    except ValueError as exc:
        raise UserError("the journal of an interrupted run cannot be read (%s); look at it, then remove it" % (exc,)) from exc
    if not isinstance(record, dict) or not {"path", "backup", "run_dir", "new_checksum"} <= set(record):
        raise UserError("the journal of an interrupted run misses fields (path, backup, run_dir, new_checksum); look at "
                        "it, then remove it")
    return record


def failure(result: t.Any, task: t.Any = None) -> str:
    """``<task name>: <msg> <last 300 characters of stderr>`` of the failed task a rescue caught."""
    result = result if isinstance(result, dict) else {}
    name = task.get("name") if isinstance(task, dict) else getattr(task, "name", None)
    stderr = str(result.get("stderr") or "").strip()[-300:]
    return " ".join(part for part in ("%s: %s" % (name or "?", result.get("msg") or "failed"), stderr) if part)


def retries(timeout: t.Any, delay: t.Any, option: str = "feature_gates_wait_timeout") -> int:
    """How many checks fit in ``timeout`` seconds (the variable ``option``), feature_gates_wait_delay apart, the
    first check included."""
    timeout, delay = int(timeout), int(delay)
    if delay <= 0:
        raise UserError("feature_gates_wait_delay must be a positive number of seconds, not %d" % delay)
    if timeout < 0:
        raise UserError("%s must not be negative (it is %d seconds); give 0 to check once" % (option, timeout))
    return timeout // delay + 1
