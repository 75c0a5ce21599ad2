# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest
from kubernetes.client.exceptions import ApiException

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.defaults import apply_server_defaults
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import (
    ERA_EPHEMERAL_CONTAINERS,
    ERA_POD,
    ERA_UNSUPPORTED,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import discovery as _discovery
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import write as _write
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.module_utils.recorder import ByPath

EC = {"name": "debugger-1", "image": "busybox:1.36", "command": ["sh"]}
STORED = dict(EC, imagePullPolicy="IfNotPresent", terminationMessagePath="/dev/termination-log", terminationMessagePolicy="File", resources={})


def conflict():
    exc = ApiException(status=409, reason="Conflict")
    exc.body = json.dumps({"kind": "Status", "code": 409, "reason": "Conflict", "message": "the object has been modified"})
    return exc


def test_patch_bodies_per_era():
    # Append, then test that ours landed where the list we read ended: any concurrent append moves it.
    before = [{"name": "a", "image": "x"}, {"name": "b", "image": "x"}]
    assert _write.patch_body(ERA_POD, EC, before) == [
        {"op": "add", "path": "/spec/ephemeralContainers/-", "value": EC},
        {"op": "test", "path": "/spec/ephemeralContainers/2/name", "value": EC["name"]}]
    assert _write.patch_body(ERA_EPHEMERAL_CONTAINERS, EC, before) == [
        {"op": "add", "path": "/ephemeralContainers/-", "value": apply_server_defaults(EC)},
        {"op": "test", "path": "/ephemeralContainers/2/name", "value": EC["name"]}]


def test_patch_bodies_for_a_pod_without_ephemeral_containers():
    # PodSpec omits the empty list, and a JSON patch cannot append to an absent list: test that it is
    # still absent and add the whole list. EphemeralContainers always has its list.
    assert _write.patch_body(ERA_POD, EC, []) == [
        {"op": "test", "path": "/spec/ephemeralContainers", "value": None},
        {"op": "add", "path": "/spec/ephemeralContainers", "value": [EC]}]
    assert _write.patch_body(ERA_EPHEMERAL_CONTAINERS, EC, []) == [
        {"op": "add", "path": "/ephemeralContainers/-", "value": apply_server_defaults(EC)},
        {"op": "test", "path": "/ephemeralContainers/0/name", "value": EC["name"]}]
    with pytest.raises(KubedebugError, match="disabled"):
        _write.patch_body(ERA_UNSUPPORTED, EC, [])


def test_a_patch_the_server_could_not_apply_may_be_stale_a_validation_error_is_not():
    # The apiserver answers a failed JSON patch operation with a generic 422: no causes, no name.
    failed = ApiException(status=422, reason="Unprocessable Entity")
    failed.body = json.dumps({"kind": "Status", "code": 422, "reason": "Invalid", "details": {},
                              "message": "the server rejected our request due to an error in our request"})
    invalid = ApiException(status=422, reason="Unprocessable Entity")
    invalid.body = json.dumps({"kind": "Status", "code": 422, "reason": "Invalid", "message": "Pod \"web\" is invalid",
                               "details": {"name": "web", "kind": "Pod", "causes": [{"field": "spec.ephemeralContainers[0].image"}]}})
    assert _write.is_stale(failed) and _write.is_stale(conflict())
    assert not _write.is_stale(invalid)


def test_verify_accepts_a_pod_that_holds_the_container():
    response = {"kind": "Pod", "spec": {"ephemeralContainers": [{"name": "other"}, STORED]}}
    assert _write.verify_written(ERA_POD, response, "debugger-1") == STORED


def test_verify_accepts_the_legacy_kind():
    response = {"kind": "EphemeralContainers", "ephemeralContainers": [STORED]}
    assert _write.verify_written(ERA_EPHEMERAL_CONTAINERS, response, "debugger-1") == STORED


@pytest.mark.parametrize("era, response", [
    # A 1.16-1.21 server answers a 1.22-style patch with 200 and the unchanged EphemeralContainers object.
    (ERA_POD, {"kind": "EphemeralContainers", "ephemeralContainers": []}),
    # ... and the typed client would have made this V1Pod(spec=None) out of it.
    (ERA_POD, {"kind": "Pod", "spec": None}),
    (ERA_POD, {"kind": "Pod", "spec": {"ephemeralContainers": [{"name": "someone-else"}]}}),
    (ERA_EPHEMERAL_CONTAINERS, {"kind": "Pod", "spec": {"ephemeralContainers": [STORED]}}),
    (ERA_EPHEMERAL_CONTAINERS, {"kind": "EphemeralContainers", "ephemeralContainers": []}),
])
def test_verify_refuses_a_200_that_added_nothing(era, response):
    with pytest.raises(KubedebugError, match="answered 200 but did not add") as info:
        _write.verify_written(era, response, "debugger-1")
    assert info.value.result["era_mismatch"] is True


def discovery(kind=None):
    resources = [{"name": "pods", "kind": "Pod", "verbs": ["get", "list"]}]
    if kind:
        resources.append({"name": "pods/ephemeralcontainers", "kind": kind, "verbs": ["get", "patch", "update"]})
    return {"kind": "APIResourceList", "groupVersion": "v1", "resources": resources}


@pytest.mark.parametrize("kind, version, era, enabled", [
    ("Pod", {"major": "1", "minor": "37", "gitVersion": "v1.37.2"}, ERA_POD, True),
    ("EphemeralContainers", {"major": "1", "minor": "21", "gitVersion": "v1.21.14"}, ERA_EPHEMERAL_CONTAINERS, True),
    (None, {"major": "1", "minor": "21", "gitVersion": "v1.21.14"}, ERA_UNSUPPORTED, False),
])
def test_discover(kind, version, era, enabled, monkeypatch):
    monkeypatch.setattr(_rest, "request_json", ByPath({"/api/v1": discovery(kind), "/version": version}))
    server = _discovery.discover(None)
    assert (server.era, server.era.served, server.git_version) == (era, enabled, version["gitVersion"])
    if not enabled:
        with pytest.raises(KubedebugError, match=r"server 1\.21.*kube-apiserver AND every kubelet"):
            _discovery.require_enabled(server)


def test_discover_without_version_access(monkeypatch):
    forbidden = ApiException(status=403, reason="Forbidden")
    monkeypatch.setattr(_rest, "request_json", ByPath({"/api/v1": discovery("Pod"), "/version": forbidden}))
    server = _discovery.discover(None)
    assert server.era == ERA_POD and server.version is None
    assert server.as_dict()["git_version"] is None


def test_ephemeral_containers_of_both_kinds():
    assert _pod.ephemeral_containers({"kind": "Pod", "spec": {}}) == []
    assert _pod.ephemeral_containers({"kind": "EphemeralContainers", "ephemeralContainers": [EC]}) == [EC]
