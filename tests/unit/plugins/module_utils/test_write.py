# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The guarded write: what happens when the list changed under us, or the connection broke. The
real apiserver proves the races (tests/integration/test_reliability.py); these pin each branch."""

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import ERA_EPHEMERAL_CONTAINERS, ERA_POD
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import write as _write
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.module_utils.recorder import Recorder, api_error
from ansible_collections.kubedebug.ephemeral.tests.unit.pod_factories import pod

EC = {"name": "debugger-1", "image": "busybox:1.36", "command": ["sh"]}
STORED = dict(EC, imagePullPolicy="IfNotPresent", terminationMessagePath="/dev/termination-log", terminationMessagePolicy="File")
OTHER = {"name": "other", "image": "busybox:1.36"}
STALE = "the server rejected our request due to an error in our request"


def add(recorder, monkeypatch, era=ERA_POD, before=(), dry_run=False, clock=None):
    monkeypatch.setattr(_rest, "request_json", recorder)
    return _write.add_container(None, era, "shop", "web", EC, list(before), dry_run=dry_run,
                                clock=clock or (lambda: 0.0), sleep=lambda seconds: None)


def test_a_json_patch_with_a_test_of_the_list_read(monkeypatch):
    recorder = Recorder(pod(ephemeral=[OTHER, STORED]))
    written = add(recorder, monkeypatch, before=[OTHER])
    assert (written.created, written.stored, written.attempts) == (True, STORED, 1)
    method, path, kwargs = recorder.calls[0]
    assert (method, path, kwargs["content_type"]) == ("PATCH", "/api/v1/namespaces/shop/pods/web/ephemeralcontainers",
                                                      "application/json-patch+json")
    assert kwargs["body"][1] == {"op": "test", "path": "/spec/ephemeralContainers/1/name", "value": "debugger-1"}
    assert kwargs["query"] == []


def test_dry_run_and_its_era(monkeypatch):
    recorder = Recorder(pod(ephemeral=[STORED]))
    add(recorder, monkeypatch, dry_run=True)
    assert recorder.calls[0][2]["query"] == [("dryRun", "All")]
    nothing = Recorder()
    with pytest.raises(KubedebugError, match="only used with the Pod-kind API"):
        add(nothing, monkeypatch, era=ERA_EPHEMERAL_CONTAINERS, dry_run=True)
    assert nothing.calls == []


def test_a_stale_list_is_read_again_and_the_write_retried_on_it(monkeypatch):
    recorder = Recorder(api_error(422, STALE), pod(ephemeral=[OTHER]), pod(ephemeral=[OTHER, STORED]))
    written = add(recorder, monkeypatch)
    assert written.created is True and written.attempts == 2 and written.before == [OTHER]
    assert [call[0] for call in recorder.calls] == ["PATCH", "GET", "PATCH"]
    assert recorder.calls[2][2]["body"][1]["path"] == "/spec/ephemeralContainers/1/name"


def test_a_container_someone_else_added_meanwhile_is_found_not_added_twice(monkeypatch):
    recorder = Recorder(api_error(422, STALE), pod(ephemeral=[OTHER, STORED]))
    written = add(recorder, monkeypatch)
    assert (written.created, written.uncertain, written.stored, written.before) == (False, False, STORED, [OTHER])
    assert [call[0] for call in recorder.calls] == ["PATCH", "GET"]


def test_after_a_broken_connection_a_container_found_is_reported_as_ours_but_uncertain(monkeypatch):
    recorder = Recorder(api_error(0, "ProtocolError: Connection aborted"), pod(ephemeral=[STORED]))
    written = add(recorder, monkeypatch)
    assert (written.created, written.uncertain) == (True, True)


def test_a_restarting_apiserver_is_waited_for(monkeypatch):
    refused = api_error(0, "MaxRetryError: Connection refused")
    recorder = Recorder(refused, refused, refused, pod(), pod(ephemeral=[STORED]))
    written = add(recorder, monkeypatch)
    assert written.created is True
    assert [call[0] for call in recorder.calls] == ["PATCH", "GET", "PATCH", "GET", "PATCH"]


def test_it_gives_up_at_the_deadline_with_the_last_error(monkeypatch):
    times = iter([0.0, 10.0, 61.0])
    with pytest.raises(KubedebugError, match="Could not reach the Kubernetes API server"):
        add(Recorder(api_error(0, "refused"), pod(), api_error(0, "refused")), monkeypatch, clock=lambda: next(times))


@pytest.mark.parametrize("code,message,details", [
    (403, "forbidden", {}),
    (422, 'Pod "web" is invalid: spec.ephemeralContainers[0].image', {"name": "web", "kind": "pods", "causes": [
        {"field": "spec.ephemeralContainers[0].image", "message": "Required value"}]}),
])
def test_other_refusals_are_not_retried(monkeypatch, code, message, details):
    recorder = Recorder(api_error(code, message, details=details))
    with pytest.raises(KubedebugError):
        add(recorder, monkeypatch)
    assert len(recorder.calls) == 1


def test_a_refusal_with_the_list_unchanged_is_not_staleness(monkeypatch):
    recorder = Recorder(api_error(422, STALE, "Invalid"), pod(ephemeral=[OTHER]))
    with pytest.raises(KubedebugError, match="rejected the ephemeral container"):
        add(recorder, monkeypatch, before=[OTHER])
    assert [call[0] for call in recorder.calls] == ["PATCH", "GET"]


def test_the_ephemeral_containers_kind_gets_the_servers_defaults_sent_and_the_pod_kind_does_not():
    """A real 1.16.15 and 1.18.19 refuse a container without imagePullPolicy and terminationMessagePolicy."""
    container = {"name": "probe", "image": "busybox:1.36", "command": ["ps"]}
    legacy = _write.patch_body(ERA_EPHEMERAL_CONTAINERS, container, [])[0]["value"]
    assert legacy == {**container, "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File",
                      "terminationMessagePath": "/dev/termination-log"}
    latest = _write.patch_body(ERA_EPHEMERAL_CONTAINERS, {"name": "x", "image": "busybox"}, [container])[0]["value"]
    assert latest["imagePullPolicy"] == "Always"
    assert _write.patch_body(ERA_POD, container, [])[1]["value"] == [container]
    assert container == {"name": "probe", "image": "busybox:1.36", "command": ["ps"]}  # the caller's dict untouched
