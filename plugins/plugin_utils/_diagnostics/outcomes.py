# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Outcome of every pod and group of a diagnostics run, from the results of kubedebug.ephemeral.ephemeral_container.

The role calls the module once per target group with ``wait_for=terminated`` and ``failed_when: false``, so a
group's registered result is one of:

- ``results`` present: per pod, ``skipped``/``skip_reason``, ``error`` (the write failed), ``status`` (state,
  exit code, times) and ``logs``; ``msg`` when some container did not terminate in time;
- no ``results``: the group failed before any write (RBAC, max_pods, a pod without the target container, ...),
  ``msg`` says why.

``failed_when: false`` makes the registered ``failed`` false, so ``msg`` is what marks a failure.

Per pod: ``ok`` (terminated with exit code 0), ``failed`` (non-zero exit code, a write error, or a container that
cannot start), ``timed_out`` (still running or waiting when the wait ended) and ``skipped`` (with the reason).
"""

from __future__ import annotations

import json
import posixpath
import re
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.analysis import analyse
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.common import seconds_between

OK = "ok"
FAILED = "failed"
TIMED_OUT = "timed_out"
SKIPPED = "skipped"
OUTCOMES = (OK, FAILED, TIMED_OUT, SKIPPED)

# Waiting reasons after which the kubelet will not start the container without a change (kubelet
# images/types.go and kuberuntime): reported as failed, not as timed out.
FATAL_WAITING = frozenset({
    "ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName", "CreateContainerConfigError",
    "CreateContainerError", "RunContainerError", "PreStartHookError", "RegistryUnavailable",
})


# What pods/log returns (HTTP 200, as the body) once the kubelet has garbage-collected an exited container: the
# status stays in the pod, the log is gone. Seen on 1.37 within a minute or two of the container's exit; kubectl
# logs prints the same text. Treated as "no log", never written over a log collected earlier.
_LOG_GONE = re.compile(
    r'^\s*(failed to try resolving symlinks in path "[^"\n]*": lstat [^\n]*: no such file or directory'
    r'|unable to retrieve container logs for [^\n]*)\s*$'
)
LOG_GONE_NOTE = "the node no longer has this container's log (the kubelet removed the exited container)"


def log_gone(text: t.Any) -> bool:
    """Whether a pods/log answer is the kubelet's message for a log that no longer exists."""
    return isinstance(text, str) and bool(_LOG_GONE.match(text))


# jvm_heap_dump prints the compressed dump as base64 between these lines (roles/diagnostics/vars/main.yml).
HEAP_DUMP_BEGIN = "kubedebug-heap-dump-begin "


def heap_dump_file(log: t.Optional[str], logs: t.Optional[str]) -> t.Optional[str]:
    """Where the heap dump a log carries is decoded to, next to the log: ``<container>.hprof.gz``; None without one."""
    if not log or not isinstance(logs, str) or HEAP_DUMP_BEGIN not in logs:
        return None
    return log[:-len(".log")] + ".hprof.gz" if log.endswith(".log") else log + ".hprof.gz"


def log_file(namespace: str, pod: str, container: str) -> str:
    """Where a pod's log goes, relative to the run directory: ``<namespace>/<pod>/<container>.log``."""
    return posixpath.join(namespace, pod, container + ".log")


def classify(entry: t.Mapping[str, t.Any], wait_timeout: t.Optional[int] = None) -> dict[str, t.Any]:
    """The outcome of one pod from one entry of the module's ``results``."""
    status = entry.get("status") or {}
    state = status.get("state")
    exit_code = status.get("exit_code")
    outcome: str
    reason: t.Optional[str] = None
    if entry.get("skipped"):
        outcome, reason = SKIPPED, entry.get("skip_reason") or "skipped"
    elif entry.get("error"):
        outcome, reason = FAILED, "could not add the container: {0}".format(entry["error"])
    elif state == "terminated":
        if exit_code == 0:
            outcome = OK
        else:
            outcome = FAILED
            detail = status.get("reason") or "Error"
            if status.get("signal"):
                detail += ", signal {0}".format(status["signal"])
            if status.get("message"):
                detail += ": {0}".format(str(status["message"]).strip())
            reason = "exit code {0} ({1})".format(exit_code, detail)
    elif state == "waiting" and status.get("reason") in FATAL_WAITING:
        outcome = FAILED
        reason = "the container cannot start: {0}{1}".format(status["reason"], ": " + status["message"] if status.get("message") else "")
    else:
        outcome = TIMED_OUT
        after = " after {0} s".format(wait_timeout) if wait_timeout is not None else ""
        if state == "running":
            reason = "still running{0}".format(after)
        elif state == "waiting":
            reason = "still waiting ({0}){1}".format(status.get("reason") or "no reason", after)
        else:
            reason = "no status from the kubelet{0}".format(after)
    started, finished = status.get("started_at"), status.get("finished_at")
    has_container = outcome != SKIPPED and not entry.get("error")
    logs = entry.get("logs")
    log_note = None
    if has_container and (logs is None or log_gone(logs)):
        log_note = LOG_GONE_NOTE if logs is not None else "no log could be read"
        # The module says why per pod (for example the permission to read pods/log that is missing).
        why = [str(w) for w in entry.get("warnings") or [] if str(w).startswith("logs of ")]
        if logs is None and why:
            log_note += ": " + " ".join(why)
        logs = None
    return {
        "namespace": entry.get("namespace"),
        "pod": entry.get("pod"),
        "container": entry.get("container"),
        "outcome": outcome,
        "reason": reason,
        "exit_code": exit_code if state == "terminated" else None,
        "started_at": started,
        "finished_at": finished,
        "duration_seconds": seconds_between(started, finished),
        "log_file": log_file(entry["namespace"], entry["pod"], entry["container"]) if has_container and logs is not None else None,
        "log_note": log_note,
        "guards": entry.get("guards"),
    }


def isolation_of(result: t.Any) -> t.Optional[t.Dict[str, t.Any]]:
    """What pod_isolate did for a group (isolate: true), as the report shows it."""
    if not isinstance(result, t.Mapping) or result.get("skipped"):
        return None
    if result.get("msg"):
        return {"pod": None, "error": str(result["msg"])}
    # Not whether this run changed the labels: a re-run of the run id must give the same summary (nothing rewritten).
    return {"pod": result.get("pod"), "owner": result.get("owner"),
            "labels_removed": result.get("labels_removed"), "services": result.get("services"), "error": None}


def recycle_of(result: t.Any) -> t.Optional[t.Dict[str, t.Any]]:
    """What ephemeral_container_cleanup did with an isolated pod after its capture (recycle: true)."""
    if not isinstance(result, t.Mapping) or result.get("skipped"):
        return None
    return {"recycled": list(result.get("recycled") or []), "error": str(result["msg"]) if result.get("msg") else None}


def _selection(args: t.Mapping[str, t.Any]) -> str:
    scope = "all namespaces" if args.get("all_namespaces") else "namespace {0}".format(args.get("namespace"))
    selectors = list(args.get("label_selectors") or []) + list(args.get("field_selectors") or [])
    return "{0}: {1}".format(scope, ", ".join(selectors) or "-")


def _previous_pods(previous: t.Any) -> dict[tuple[t.Any, t.Any, t.Any], t.Mapping[str, t.Any]]:
    data = previous
    if isinstance(previous, str):
        try:
            data = json.loads(previous) if previous.strip() else None
        except ValueError:
            data = None
    if not isinstance(data, t.Mapping):
        return {}
    return {(p.get("namespace"), p.get("pod"), p.get("container")): p for p in data.get("pods") or [] if isinstance(p, t.Mapping)}


def outcomes(records: t.Sequence[t.Mapping[str, t.Any]], previous: t.Any = None) -> dict[str, t.Any]:
    """Groups and pods of a run from the role's per-group records.

    A record: ``index``, ``label``, ``recipe``, ``args`` (the module options), ``wait_timeout``, ``skip_reason``
    (the group was not run: overall timeout or max pods reached), ``started``/``finished`` (epoch seconds) and
    ``result`` (the registered module result). Pods keep their ``logs`` for the collect step; the summary
    drops them.

    ``previous`` is this run id's earlier summary (text or dict), when the run id ran before: a log collected then
    is kept (``write_log`` false) unless the pod's outcome changed since (``replace_log``), because the kubelet
    removes exited containers' logs and a re-run must not replace a log with nothing."""
    earlier = _previous_pods(previous)
    groups = []
    pods = []
    for record in records:
        args = record.get("args") or {}
        result = record.get("result") or {}
        group: dict[str, t.Any] = {
            "index": record.get("index"),
            "label": record.get("label"),
            "recipe": record.get("recipe"),
            "container": args.get("name"),
            "image": args.get("image"),
            "selection": _selection(args),
            "target": args.get("target"),
            "wait_timeout": record.get("wait_timeout"),
            "outcome": "ran",
            "error": None,
            "note": None,
            "pods": 0,
            "wall_seconds": None,
            "isolation": isolation_of(record.get("isolation")),
            "recycle": recycle_of(record.get("recycle")),
        }
        if result.get("shard"):
            # A sharded run: the pods the group's selectors matched in all shards together.
            group["matched_in_all_shards"] = result["shard"].get("matched")
        if record.get("started") is not None and record.get("finished") is not None:
            group["wall_seconds"] = round(float(record["finished"]) - float(record["started"]), 1)
        if record.get("skip_reason"):
            group["outcome"], group["error"] = SKIPPED, record["skip_reason"]
            groups.append(group)
            continue
        entries = result.get("results")
        # failed_when: false registers failed=false, so a failure is recognised by its msg (a successful
        # ephemeral_container result has none).
        failed = bool(result.get("failed") or result.get("msg"))
        if failed and not entries:
            group["outcome"], group["error"] = "error", str(result.get("msg") or "the module failed")
            groups.append(group)
            continue
        if failed:
            group["note"] = str(result.get("msg") or "")
        for entry in entries or []:
            pod = classify(entry, record.get("wait_timeout"))
            pod["group"] = record.get("index")
            pod["recipe"] = record.get("recipe")
            pod["logs"] = entry.get("logs") if pod["log_file"] else None
            pod["analysis"] = analyse(record.get("recipe"), pod["logs"])
            pod["heap_dump_file"] = heap_dump_file(pod["log_file"], pod["logs"])
            before = earlier.get((pod["namespace"], pod["pod"], pod["container"]))
            pod["write_log"] = bool(pod["log_file"])
            pod["replace_log"] = bool(before) and before.get("outcome") != pod["outcome"]
            if before and before.get("log_file") and (not pod["log_file"] or not pod["replace_log"]):
                # Keep the log collected earlier (and what the summary said about it).
                pod["log_file"], pod["log_note"] = before.get("log_file"), before.get("log_note")
                pod["analysis"] = before.get("analysis")
                pod["write_log"] = pod["replace_log"] and pod["logs"] is not None
            pods.append(pod)
            group["pods"] += 1
        groups.append(group)
    return {"groups": groups, "pods": pods}
