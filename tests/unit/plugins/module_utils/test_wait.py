# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import status as _status
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import watch as _watch
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.tests.unit.pod_factories import pod

RUNNING = {"name": "dbg", "state": {"running": {"startedAt": "2026-01-01T00:00:01Z"}}, "ready": False, "restartCount": 0,
           "image": "docker.io/library/busybox:1.36", "imageID": "sha256:abc", "containerID": "containerd://123"}
TERMINATED = {
    "name": "dbg", "ready": False, "restartCount": 0,
    "state": {"terminated": {"exitCode": 3, "reason": "Error", "startedAt": "s", "finishedAt": "f", "containerID": "containerd://123"}},
}
PULL_BACKOFF = {"name": "dbg", "state": {"waiting": {"reason": "ImagePullBackOff", "message": 'Back-off pulling image "nope:1"'}}}
CREATING = {"name": "dbg", "state": {"waiting": {"reason": "ContainerCreating"}}}
INVALID = {"name": "dbg", "state": {"waiting": {"reason": "InvalidImageName", "message": "bad ref"}}}


@pytest.mark.parametrize("status, wait_for, done", [
    (None, "running", False),
    (CREATING, "running", False),
    (PULL_BACKOFF, "running", False),
    (RUNNING, "running", True),
    (TERMINATED, "running", True),  # a short command may be done before we look
    (RUNNING, "terminated", False),
    (TERMINATED, "terminated", True),
    ({"name": "dbg", "state": {}}, "running", False),
])
def test_is_done(status, wait_for, done):
    assert _status.is_done(status, wait_for) is done


def test_container_status_finds_by_name():
    the_pod = pod(statuses=[dict(RUNNING, name="other"), TERMINATED])
    assert _status.container_status(the_pod, "dbg") is TERMINATED
    assert _status.container_status(the_pod, "missing") is None
    assert _status.container_status({"status": {}}, "dbg") is None


def test_is_fatal_only_for_unrecoverable_reasons():
    assert _status.is_fatal(INVALID) and not _status.is_fatal(PULL_BACKOFF) and not _status.is_fatal(None)


@pytest.mark.parametrize("reason", ["ErrImagePull", "ImagePullBackOff"])
def test_a_failed_pull_is_fatal_only_when_asked(reason):
    status = {"name": "dbg", "state": {"waiting": {"reason": reason}}}
    assert _status.is_fatal(status, pull_errors_fatal=True) and not _status.is_fatal(status)
    assert not _status.is_fatal(CREATING, pull_errors_fatal=True)


def test_summarize():
    assert _status.summarize(None) is None
    assert _status.summarize(TERMINATED) == {
        "state": "terminated", "reason": "Error", "message": None, "exit_code": 3, "signal": None, "started_at": "s",
        "finished_at": "f", "container_id": "containerd://123", "image": None, "image_id": None, "ready": False, "restart_count": 0,
    }
    running = _status.summarize(RUNNING)
    assert (running["state"], running["started_at"], running["container_id"], running["image"]) == (
        "running", "2026-01-01T00:00:01Z", "containerd://123", "docker.io/library/busybox:1.36")


def test_explanations():
    assert "kubelet's EphemeralContainers feature gate" in _watch.pending_explanation(None, "running")
    assert "ImagePullBackOff: Back-off pulling image" in _watch.pending_explanation(PULL_BACKOFF, "running")
    assert "still running" in _watch.pending_explanation(RUNNING, "terminated")
    assert "still waiting (ContainerCreating)" in _watch.pending_explanation(CREATING, "running")
    message = _watch.timeout_message({_watch.Target("shop", "web", "dbg"): None}, "running", 30)
    assert message.startswith("Timed out after 30 s waiting for 1 ephemeral container(s) to be running.")
    assert "shop/web container 'dbg'" in message and "never reported a status" in message


class FakeStream:
    def __init__(self, events):
        self.data = b""
        self._lines = [json.dumps(e).encode() + b"\n" for e in events]
        self.closed = False

    def stream(self, amt=None, decode_content=False):
        yield from self._lines

    def close(self):
        self.closed = True

    def release_conn(self):
        pass


class FakeCluster:
    """LIST answers with the current pods; each WATCH replays the next scripted batch of events."""

    def __init__(self, pods, watch_batches):
        self.pods = {p["metadata"]["name"]: p for p in pods}
        self.batches = list(watch_batches)
        self.watch_queries = []
        self.streams = []

    def each_listed_pod(self, api_client, namespace, label_selector, field_selector, each):
        names = list(self.pods)
        if field_selector.startswith("metadata.name="):
            names = [n for n in names if n == field_selector.split("=", 1)[1]]
        for name in names:
            each(json.loads(json.dumps(self.pods[name])))
        return "100"

    def open_response(self, api_client, method, path, query=None, **kwargs):
        self.watch_queries.append(dict(query))
        events = self.batches.pop(0) if self.batches else []
        for event in events:
            if event["type"] in ("MODIFIED", "ADDED"):
                self.pods[event["object"]["metadata"]["name"]] = event["object"]
        stream = FakeStream(events)
        self.streams.append(stream)
        return stream


@pytest.fixture
def cluster(monkeypatch):
    def make(pods, batches):
        fake = FakeCluster(pods, batches)
        monkeypatch.setattr(_watch, "each_listed_pod", fake.each_listed_pod)
        monkeypatch.setattr(_rest, "open_response", fake.open_response)
        return fake
    return make


def test_wait_one_pod_through_a_watch(cluster):
    fake = cluster([pod()], [[{"type": "MODIFIED", "object": pod(statuses=[CREATING])},
                              {"type": "MODIFIED", "object": pod(statuses=[RUNNING])}]])
    result = _watch.wait_for_containers(None, [_watch.Target("shop", "web", "dbg")], "running", 30)
    assert result[_watch.Target("shop", "web", "dbg")] == RUNNING
    assert fake.watch_queries[0]["fieldSelector"] == "metadata.name=web"
    assert fake.watch_queries[0]["resourceVersion"] == "100"
    assert fake.streams[0].closed


def test_already_done_needs_no_watch(cluster):
    fake = cluster([pod(statuses=[TERMINATED])], [])
    result = _watch.wait_for_containers(None, [_watch.Target("shop", "web", "dbg")], "terminated", 30)
    assert result[_watch.Target("shop", "web", "dbg")] == TERMINATED and fake.watch_queries == []


def test_many_pods_one_watch_with_the_label_selector(cluster):
    fake = cluster([pod("a"), pod("b")], [[{"type": "MODIFIED", "object": pod("a", statuses=[RUNNING])},
                                           {"type": "MODIFIED", "object": pod("b", statuses=[TERMINATED])}]])
    targets = [_watch.Target("shop", "a", "dbg"), _watch.Target("shop", "b", "dbg")]
    result = _watch.wait_for_containers(None, targets, "running", 30, label_selector="app=web")
    assert set(result) == set(targets)
    assert len(fake.watch_queries) == 1 and fake.watch_queries[0]["labelSelector"] == "app=web"


class Clock:
    def __init__(self, step):
        self.now, self.step = 0.0, step

    def __call__(self):
        self.now += self.step
        return self.now


def test_timeout_without_status_blames_the_kubelet_gate(cluster):
    cluster([pod()], [[], [], []])
    with pytest.raises(_watch.WaitTimeout) as info:
        _watch.wait_for_containers(None, [_watch.Target("shop", "web", "dbg")], "running", 10, clock=Clock(4))
    assert "never reported a status" in info.value.msg and "feature gate" in info.value.msg
    assert info.value.statuses == {_watch.Target("shop", "web", "dbg"): None}


def test_timeout_while_pulling_says_so(cluster):
    cluster([pod(statuses=[PULL_BACKOFF])], [[], [], []])
    with pytest.raises(_watch.WaitTimeout, match="ImagePullBackOff: Back-off pulling image"):
        _watch.wait_for_containers(None, [_watch.Target("shop", "web", "dbg")], "running", 10, clock=Clock(4))


def test_a_pull_error_fails_in_seconds_when_pull_errors_are_fatal(cluster):
    cluster([pod()], [[{"type": "MODIFIED", "object": pod(statuses=[PULL_BACKOFF])}]])
    clock = Clock(1)
    with pytest.raises(_watch.WaitFailed) as info:
        _watch.wait_for_containers(None, [_watch.Target("shop", "web", "dbg")], "running", 120, clock=clock, pull_errors_fatal=True)
    assert not isinstance(info.value, _watch.WaitTimeout)
    assert info.value.msg == ("1 ephemeral container(s) cannot start: shop/web container 'dbg': it is waiting with "
                              "ImagePullBackOff: Back-off pulling image \"nope:1\"")
    assert info.value.statuses == {_watch.Target("shop", "web", "dbg"): PULL_BACKOFF}
    assert clock.now < 10


def test_a_container_that_cannot_start_does_not_stop_the_wait_for_the_others(cluster):
    fake = cluster([pod("a"), pod("b")], [[{"type": "MODIFIED", "object": pod("a", statuses=[INVALID])}],
                                          [{"type": "MODIFIED", "object": pod("b", statuses=[TERMINATED])}]])
    targets = [_watch.Target("shop", "a", "dbg"), _watch.Target("shop", "b", "dbg")]
    with pytest.raises(_watch.WaitFailed) as info:
        _watch.wait_for_containers(None, targets, "terminated", 30, label_selector="app=web")
    assert info.value.statuses == {targets[0]: INVALID, targets[1]: TERMINATED}
    assert info.value.msg.startswith("1 ephemeral container(s) cannot start: shop/a container 'dbg'")
    assert len(fake.watch_queries) == 2


def test_invalid_image_fails_at_once(cluster):
    cluster([pod()], [[{"type": "MODIFIED", "object": pod(statuses=[INVALID])}]])
    with pytest.raises(KubedebugError, match="InvalidImageName"):
        _watch.wait_for_containers(None, [_watch.Target("shop", "web", "dbg")], "running", 30)


def test_deleted_pod(cluster):
    cluster([pod()], [[{"type": "DELETED", "object": pod()}]])
    with pytest.raises(KubedebugError, match="was deleted while waiting"):
        _watch.wait_for_containers(None, [_watch.Target("shop", "web", "dbg")], "running", 30)


def test_watch_error_event_relists(cluster):
    fake = cluster([pod()], [[{"type": "ERROR", "object": {"kind": "Status", "code": 410}}],
                             [{"type": "MODIFIED", "object": pod(statuses=[RUNNING])}]])
    _watch.wait_for_containers(None, [_watch.Target("shop", "web", "dbg")], "running", 30)
    assert len(fake.watch_queries) == 2


class BrokenStream(FakeStream):
    """A watch whose connection drops after its events (the apiserver was killed)."""

    def stream(self, amt=None, decode_content=False):
        yield from self._lines
        from urllib3.exceptions import ProtocolError
        raise ProtocolError("Connection broken: IncompleteRead(0 bytes read)")


def test_a_broken_watch_lists_again_and_goes_on(cluster, monkeypatch):
    fake = cluster([pod()], [[], [{"type": "MODIFIED", "object": pod(statuses=[RUNNING])}]])
    first_open = fake.open_response

    def open_broken_once(*args, **kwargs):
        stream = first_open(*args, **kwargs)
        return BrokenStream([]) if len(fake.streams) == 1 else stream

    monkeypatch.setattr(_rest, "open_response", open_broken_once)
    result = _watch.wait_for_containers(None, [_watch.Target("shop", "web", "dbg")], "running", 30, sleep=lambda s: None)
    assert result[_watch.Target("shop", "web", "dbg")] == RUNNING
    assert len(fake.watch_queries) == 2


def test_an_apiserver_that_restarts_while_waiting_is_waited_for(cluster, monkeypatch):
    fake = cluster([pod(statuses=[RUNNING])], [])
    listed = fake.each_listed_pod
    calls = []

    def unreachable_twice(*args, **kwargs):
        calls.append(1)
        if len(calls) <= 2:
            raise KubedebugError("Could not reach the Kubernetes API server: refused", status=0)
        return listed(*args, **kwargs)

    monkeypatch.setattr(_watch, "each_listed_pod", unreachable_twice)
    slept = []
    result = _watch.wait_for_containers(None, [_watch.Target("shop", "web", "dbg")], "running", 30, sleep=slept.append)
    assert result[_watch.Target("shop", "web", "dbg")] == RUNNING and len(slept) == 2


def test_an_apiserver_that_stays_away_ends_the_wait_with_its_error(cluster, monkeypatch):
    cluster([pod()], [])

    def unreachable(*args, **kwargs):
        raise KubedebugError("Could not reach the Kubernetes API server: refused", status=0)

    monkeypatch.setattr(_watch, "each_listed_pod", unreachable)
    times = iter([0.0, 0.0, 5.0, 31.0, 31.0, 31.0])
    with pytest.raises(_watch.WaitFailed, match="Could not reach"):
        _watch.wait_for_containers(None, [_watch.Target("shop", "web", "dbg")], "running", 30,
                                   clock=lambda: next(times), sleep=lambda s: None)


def test_a_seeded_wait_watches_from_the_given_version_without_a_list(cluster, monkeypatch):
    fake = cluster([pod()], [[{"type": "BOOKMARK", "object": {"kind": "Pod", "metadata": {"resourceVersion": "120"}}},
                              {"type": "MODIFIED", "object": pod(statuses=[RUNNING])}]])
    monkeypatch.setattr(_watch, "each_listed_pod", lambda *a, **k: pytest.fail("listed again"))
    target = _watch.Target("shop", "web", "dbg")
    result = _watch.wait_for_containers(None, [target], "running", 30, seen={target: CREATING}, resource_version="77")
    assert result[target] == RUNNING
    assert fake.watch_queries[0]["resourceVersion"] == "77" and fake.watch_queries[0]["allowWatchBookmarks"] == "true"


def test_seeded_targets_already_done_cost_no_request(cluster, monkeypatch):
    fake = cluster([pod(statuses=[TERMINATED])], [])
    monkeypatch.setattr(_watch, "each_listed_pod", lambda *a, **k: pytest.fail("listed"))
    target = _watch.Target("shop", "web", "dbg")
    assert _watch.wait_for_containers(None, [target], "terminated", 30, seen={target: TERMINATED}, resource_version="7") == {
        target: TERMINATED}
    assert fake.watch_queries == []


def test_a_seeded_fatal_status_fails_at_once(cluster):
    cluster([pod()], [])
    target = _watch.Target("shop", "web", "dbg")
    with pytest.raises(_watch.WaitFailed, match="InvalidImageName"):
        _watch.wait_for_containers(None, [target], "running", 30, seen={target: INVALID}, resource_version="7")


def test_a_watch_that_ends_goes_on_from_its_last_version_without_a_list(cluster, monkeypatch):
    fake = cluster([pod()], [[{"type": "MODIFIED", "object": dict(pod(statuses=[CREATING]), metadata={
        "name": "web", "namespace": "shop", "resourceVersion": "130"})}],
        [{"type": "MODIFIED", "object": pod(statuses=[RUNNING])}]])
    lists = []
    listed = fake.each_listed_pod
    monkeypatch.setattr(_watch, "each_listed_pod", lambda *a, **k: lists.append(1) or listed(*a, **k))
    target = _watch.Target("shop", "web", "dbg")
    _watch.wait_for_containers(None, [target], "running", 30)
    assert len(lists) == 1  # only the first, unseeded start
    assert [q["resourceVersion"] for q in fake.watch_queries] == ["100", "130"]
