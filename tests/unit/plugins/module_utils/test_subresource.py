# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest
from kubernetes.client.exceptions import ApiException

from ansible_collections.kubedebug.ephemeral.plugins.module_utils import _rest, _subresource
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._era import ERA_EPHEMERAL_CONTAINERS, ERA_POD, ERA_UNSUPPORTED
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._errors import KubedebugError

EC = {"name": "debugger-1", "image": "busybox:1.36", "command": ["sh"]}
STORED = dict(EC, imagePullPolicy="IfNotPresent", terminationMessagePath="/dev/termination-log", terminationMessagePolicy="File", resources={})


class Recorder:
    """Stands in for _rest.request_json: records calls, answers from a list (or raises)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, api_client, method, path, **kwargs):
        self.calls.append((method, path, kwargs))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def conflict():
    exc = ApiException(status=409, reason="Conflict")
    exc.body = json.dumps({"kind": "Status", "code": 409, "reason": "Conflict", "message": "the object has been modified"})
    return exc


def test_patch_bodies_per_era():
    order = {"$setElementOrder/ephemeralContainers": [{"name": "a"}, {"name": "b"}, {"name": EC["name"]}]}
    assert _subresource.patch_body(ERA_POD, EC, ["a", "b"]) == {"spec": {"ephemeralContainers": [EC], **order}}
    assert _subresource.patch_body(ERA_EPHEMERAL_CONTAINERS, EC, ["a", "b"]) == {"ephemeralContainers": [EC], **order}
    # Without existing containers the directive names just the new one.
    assert _subresource.patch_body(ERA_POD, EC)["spec"]["$setElementOrder/ephemeralContainers"] == [{"name": EC["name"]}]
    with pytest.raises(KubedebugError, match="disabled"):
        _subresource.patch_body(ERA_UNSUPPORTED, EC)


def test_verify_accepts_a_pod_that_holds_the_container():
    response = {"kind": "Pod", "spec": {"ephemeralContainers": [{"name": "other"}, STORED]}}
    assert _subresource.verify_written(ERA_POD, response, "debugger-1") == STORED


def test_verify_accepts_the_legacy_kind():
    response = {"kind": "EphemeralContainers", "ephemeralContainers": [STORED]}
    assert _subresource.verify_written(ERA_EPHEMERAL_CONTAINERS, response, "debugger-1") == STORED


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
        _subresource.verify_written(era, response, "debugger-1")
    assert info.value.result["era_mismatch"] is True


def test_add_container_sends_a_strategic_merge_patch(monkeypatch):
    recorder = Recorder({"kind": "Pod", "spec": {"ephemeralContainers": [STORED]}})
    monkeypatch.setattr(_rest, "request_json", recorder)
    stored, _response = _subresource.add_container(None, ERA_POD, "shop", "web", EC)
    assert stored == STORED
    method, path, kwargs = recorder.calls[0]
    assert (method, path) == ("PATCH", "/api/v1/namespaces/shop/pods/web/ephemeralcontainers")
    assert kwargs["content_type"] == "application/strategic-merge-patch+json"
    assert kwargs["body"] == {"spec": {"ephemeralContainers": [EC], "$setElementOrder/ephemeralContainers": [{"name": EC["name"]}]}}
    assert kwargs["query"] == []


def test_add_container_dry_run(monkeypatch):
    recorder = Recorder({"kind": "Pod", "spec": {"ephemeralContainers": [STORED]}})
    monkeypatch.setattr(_rest, "request_json", recorder)
    _subresource.add_container(None, ERA_POD, "shop", "web", EC, dry_run=True)
    assert recorder.calls[0][2]["query"] == [("dryRun", "All")]


def test_no_dry_run_in_the_legacy_era(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(_rest, "request_json", recorder)
    with pytest.raises(KubedebugError):
        _subresource.add_container(None, ERA_EPHEMERAL_CONTAINERS, "shop", "web", EC, dry_run=True)
    assert recorder.calls == []


def test_legacy_write_with_unverified_answer_raises(monkeypatch):
    monkeypatch.setattr(_rest, "request_json", Recorder({"kind": "EphemeralContainers", "ephemeralContainers": []}))
    with pytest.raises(KubedebugError, match="API era mismatch"):
        _subresource.add_container(None, ERA_EPHEMERAL_CONTAINERS, "shop", "web", EC)


def test_conflict_is_retried_once(monkeypatch):
    recorder = Recorder(conflict(), {"kind": "Pod", "spec": {"ephemeralContainers": [STORED]}})
    monkeypatch.setattr(_rest, "request_json", recorder)
    assert _subresource.add_container(None, ERA_POD, "shop", "web", EC)[0] == STORED
    assert len(recorder.calls) == 2


def test_second_conflict_fails(monkeypatch):
    monkeypatch.setattr(_rest, "request_json", Recorder(conflict(), conflict()))
    with pytest.raises(KubedebugError, match="even after one retry"):
        _subresource.add_container(None, ERA_POD, "shop", "web", EC)


def test_gate_off_404_on_write(monkeypatch):
    exc = ApiException(status=404, reason="Not Found")
    exc.body = json.dumps({"kind": "Status", "code": 404, "reason": "NotFound", "details": {},
                           "message": "the server could not find the requested resource"})
    monkeypatch.setattr(_rest, "request_json", Recorder(exc))
    with pytest.raises(KubedebugError, match="feature-gates=EphemeralContainers=true"):
        _subresource.add_container(None, ERA_POD, "shop", "web", EC)


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
    monkeypatch.setattr(_rest, "request_json", Recorder(discovery(kind), version))
    server = _subresource.discover(None)
    assert (server.era, server.era.served, server.git_version) == (era, enabled, version["gitVersion"])
    if not enabled:
        with pytest.raises(KubedebugError, match=r"server 1\.21.*kube-apiserver AND every kubelet"):
            _subresource.require_enabled(server)


def test_discover_without_version_access(monkeypatch):
    forbidden = ApiException(status=403, reason="Forbidden")
    monkeypatch.setattr(_rest, "request_json", Recorder(discovery("Pod"), forbidden))
    server = _subresource.discover(None)
    assert server.era == ERA_POD and server.version is None
    assert server.as_dict()["git_version"] is None


def test_ephemeral_containers_of_both_kinds():
    assert _subresource.ephemeral_containers({"kind": "Pod", "spec": {}}) == []
    assert _subresource.ephemeral_containers({"kind": "EphemeralContainers", "ephemeralContainers": [EC]}) == [EC]
