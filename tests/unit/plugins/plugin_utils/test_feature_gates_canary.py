# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.canary import compare, restarts
from ansible_collections.kubedebug.ephemeral.tests.unit import pod_factories


def pod(name: str, uid: str, counts: dict[str, int], namespace: str = "default", waiting: str = "",
        init: dict[str, int] | None = None) -> dict:
    """A pod whose containers (and init containers) have these restart counts, all waiting for ``waiting`` if set."""
    def statuses(values: dict[str, int]) -> list[dict]:
        return [{"name": c, "restartCount": n, "state": {"waiting": {"reason": waiting}} if waiting else {"running": {}}}
                for c, n in values.items()]
    return pod_factories.pod(name, namespace, uid=uid, container_statuses=statuses(counts),
                             init_container_statuses=statuses(init) if init else None)


def listing(*pods: dict) -> str:
    return json.dumps({"kind": "List", "items": list(pods)})


def test_no_restart_no_message() -> None:
    before = restarts(listing(pod("web", "u1", {"app": 0, "sidecar": 2})))
    assert compare(before, listing(pod("web", "u1", {"app": 0, "sidecar": 2}))) == {
        "restarted": [], "expected": [], "message": ""}


def test_a_restart_names_the_pod_container_and_counts() -> None:
    before = restarts(listing(pod("web", "u1", {"app": 0}), pod("db", "u2", {"db": 1})))
    result = compare(before, listing(pod("web", "u1", {"app": 1}), pod("db", "u2", {"db": 1})))
    assert result["restarted"] == ["default/web (container app restarts 0 -> 1)"]
    assert "default/web (container app restarts 0 -> 1)" in result["message"]
    assert "the rollout stops here" in result["message"] and "k/k #122028" in result["message"]


def test_init_containers_count_too() -> None:
    before = restarts(listing(pod("web", "u1", {"app": 0}, init={"setup": 0})))
    result = compare(before, listing(pod("web", "u1", {"app": 0}, init={"setup": 1})))
    assert result["restarted"] == ["default/web (container setup restarts 0 -> 1)"]


def test_the_swapped_static_pods_replacement_is_no_restart() -> None:
    """The kubelet makes a new mirror pod (new UID) for the new manifest; its counts start again."""
    before = restarts(listing(pod("kube-apiserver-cp1", "old", {"kube-apiserver": 3}, "kube-system")))
    after = listing(pod("kube-apiserver-cp1", "new", {"kube-apiserver": 5}, "kube-system"))
    assert compare(before, after)["restarted"] == []


def test_a_pod_crash_looping_before_is_not_blamed() -> None:
    before = restarts(listing(pod("flaky", "u1", {"app": 7}, waiting="CrashLoopBackOff")))
    assert compare(before, listing(pod("flaky", "u1", {"app": 8}, waiting="CrashLoopBackOff")))["restarted"] == []


def test_expected_restarts_are_reported_not_blamed() -> None:
    before = restarts(listing(pod("kube-scheduler-cp1", "s", {"kube-scheduler": 0}, "kube-system")))
    result = compare(before, listing(pod("kube-scheduler-cp1", "s", {"kube-scheduler": 1}, "kube-system")),
                     ["kube-system/kube-scheduler-cp1"])
    assert result == {"restarted": [], "message": "",
                      "expected": ["kube-system/kube-scheduler-cp1 (container kube-scheduler restarts 0 -> 1)"]}


def test_new_and_gone_pods_are_ignored() -> None:
    before = restarts(listing(pod("gone", "u1", {"app": 0})))
    assert compare(before, listing(pod("new", "u2", {"app": 4})))["restarted"] == []


@pytest.mark.parametrize("text", ["", "not json", "[]", "null", json.dumps({"items": None})])
def test_unreadable_listings_are_empty(text: str) -> None:
    assert restarts(text) == {}
