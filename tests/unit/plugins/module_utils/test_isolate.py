# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What isolating a pod means (pure): the labels removed for the ReplicaSet and the Services, the refusals, a pod
isolated before, and the cleanup's choice for an isolated pod; the requests the flow sends (a refusal and check mode
send no write, the write is conditional)."""

from __future__ import annotations

import datetime
import json

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.pod import ISOLATED_ANNOTATION, ISOLATED_LABEL
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup.recycle import DELETE, NONE, candidates, decide
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster.pods import Selection
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._isolate import isolate as _isolate
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._isolate import plan as _plan
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._isolate.isolate import result_of
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.module_utils.recorder import Recorder
from ansible_collections.kubedebug.ephemeral.tests.unit.pod_factories import pod

LABELS = {"app": "web", "pod-template-hash": "7d9c6b5f4", "tier": "frontend"}


def replica_set(selector: dict) -> dict:
    return {"kind": "ReplicaSet", "metadata": {"name": "o"}, "spec": {"selector": selector}}


def service(name: str, selector: dict) -> dict:
    return {"kind": "Service", "metadata": {"name": name}, "spec": {"selector": selector}}


def test_deployment_pod_loses_the_labels_of_its_replicaset_and_its_services_only():
    target = pod(labels=dict(LABELS), owner="ReplicaSet")
    rs = replica_set({"matchLabels": {"app": "web", "pod-template-hash": "7d9c6b5f4"}})
    services = [service("web", {"app": "web"}), service("other", {"app": "api"}), service("manual", {})]
    found = _plan.plan(target, rs, services)
    assert found.refused is None and not found.already
    assert found.remove == {"app": "web", "pod-template-hash": "7d9c6b5f4"}
    assert found.services == ["web"]
    patch = found.patch()
    assert patch["metadata"]["labels"] == {"app": None, "pod-template-hash": None, ISOLATED_LABEL: "true"}
    record = json.loads(patch["metadata"]["annotations"][ISOLATED_ANNOTATION])
    assert record == {"owner": {"kind": "ReplicaSet", "name": "o"}, "labels": found.remove, "services": ["web"]}
    result = result_of(found, True, target["metadata"]["labels"])
    assert result["labels"] == {ISOLATED_LABEL: "true", "tier": "frontend"} and result["changed"] is True


def test_match_expressions_in_and_exists_count_but_not_notin():
    target = pod(labels=dict(LABELS), owner="ReplicaSet")
    rs = replica_set({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend"]},
                                           {"key": "app", "operator": "Exists"},
                                           {"key": "track", "operator": "NotIn", "values": ["canary"]}]})
    assert _plan.plan(target, rs, []).remove == {"app": "web", "tier": "frontend"}


def test_a_pod_isolated_before_changes_nothing_and_reports_what_was_done_then():
    first = _plan.plan(pod(labels=dict(LABELS), owner="ReplicaSet"), replica_set({"matchLabels": {"app": "web"}}), [])
    labels = {"tier": "frontend", ISOLATED_LABEL: "true"}
    annotations = first.patch()["metadata"]["annotations"]
    # By then the ReplicaSet has released it: no owner any more, which would otherwise be a bare pod.
    again = _plan.plan(pod(labels=labels, annotations=annotations), None, [])
    assert again.already and again.refused is None
    assert again.remove == {"app": "web"} and again.owner == {"kind": "ReplicaSet", "name": "o"}
    assert result_of(again, False, labels) == {
        "changed": False, "namespace": "shop", "pod": "web", "owner": {"kind": "ReplicaSet", "name": "o"},
        "labels_removed": {"app": "web"}, "services": [], "labels": labels, "patch": None}


@pytest.mark.parametrize("owner, terminating, annotations, words", [
    ("StatefulSet", False, None, "belongs to StatefulSet o: its replacement would need the same name (web)"),
    (None, False, None, "is a bare pod: nothing would start a replacement"),
    ("DaemonSet", False, None, "is owned by DaemonSet o; only ReplicaSet (Deployment) pods can be isolated"),
    ("Job", False, None, "is owned by Job o"),
    ("ReplicaSet", True, None, "is terminating"),
    ("Node", False, {"kubernetes.io/config.mirror": "x"}, "static (mirror) pod"),
])
def test_refusals_name_the_reason(owner, terminating, annotations, words):
    found = _plan.plan(pod(labels=dict(LABELS), owner=owner, terminating=terminating, annotations=annotations),
                       replica_set({"matchLabels": {"app": "web"}}), [])
    assert found.refused and words in found.refused and found.remove == {}


def test_a_replicaset_selector_the_pod_has_no_label_of_is_refused():
    found = _plan.plan(pod(labels={"x": "1"}, owner="ReplicaSet"), replica_set({"matchExpressions": [
        {"key": "app", "operator": "Exists"}]}), [])
    assert "uses no label the pod has" in found.refused


def test_cleanup_deletes_an_isolated_pod_without_delete_bare_pods():
    isolated = pod(labels={ISOLATED_LABEL: "true"}, ephemeral=["thread-dump-r1"])
    assert decide(isolated, delete_bare_pods=False) == (DELETE, None)
    bare = pod(labels={"app": "web"}, ephemeral=["thread-dump-r1"])
    assert decide(bare, delete_bare_pods=False)[0] == NONE
    found = candidates([isolated], {"run_id": "r1"}, datetime.datetime.now(datetime.timezone.utc))
    assert [c.action for c in found] == [DELETE]


def _run(monkeypatch, target: dict, check_mode: bool = False, *answers):
    recorder = Recorder(target, *answers)
    monkeypatch.setattr(_rest, "request_json", recorder)
    selection = Selection(namespace="shop", pod="web")
    return recorder, lambda: _isolate.run(None, selection, {"field_manager": "kubedebug.ephemeral"}, check_mode, diff_mode=True)


@pytest.mark.parametrize("owner", ["StatefulSet", None])
def test_a_refusal_reads_the_pod_only_and_writes_nothing(monkeypatch, owner):
    recorder, run = _run(monkeypatch, pod(labels=dict(LABELS), owner=owner))
    with pytest.raises(KubedebugError, match="Nothing was changed: pod shop/web") as raised:
        run()
    assert raised.value.result["refused"] is True
    assert [call[0] for call in recorder.calls] == ["GET"]


def test_check_mode_reads_and_shows_the_change_without_a_patch(monkeypatch):
    rs = replica_set({"matchLabels": {"app": "web", "pod-template-hash": "7d9c6b5f4"}})
    recorder, run = _run(monkeypatch, pod(labels=dict(LABELS), owner="ReplicaSet"), True, rs, {"items": [service("web", {"app": "web"})]})
    result, failure = run()
    assert failure is None and result["changed"] is True and result["patch"]["metadata"]["labels"][ISOLATED_LABEL] == "true"
    assert result["diff"]["after"]["labels"] == {ISOLATED_LABEL: "true", "tier": "frontend"}
    assert [call[0] for call in recorder.calls] == ["GET", "GET", "GET"]


def test_the_patch_is_conditional_on_the_pods_resource_version(monkeypatch):
    rs = replica_set({"matchLabels": {"app": "web"}})
    target = pod(labels=dict(LABELS), owner="ReplicaSet", resource_version="42")
    recorder, run = _run(monkeypatch, target, False, rs, {"items": []}, {})
    result, _failure = run()
    method, path, kwargs = recorder.calls[-1]
    assert (method, path) == ("PATCH", "/api/v1/namespaces/shop/pods/web") and result["changed"]
    assert kwargs["body"]["metadata"]["resourceVersion"] == "42"
    assert kwargs["content_type"] == "application/merge-patch+json"
    assert kwargs["body"]["metadata"]["labels"] == {"app": None, ISOLATED_LABEL: "true"}


def test_an_isolated_pod_is_read_and_left_alone(monkeypatch):
    first = _plan.plan(pod(labels=dict(LABELS), owner="ReplicaSet"), replica_set({"matchLabels": {"app": "web"}}), [])
    isolated = pod(labels={"tier": "frontend", ISOLATED_LABEL: "true"}, annotations=first.patch()["metadata"]["annotations"])
    for check_mode in (False, True):
        recorder, run = _run(monkeypatch, isolated, check_mode)
        result, _failure = run()
        assert result["changed"] is False and [call[0] for call in recorder.calls] == ["GET"]
