# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What to do with each pod, decided before anything is written: build the container, add the
target's mounts, validate, name it, and compare it with what the pod already has. Pure: no API calls."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import field_managers as _field_managers
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import status as _status
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import ERA_POD, Era
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.names import derive_name
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.build import (
    build_container,
    merge_mounts,
    mounts_from_target,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.checks import option_problems
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.compare import spec_differences
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import OPTIONS
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.validate import (
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
    record: t.Any = None  # the container's annotation record (annotate), as found or as written
    annotated: bool = False  # whether this task wrote (or in check mode would write) the record
    guards: t.Optional[t.Dict[str, t.Any]] = None  # what the guards found (guard_* options), see _api/guards.py

    @property
    def name(self) -> str:
        return self.container["name"]


def early_problems(params: t.Mapping[str, t.Any], era: Era = ERA_POD) -> t.List[str]:
    """Problems in the options and the container they describe, found without any API call."""
    problems = option_problems(params, OPTIONS) + validate_params(dict(params))
    if problems:
        return problems
    if params.get("profile") == "auto":
        # The profile is chosen per namespace later; baseline adds nothing, so the rest is checked alone.
        params = dict(params, profile="baseline")
    return validate_container(build_container(dict(params)), era)


def plan_pod(params: t.Mapping[str, t.Any], pod: t.Mapping[str, t.Any], era: Era, single: bool) -> PodPlan:
    """What to do with one pod."""
    namespace, pod_name = _pod.key(pod)
    container = build_container(dict(params))
    warnings: t.List[str] = []
    if params.get("mount_target_volumes") and params.get("target"):
        inherited, warnings = mounts_from_target(dict(pod), params["target"], bool(params.get("mount_service_account_token")))
        merged = merge_mounts(container.get("volumeMounts") or [], inherited)
        if merged:
            container["volumeMounts"] = merged
    problems = validate_container(container, era)
    container["name"] = params.get("name") or derive_name(container, params.get("run_id"), params.get("name_prefix") or "debugger")
    before = _pod.ephemeral_containers(pod)
    plan = PodPlan(namespace, pod_name, container, CREATE, before=before, warnings=warnings)
    plan.record = _field_managers.records(pod).get(plan.name)
    plan.skip_reason = _pods.skip_reason(pod, plan.name, single, params.get("max_ephemeral_containers"))
    if plan.skip_reason:
        plan.action = SKIP
        return plan
    plan.problems = ["pod {0}/{1}: {2}".format(namespace, pod_name, p) for p in problems + validate_against_pod(container, dict(pod))]
    plan.existing = _pod.find_container(before, plan.name)
    if plan.existing is not None:
        plan.action = EXISTS
        plan.status = _status.container_status(pod, plan.name)
        differences = spec_differences(container, plan.existing)
        if differences:
            plan.problems.append(
                "pod {0}/{1}: ephemeral container {2!r} already exists with a different spec, and ephemeral containers "
                "cannot be changed or removed. Use another name (or run_id), or recreate the pod. Differences: {3}".format(
                    namespace, pod_name, plan.name, "; ".join(differences)
                )
            )
    return plan
