# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What ephemeral_container reports per pod: the entry in ``results``, the diff-mode view and the
``kubectl attach`` line."""

from __future__ import annotations

import copy
import shlex
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import status as _status
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject import plan as _plan
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec import detail as _detail
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.compare import diff_view


def attach_command(namespace: str, pod: str, container: str, tty: bool, stdin: bool) -> str:
    """The ``kubectl attach`` line a user runs to reach the container (-i for stdin, -t for a tty)."""
    words = ["kubectl", "attach", "-n", namespace, pod, "-c", container]
    flags = ("i" if stdin else "") + ("t" if tty else "")
    if flags:
        words.append("-" + flags)
    return " ".join(shlex.quote(word) for word in words)


# What an ephemeral_container compact entry leaves out besides what every compact entry does (_spec/detail.py): the
# same container spec repeated in every pod of a fleet (about 1 KB a pod, with the record), which a user reads on the
# cluster or asks for with results_detail=full.
FULL_ONLY_KEYS: t.Tuple[str, ...] = ("spec",)


def result_for(plan: _plan.PodPlan, logs: t.Optional[str] = None, logs_truncated: bool = False,
               full: bool = True) -> t.Dict[str, t.Any]:
    """One pod's entry in results; without ``full``, compact (_spec/detail.py) and without FULL_ONLY_KEYS (left out,
    not set to None, so that a compact entry cannot be mistaken for a skipped pod's)."""
    created = plan.action == _plan.CREATE and plan.error is None
    skipped = plan.action == _plan.SKIP
    spec = plan.stored if plan.action == _plan.CREATE else plan.existing
    entry: t.Dict[str, t.Any] = {
        "namespace": plan.namespace,
        "pod": plan.pod,
        "container": plan.name,
        "changed": created or plan.annotated,
        "created": created,
        "skipped": skipped,
        "skip_reason": plan.skip_reason,
        "guards": plan.guards,
        "spec": None if skipped or not full else copy.deepcopy(spec),
        "status": _status.summarize(plan.status),
        "logs": logs,
        "logs_truncated": logs_truncated,
        "attach_command": None if skipped else attach_command(
            plan.namespace, plan.pod, plan.name, bool(plan.container.get("tty")), bool(plan.container.get("stdin"))
        ),
        "annotation": plan.record,
        "error": plan.error,
        "warnings": plan.warnings,
    }
    return entry if full else _detail.compact(entry, FULL_ONLY_KEYS)


def diff_for(plan: _plan.PodPlan) -> t.Dict[str, t.Any]:
    after = list(plan.before)
    if plan.action == _plan.CREATE:
        after.append(plan.stored or plan.container)
    view = diff_view(plan.before, after)
    view["before_header"] = view["after_header"] = "{0}/{1} spec.ephemeralContainers".format(plan.namespace, plan.pod)
    return view
