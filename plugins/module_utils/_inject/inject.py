# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ephemeral_container flow for one task: select pods -> plan every pod (_plan) -> write (one
PATCH per new container, verified) -> wait (one watch per namespace) -> logs -> results (_result).

Every pod is planned before anything is written, so a problem in any pod fails the task with
nothing written anywhere.

Requests: discovery (2) and the selection's read at the same time, one PATCH per new container, one
WATCH per namespace that starts where the selection's read ended (no second LIST), and, with logs,
one read per pod; writes and log reads run max_concurrency at a time."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import field_managers as _field_managers
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import status as _status
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.defaults import normalize
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import Era
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import audit as _audit
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import discovery as _discovery
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import logs as _logs
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import watch as _watch
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import write as _write
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import concurrency as _concurrency
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import timing as _timing
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject import auto_profile as _auto_profile
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject import guards as _guards
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject.plan import (
    CREATE,
    EXISTS,
    PodPlan,
    SKIP,
    plan_pod,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject.result import diff_for, result_for
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec import detail as _detail
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.compare import spec_differences


def write(api_client: t.Any, era: Era, plan: PodPlan, check_mode: bool, field_manager: t.Optional[str] = None) -> PodPlan:
    """Perform (or, in check mode, rehearse) the plan's write; fills ``plan.stored``/``plan.status``.

    When another writer added a container of this name meanwhile, the plan turns into EXISTS (same
    spec) or fails with the immutability message (another spec), exactly as if we had read it first."""
    if plan.action != CREATE:
        return plan
    if check_mode and not era.dry_run:
        # The 1.16-1.21 API gets no dry run from us: report what would be stored, write nothing.
        plan.stored = normalize(plan.container)
        return plan
    written = _write.add_container(api_client, era, plan.namespace, plan.pod, plan.container, plan.before, dry_run=check_mode,
                                   field_manager=field_manager)
    plan.before = written.before
    plan.status = _status.container_status(written.response, plan.name) if written.response.get("kind") == "Pod" else None
    if written.created:
        plan.stored = written.stored
        if written.uncertain:
            plan.warnings.append(
                "the connection broke after the write to {0}/{1} was sent; container {2!r} is there now, most likely "
                "from this write".format(plan.namespace, plan.pod, plan.name))
        return plan
    differences = spec_differences(plan.container, written.stored)
    if differences:
        raise KubedebugError(
            "Pod {0}/{1}: ephemeral container {2!r} was added by someone else meanwhile, with a different spec, and "
            "ephemeral containers cannot be changed or removed. Use another name (or run_id), or recreate the pod. "
            "Differences: {3}".format(plan.namespace, plan.pod, plan.name, "; ".join(differences)),
            immutable_conflict=True,
        )
    plan.action = EXISTS
    plan.existing = written.stored
    return plan


def annotate(api_client: t.Any, era: Era, plan: PodPlan, check_mode: bool, params: t.Mapping[str, t.Any]) -> PodPlan:
    """annotate: record the run on the pod, once per container (a record already there is kept, so a
    re-run writes nothing). A second write after the container's, so a failure here leaves the
    container in place; the next run writes the missing record."""
    if not params.get("annotate") or plan.action == SKIP or plan.record is not None:
        return plan
    plan.record = _field_managers.new_record(params.get("run_id"), params["field_manager"], added=plan.action == CREATE)
    plan.annotated = True
    if check_mode and not era.dry_run:
        return plan
    try:
        _audit.annotate(api_client, plan.namespace, plan.pod, plan.name, plan.record, params["field_manager"], dry_run=check_mode)
    except KubedebugError as exc:
        plan.annotated = False
        raise KubedebugError("{0} (the ephemeral container is in place; only its annotation is missing, and the next run "
                             "with annotate=true writes it)".format(exc.msg), **exc.result) from exc
    return plan


def write_and_annotate(api_client: t.Any, era: Era, plan: PodPlan, check_mode: bool, params: t.Mapping[str, t.Any]) -> PodPlan:
    write(api_client, era, plan, check_mode, params.get("field_manager"))
    return annotate(api_client, era, plan, check_mode, params)


class Injector:
    """Runs the whole flow for one task; returns the module result or raises KubedebugError."""

    def __init__(self, api_client: t.Any, server: _discovery.ServerInfo, params: t.Mapping[str, t.Any], check_mode: bool, diff_mode: bool) -> None:
        self.api_client = api_client
        self.server = server
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.auto: t.List[t.Dict[str, t.Any]] = []  # profile=auto: the choice made in each namespace
        self.params_of: t.Dict[str, t.Mapping[str, t.Any]] = {}

    def params_by_namespace(self, pods: t.Sequence[t.Mapping[str, t.Any]], single: bool) -> t.Dict[str, t.Mapping[str, t.Any]]:
        """The task's options for each namespace: the same everywhere, except the profile with profile=auto."""
        namespaces = sorted({_pod.key(pod)[0] for pod in pods})
        if self.params.get("profile") != _auto_profile.AUTO:
            return {namespace: self.params for namespace in namespaces}
        chosen = {}
        for namespace in namespaces:
            choice = _auto_profile.choose(self.api_client, self.server.era, self.params,
                                          [pod for pod in pods if _pod.key(pod)[0] == namespace], single)
            self.auto.append(choice)
            chosen[namespace] = dict(self.params, profile=choice["profile"])
        return chosen

    def plan(self, selection: _pods.Selection, pods: t.Sequence[t.Mapping[str, t.Any]]) -> t.List[PodPlan]:
        """Plans keep only what they need of each pod (its ephemeral containers, our container's status)."""
        _pods.check_max_pods(pods, self.params.get("max_pods"), selection)
        self.params_of = self.params_by_namespace(pods, selection.single)
        plans = [plan_pod(self.params_of[_pod.key(pod)[0]], pod, self.server.era, selection.single) for pod in pods]
        problems = [p for plan in plans for p in plan.problems]
        if problems:
            raise KubedebugError(
                "Nothing was written; fix these first ({0} problem(s)): {1}".format(len(problems), " | ".join(problems)),
                problems=problems,
            )
        self.guard(plans, pods)
        return plans

    def guard(self, plans: t.List[PodPlan], pods: t.Sequence[t.Mapping[str, t.Any]]) -> None:
        """The guard_* options, for the pods that would get a new container: a pod failing one is skipped with
        the reason (after the problems check, because reading the headroom may write a probe container)."""
        by_key = {_pod.key(pod): pod for pod in pods}
        creating = {(plan.namespace, plan.pod): plan for plan in plans if plan.action == CREATE}
        reports = _guards.evaluate(self.api_client, self.server.era, self.params,
                                   {key: by_key[key] for key in creating}, {key: plan.name for key, plan in creating.items()},
                                   self.check_mode)
        for key, report in reports.items():
            plan = creating[key]
            plan.guards = report.as_dict()
            if report.skip_reason:
                plan.action, plan.skip_reason = SKIP, report.skip_reason

    def apply(self, plans: t.List[PodPlan]) -> None:
        creates = [plan for plan in plans if plan.action == CREATE or (self.params.get("annotate") and plan.action == EXISTS)]
        outcomes = _concurrency.run_bounded(
            lambda plan: write_and_annotate(self.api_client, self.server.era, plan, self.check_mode, self.params), creates,
            self.params.get("max_concurrency") or 1
        )
        for plan, outcome in zip(creates, outcomes):
            if isinstance(outcome, KubedebugError):
                plan.error = outcome.msg
                plan.error_details = dict(outcome.result)

    def wait(self, plans: t.List[PodPlan], selection: _pods.Selection, resource_version: str = "") -> t.Optional[str]:
        """Wait for every created or existing container; return a failure message or None. The watch
        goes on from ``resource_version`` (the selection's read) with the statuses the plans hold."""
        if not self.params.get("wait") or self.check_mode:
            return None
        by_target = {_watch.Target(p.namespace, p.pod, p.name): p for p in plans if p.action != SKIP and p.error is None}
        if not by_target:
            return None
        try:
            statuses = _watch.wait_for_containers(
                self.api_client, list(by_target), self.params["wait_for"], self.params["wait_timeout"], selection.label_selector,
                pull_errors_fatal=bool(self.params.get("fail_on_image_pull_error")),
                seen={target: plan.status for target, plan in by_target.items()}, resource_version=resource_version,
            )
            failure = None
        except _watch.WaitFailed as exc:
            statuses, failure = exc.statuses, exc.msg
        except KubedebugError as exc:
            statuses, failure = {}, exc.msg
        for target, status in statuses.items():
            by_target[target].status = status
        return failure

    def logs_for(self, plan: PodPlan) -> _logs.LogRead:
        if not self.params.get("logs") or plan.action == SKIP or plan.error or (plan.action == CREATE and self.check_mode):
            return _logs.LogRead(None, None)
        read = _logs.try_read_logs(self.api_client, plan.namespace, plan.pod, plan.name, self.params.get("logs_tail_lines"),
                                   self.params.get("logs_limit_bytes") or 0)
        if read.problem:
            plan.warnings.append("logs of {0}/{1} container {2!r}: {3}".format(plan.namespace, plan.pod, plan.name, read.problem))
        return read

    def all_logs(self, plans: t.List[PodPlan]) -> t.List[_logs.LogRead]:
        """Every plan's logs, max_concurrency reads at a time (try_read_logs never raises what we understand)."""
        logs = _concurrency.run_bounded(self.logs_for, plans, self.params.get("max_concurrency") or 1)
        return [_logs.LogRead(None, None) if isinstance(read, BaseException) else read for read in logs]

    def run(self, selection: _pods.Selection, selected: _pods.Selected,
            list_seconds: float = 0.0) -> t.Tuple[t.Dict[str, t.Any], t.Optional[KubedebugError]]:
        """(result, failure or None). A failure of a single pod's write keeps that error's details
        (status, missing_permission, pod_security_level, ...) for the task result. ``list_seconds``: how long
        discovery and the selection's read took (they run before, side by side)."""
        _discovery.require_enabled(self.server)
        matched = selected.matched
        clock = _timing.PhaseClock(list_seconds)
        with clock.phase("plan"):
            plans = self.plan(selection, selected.take())
        with clock.phase("write"):
            self.apply(plans)
        with clock.phase("wait"):
            failure = self.wait(plans, selection, selected.resource_version)
        if self.params.get("fail_on_nonzero_exit") and not failure:
            failure = _nonzero_exits(plans)
        with clock.phase("logs"):
            logs = self.all_logs(plans)
        full = _detail.full_results(self.params.get("results_detail") or "auto", selection.single)
        results = [result_for(plan, read.text, read.truncated, full) for plan, read in zip(plans, logs)]
        for entry in results:
            entry["profile"] = self.params_of[entry["namespace"]].get("profile")
        errors = [p for p in plans if p.error]
        details: t.Dict[str, t.Any] = {}
        if errors:
            failure = " | ".join(_error_line(p) for p in errors) + (" | " + failure if failure else "")
            if len(errors) == 1:
                details = errors[0].error_details
        result: t.Dict[str, t.Any] = {
            "changed": any(r["changed"] for r in results),
            "results": results,
            "api_era": self.server.era.name,
            "server_version": self.server.git_version,
            "timings": clock.seconds(),
        }
        if selection.part:
            result["shard"] = dict(selection.part.as_dict(), matched=matched)
        if self.auto:
            result["auto_profile"] = self.auto
        if self.diff_mode:
            result["diff"] = [diff_for(plan) for plan in plans if plan.action != SKIP and plan.error is None]
        return result, (KubedebugError(failure, **details) if failure else None)


def _error_line(plan: PodPlan) -> str:
    """The pod's error, prefixed with the pod unless the message already names it."""
    where = "{0}/{1}".format(plan.namespace, plan.pod)
    return plan.error if where in (plan.error or "") else "pod {0}: {1}".format(where, plan.error)


def _nonzero_exits(plans: t.Sequence[PodPlan]) -> t.Optional[str]:
    """fail_on_nonzero_exit: which containers ended with another exit code than 0."""
    lines = []
    for plan in plans:
        summary = _status.summarize(plan.status) or {}
        if plan.action != SKIP and summary.get("state") == "terminated" and summary.get("exit_code") != 0:
            lines.append("pod {0}/{1}: ephemeral container {2!r} exited with {3} ({4})".format(
                plan.namespace, plan.pod, plan.name, summary.get("exit_code"), summary.get("reason") or "no reason"))
    if not lines:
        return None
    return "{0} ephemeral container(s) exited with a non-zero code (fail_on_nonzero_exit=true): {1}".format(len(lines), " | ".join(lines))
