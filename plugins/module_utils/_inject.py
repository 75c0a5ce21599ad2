# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ephemeral_container flow, per pod: plan (pure: build, name, validate, compare) -> write
(one PATCH per pod, verified) -> wait (one watch per namespace) -> report.

Every pod is planned before anything is written, so a problem in any pod fails the task with
nothing written anywhere."""

from __future__ import annotations

import copy
import typing as t
from dataclasses import dataclass, field

from ansible_collections.kubedebug.ephemeral.plugins.module_utils import _logs, _pods, _subresource, _wait
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._compare import diff_view, spec_differences
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._era import ERA_POD
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec import (
    attach_command,
    build_container,
    derive_name,
    merge_mounts,
    mounts_from_target,
    normalize,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._validate import (
    validate_against_pod,
    validate_container,
    validate_params,
)

CREATE = "create"
EXISTS = "exists"
SKIP = "skip"


@dataclass
class PodPlan:
    namespace: str
    pod: str
    container: t.Dict[str, t.Any]
    action: str
    before: t.List[t.Dict[str, t.Any]] = field(default_factory=list)
    existing: t.Optional[t.Dict[str, t.Any]] = None
    status: t.Optional[t.Dict[str, t.Any]] = None
    skip_reason: t.Optional[str] = None
    problems: t.List[str] = field(default_factory=list)
    warnings: t.List[str] = field(default_factory=list)
    stored: t.Optional[t.Dict[str, t.Any]] = None
    error: t.Optional[str] = None
    error_details: t.Dict[str, t.Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.container["name"]


def early_problems(params: t.Mapping[str, t.Any], era: str = ERA_POD) -> t.List[str]:
    """Problems in the options and the container they describe, found without any API call."""
    problems = validate_params(dict(params))
    if problems:
        return problems
    return validate_container(build_container(dict(params)), era)


def plan_pod(params: t.Mapping[str, t.Any], pod: t.Mapping[str, t.Any], era: str, single: bool) -> PodPlan:
    """What to do with one pod. Pure: no API calls."""
    namespace, pod_name = _pods.key(pod)
    container = build_container(dict(params))
    warnings: t.List[str] = []
    if params.get("mount_target_volumes") and params.get("target"):
        inherited, warnings = mounts_from_target(dict(pod), params["target"])
        merged = merge_mounts(container.get("volumeMounts") or [], inherited)
        if merged:
            container["volumeMounts"] = merged
    problems = validate_container(container, era)
    container["name"] = params.get("name") or derive_name(container, params.get("run_id"), params.get("name_prefix") or "debugger")
    before = _subresource.ephemeral_containers(pod)
    plan = PodPlan(namespace, pod_name, container, CREATE, before=before, warnings=warnings)
    plan.skip_reason = _pods.skip_reason(pod, plan.name, single, params.get("max_ephemeral_containers"))
    if plan.skip_reason:
        plan.action = SKIP
        return plan
    plan.problems = ["pod {0}/{1}: {2}".format(namespace, pod_name, p) for p in problems + validate_against_pod(container, dict(pod))]
    plan.existing = _subresource.find_container(before, plan.name)
    if plan.existing is not None:
        plan.action = EXISTS
        plan.status = _wait.container_status(pod, plan.name)
        differences = spec_differences(container, plan.existing)
        if differences:
            plan.problems.append(
                "pod {0}/{1}: ephemeral container {2!r} already exists with a different spec, and ephemeral containers "
                "cannot be changed or removed. Use another name (or run_id), or recreate the pod. Differences: {3}".format(
                    namespace, pod_name, plan.name, "; ".join(differences)
                )
            )
    return plan


def write(api_client: t.Any, era: str, plan: PodPlan, check_mode: bool) -> PodPlan:
    """Perform (or, in check mode, rehearse) the plan's write; fills ``plan.stored``/``plan.status``."""
    if plan.action != CREATE:
        return plan
    if check_mode and era != ERA_POD:
        # The 1.16-1.21 API gets no dry run from us: report what would be stored, write nothing.
        plan.stored = normalize(plan.container)
        return plan
    stored, response = _subresource.add_container(
        api_client, era, plan.namespace, plan.pod, plan.container, dry_run=check_mode, existing_names=[c.get("name") for c in plan.before]
    )
    plan.stored = stored
    if response.get("kind") == "Pod":
        plan.status = _wait.container_status(response, plan.name)
    return plan


def diff_for(plan: PodPlan) -> t.Dict[str, t.Any]:
    after = list(plan.before)
    if plan.action == CREATE:
        after.append(plan.stored or plan.container)
    view = diff_view(plan.before, after)
    view["before_header"] = view["after_header"] = "{0}/{1} spec.ephemeralContainers".format(plan.namespace, plan.pod)
    return view


def result_for(plan: PodPlan, params: t.Mapping[str, t.Any], check_mode: bool, logs: t.Optional[str] = None) -> t.Dict[str, t.Any]:
    created = plan.action == CREATE and plan.error is None
    spec = plan.stored if plan.action == CREATE else plan.existing
    return {
        "namespace": plan.namespace,
        "pod": plan.pod,
        "container": plan.name,
        "changed": created,
        "created": created,
        "skipped": plan.action == SKIP,
        "skip_reason": plan.skip_reason,
        "spec": copy.deepcopy(spec) if plan.action != SKIP else None,
        "status": _wait.summarize(plan.status),
        "logs": logs,
        "attach_command": None
        if plan.action == SKIP
        else attach_command(plan.namespace, plan.pod, plan.name, bool(plan.container.get("tty")), bool(plan.container.get("stdin"))),
        "error": plan.error,
        "warnings": plan.warnings,
    }


class Injector:
    """Runs the whole flow for one task; returns the module result or raises KubedebugError."""

    def __init__(self, api_client: t.Any, server: _subresource.ServerInfo, params: t.Mapping[str, t.Any], check_mode: bool, diff_mode: bool) -> None:
        self.api_client = api_client
        self.server = server
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode

    def plan(self, selection: _pods.Selection, pods: t.Sequence[t.Mapping[str, t.Any]]) -> t.List[PodPlan]:
        _pods.check_max_pods(pods, self.params.get("max_pods"), selection)
        plans = [plan_pod(self.params, pod, self.server.api_era, selection.single) for pod in pods]
        problems = [p for plan in plans for p in plan.problems]
        if problems:
            raise KubedebugError(
                "Nothing was written; fix these first ({0} problem(s)): {1}".format(len(problems), " | ".join(problems)),
                problems=problems,
            )
        return plans

    def apply(self, plans: t.List[PodPlan]) -> None:
        creates = [plan for plan in plans if plan.action == CREATE]
        outcomes = _pods.run_bounded(
            lambda plan: write(self.api_client, self.server.api_era, plan, self.check_mode), creates, self.params.get("max_concurrency") or 1
        )
        for plan, outcome in zip(creates, outcomes):
            if isinstance(outcome, BaseException):
                plan.error = getattr(outcome, "msg", None) or str(outcome)
                plan.error_details = dict(getattr(outcome, "result", None) or {})

    def wait(self, plans: t.List[PodPlan], selection: _pods.Selection) -> t.Optional[str]:
        """Wait for every created or existing container; return a failure message or None."""
        if not self.params.get("wait") or self.check_mode:
            return None
        by_target = {_wait.Target(p.namespace, p.pod, p.name): p for p in plans if p.action != SKIP and p.error is None}
        if not by_target:
            return None
        try:
            statuses = _wait.wait_for_containers(
                self.api_client, list(by_target), self.params["wait_for"], self.params["wait_timeout"], selection.label_selector
            )
            failure = None
        except _wait.WaitFailed as exc:
            statuses, failure = exc.statuses, exc.msg
        except KubedebugError as exc:
            statuses, failure = {}, exc.msg
        for target, status in statuses.items():
            by_target[target].status = status
        return failure

    def logs_for(self, plan: PodPlan) -> t.Optional[str]:
        if not self.params.get("logs") or plan.action == SKIP or plan.error or (plan.action == CREATE and self.check_mode):
            return None
        text, problem = _logs.try_read_logs(self.api_client, plan.namespace, plan.pod, plan.name, self.params.get("logs_tail_lines"))
        if problem:
            plan.warnings.append("logs of {0}/{1} container {2!r}: {3}".format(plan.namespace, plan.pod, plan.name, problem))
        return text

    def run(self, selection: _pods.Selection) -> t.Tuple[t.Dict[str, t.Any], t.Optional[KubedebugError]]:
        """(result, failure or None). A failure of a single pod's write keeps that error's details
        (status, missing_permission, pod_security_level, ...) for the task result."""
        _subresource.require_enabled(self.server)
        pods = _pods.select_pods(self.api_client, selection)
        plans = self.plan(selection, pods)
        self.apply(plans)
        failure = self.wait(plans, selection)
        results = [result_for(plan, self.params, self.check_mode, self.logs_for(plan)) for plan in plans]
        errors = [p for p in plans if p.error]
        details: t.Dict[str, t.Any] = {}
        if errors:
            failure = " | ".join(_error_line(p) for p in errors) + (" | " + failure if failure else "")
            if len(errors) == 1:
                details = errors[0].error_details
        result: t.Dict[str, t.Any] = {
            "changed": any(r["changed"] for r in results),
            "results": results,
            "api_era": self.server.api_era,
            "server_version": self.server.git_version,
        }
        if self.diff_mode:
            result["diff"] = [diff_for(plan) for plan in plans if plan.action != SKIP and plan.error is None]
        return result, (KubedebugError(failure, **details) if failure else None)


def _error_line(plan: PodPlan) -> str:
    """The pod's error, prefixed with the pod unless the message already names it."""
    where = "{0}/{1}".format(plan.namespace, plan.pod)
    return plan.error if where in (plan.error or "") else "pod {0}: {1}".format(where, plan.error)
