# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A reduced pod answers every reader of a selected pod exactly as the whole pod does, and each field the reduction
keeps is needed: dropping it alone changes some reader's answer."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
import typing as t
from unittest import mock

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import field_managers as _field_managers
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import guards as _guards
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import status as _status
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import ERA_EPHEMERAL_CONTAINERS, ERA_POD
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.pod_reduce import LAST_APPLIED, reduce_pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup import recycle as _recycle
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import admission as _admission
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._info import info as _info
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject.plan import plan_pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._preflight import preflight as _preflight
from ansible_collections.kubedebug.ephemeral.tests.unit.pod_factories import APP, full_pod, kwok_pod, managed_entry, pod

NOW = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.timezone.utc)
RECORD = json.dumps({"run_id": "r1", "user": "ops", "host": "ctl", "time": "2026-12-07T10:00:00Z",
                     "field_manager": "kubedebug.ephemeral", "added_by_this_run": True})
TERMINATED = {"name": "debugger-r1", "image": "busybox:1.36", "ready": False, "restartCount": 0, "containerID": "containerd://x",
              "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": "2026-12-07T10:00:00Z",
                                       "finishedAt": "2026-12-07T10:00:05Z"}}}
GUARDED = dict(APP, resources={"limits": {"memory": "256Mi"}}, livenessProbe={"periodSeconds": 5, "failureThreshold": 2, "exec": {}})
TOKEN_VOLUME = {"name": "kube-api-access-x", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}
INIT = {"name": "init-db", "image": "busybox:1.36", "command": ["true"], "volumeMounts": [{"name": "tmp", "mountPath": "/init"}]}


def _with_init(base: dict) -> dict:
    base["spec"]["initContainers"] = [dict(INIT)]
    return base


# Every kind of pod the unit tests build with the factory, and whole pods as the API lists them.
PODS: t.Dict[str, dict] = {
    "plain": pod(),
    "pending": pod(phase="Pending"),
    "terminating": pod(terminating=True, ephemeral=["debugger-r1"], owner="ReplicaSet"),
    "with our container and status": pod(ephemeral=[{"name": "debugger-r1", "image": "busybox:1.36", "targetContainerName": "app"}],
                                         statuses=[TERMINATED], owner="ReplicaSet",
                                         annotations={_field_managers.annotation_key("debugger-r1"): RECORD}),
    "bare, isolated": pod(labels={_pod.ISOLATED_LABEL: "true"}, ephemeral=["debugger-old"]),
    "bare": pod(ephemeral=["debugger-old"]),
    "job": pod(owner="Job", ephemeral=["debugger-old"]),
    "mirror": pod(annotations={_pod.MIRROR_ANNOTATION: "abc"}, ephemeral=["debugger-old"]),
    "node-owned": pod(owner="Node"),
    "guarded": pod(containers=[GUARDED], volumes=[{"name": "tmp", "emptyDir": {}}, TOKEN_VOLUME]),
    "two containers and an init container": _with_init(pod(containers=[dict(APP), dict(GUARDED, name="side")])),
    "token and sub-path mounts": pod(containers=[dict(APP, volumeMounts=[
        {"name": "tmp", "mountPath": "/tmp"}, {"name": "kube-api-access-x", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"},
        {"name": "tmp", "mountPath": "/sub", "subPath": "a"}])], volumes=[{"name": "tmp", "emptyDir": {}}, TOKEN_VOLUME]),
    "managed by kubectl debug": pod(ephemeral=["debugger-a", "debugger-b"], managed=[
        managed_entry("kubectl", "Update", {"f:metadata": {"f:labels": {"f:app": {}}}}),
        managed_entry("kubectl-debug", "Update", {"f:spec": {"f:ephemeralContainers": {
            'k:{"name":"debugger-a"}': {".": {}, "f:image": {}}, 'k:{"name":"debugger-b"}': {".": {}}}}}, "ephemeralcontainers"),
        managed_entry("old-kubectl", "Update", {"f:ephemeralContainers": {'k:{"name":"debugger-c"}': {}}})]),
    "last-applied": pod(annotations={LAST_APPLIED: json.dumps(full_pod(1)), "team": "shop"}),
    "full": full_pod(7),
    "full, debugged": full_pod(8, ephemeral=["debugger-r1", "debug-shell"]),
    "kwok": kwok_pod(3),
}

PLAN_BASE = {
    "name": None, "image": "busybox:1.36", "command": ["ps"], "args": None, "env": None, "env_from": None, "working_dir": None,
    "target": None, "volume_mounts": None, "mount_target_volumes": False, "mount_service_account_token": False,
    "image_pull_policy": None, "stdin": False, "tty": False, "security_context": None, "profile": "legacy", "custom": None,
    "run_id": "r1", "name_prefix": "debugger", "max_ephemeral_containers": None, "field_manager": "kubedebug.ephemeral",
}
PLAN_PARAMS = [
    PLAN_BASE,
    dict(PLAN_BASE, target="app", mount_target_volumes=True),
    dict(PLAN_BASE, target="init-db", mount_target_volumes=True, mount_service_account_token=True),
    dict(PLAN_BASE, target="side", volume_mounts=[{"name": "tmp", "mount_path": "/x"}]),
    dict(PLAN_BASE, name="debug-shell", command=["sh"], stdin=True, tty=True, max_ephemeral_containers=1),
]
RECYCLE_PARAMS = [{"min_ephemeral_containers": 1}, {"terminated_for": 60}, {"run_id": "r1"},
                  {"name_prefix": "debugger", "delete_bare_pods": True}]
NEEDS = [_guards.Needs(memory_mib=64, pause_seconds=30), _guards.Needs(memory_mib=512, pause_seconds=5, override=frozenset({"liveness"}))]


def _probe_profiles(whole: t.Mapping[str, t.Any]) -> t.Any:
    # What profile=auto and preflight ask the server: the dry-run container built from the pod's first image.
    with mock.patch.object(_admission, "probe", lambda api, era, p, container, fm=None: container):
        return _admission.probe_profiles(None, ERA_POD, whole)


# Every reader of a selected pod, as (name, function of the pod) returning a comparable answer.
READERS: t.Tuple[t.Tuple[str, t.Callable[[t.Mapping[str, t.Any]], t.Any]], ...] = (
    ("plan", lambda p: [dataclasses.asdict(plan_pod(params, p, era, single)) for params in PLAN_PARAMS
                        for era in (ERA_POD, ERA_EPHEMERAL_CONTAINERS) for single in (True, False)]),
    ("guards", lambda p: [_guards.evaluate(p, target, needs, _guards.MemoryReading(_guards.METRICS, 100 * 1024 * 1024)).as_dict()
                          for target in (None, "app", "side", "init-db") for needs in NEEDS]),
    ("info", lambda p: [_info.describe_pod(p, name) for name in (None, "debugger-r1")]),
    ("preflight", lambda p: _preflight.describe_pod(p, {"node-1": {"targeting": "yes"}})),
    ("recycle", lambda p: [[(c.uid, c.as_dict()) for c in _recycle.candidates([p], params, NOW)] for params in RECYCLE_PARAMS]),
    ("skip", lambda p: [_pods.skip_reason(p, name, single, limit) for name in ("debugger-r1", "new")
                        for single in (True, False) for limit in (None, 1)]),
    ("writers and records", lambda p: (_field_managers.writers(p), _field_managers.records(p))),
    ("statuses", lambda p: [_status.summarize(_status.container_status(p, c.get("name", ""))) for c in _pod.ephemeral_containers(p)]),
    ("static", lambda p: (_pod.is_static(p), _pod.is_mirror(p), _pod.is_isolated(p), _pod.key(p))),
    ("profile probe", _probe_profiles),
)


def answers(p: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    return {name: reader(copy.deepcopy(p)) for name, reader in READERS}


@pytest.mark.parametrize("name", sorted(PODS))
def test_every_reader_answers_the_same_from_the_reduced_pod(name):
    whole = PODS[name]
    reduced = reduce_pod(copy.deepcopy(whole))
    assert answers(reduced) == answers(whole)


def test_the_reduction_drops_what_no_reader_needs():
    whole = full_pod(8, ephemeral=["debugger-r1"])
    whole["metadata"]["annotations"][LAST_APPLIED] = json.dumps(full_pod(1))
    reduced = reduce_pod(whole)
    assert LAST_APPLIED not in reduced["metadata"]["annotations"]
    # Of managedFields only kubectl debug's entry is left, with only the container's key.
    assert reduced["metadata"]["managedFields"] == [{
        "manager": "kubectl-debug", "operation": "Update", "apiVersion": "v1", "time": "2026-12-07T10:00:00Z",
        "subresource": "ephemeralcontainers", "fieldsV1": {"f:spec": {"f:ephemeralContainers": {'k:{"name":"debugger-r1"}': {}}}}}]
    assert sorted(reduced["spec"]) == ["containers", "ephemeralContainers", "nodeName", "volumes"]
    assert sorted(reduced["spec"]["containers"][0]) == ["image", "livenessProbe", "name", "resources", "volumeMounts"]
    assert sorted(reduced["status"]) == ["ephemeralContainerStatuses", "phase"]
    assert len(json.dumps(reduced)) < len(json.dumps(whole)) / 3
    assert reduce_pod(kwok_pod(1))["metadata"].get("managedFields") is None


def _paths(obj: t.Mapping[str, t.Any]) -> t.List[t.Tuple[str, ...]]:
    """Every kept field: the keys under metadata, spec and status, and each key of the (init) containers."""
    found = []
    for part in ("metadata", "spec", "status"):
        for field in obj.get(part) or {}:
            found.append((part, field))
            if field in ("containers", "initContainers"):
                found += [(part, field, key) for c in obj[part][field] for key in c if (part, field, key) not in found]
    return found


def _without(obj: t.Mapping[str, t.Any], path: t.Tuple[str, ...]) -> dict:
    smaller = copy.deepcopy(dict(obj))
    if len(path) == 2:
        smaller[path[0]].pop(path[1], None)
    else:
        for container in smaller[path[0]].get(path[1]) or []:
            container.pop(path[2], None)
    return smaller


KEPT = sorted({path for whole in PODS.values() for path in _paths(reduce_pod(whole))})


@pytest.mark.parametrize("path", KEPT, ids=[".".join(p) for p in KEPT])
def test_every_kept_field_is_read(path):
    """The comparison above would see a needed field go: without this one field some reader answers differently."""
    changed = [name for name, whole in PODS.items() if answers(_without(reduce_pod(whole), path)) != answers(whole)]
    assert changed, "no reader needs {0}; the reduction could drop it".format(".".join(path))


def test_kept_fields_cover_the_readers_of_resources_and_probes():
    # The guards read these; the sensitivity test above must have them among the kept fields.
    assert ("spec", "containers", "resources") in KEPT and ("spec", "containers", "livenessProbe") in KEPT
