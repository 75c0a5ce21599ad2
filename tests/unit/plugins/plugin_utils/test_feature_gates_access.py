# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The permissions a feature_gates run checks with ``kubectl auth can-i`` before it writes anything: exactly those
the steps it will run need, each with the can-i arguments that ask for it."""

from __future__ import annotations

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.access import can_i_args, needs

INFO = {"kube-apiserver": {"namespace": "kube-system"}, "kube-scheduler": {"namespace": "kube-system"}}


def asked(wanted: list[dict]) -> list[tuple[str, str, str]]:
    return [(n["verb"], n["resource"], n["namespace"]) for n in wanted]


def test_every_step_names_what_it_needs() -> None:
    wanted = needs(["kubelet", "kube-apiserver", "kubeadm_configmap"], "mirror_pod", True, True, INFO)
    assert asked(wanted) == [("get", "pods", "kube-system"), ("get", "nodes/proxy", ""),
                             ("get", "configmaps", "kube-system"), ("patch", "configmaps", "kube-system")]
    assert all(n["why"] for n in wanted)


def test_nothing_is_asked_for_steps_that_do_not_run() -> None:
    # The kubelet alone reads nothing through the API unless configz is verified; the command wait reads no pod;
    # the ConfigMap step runs only with feature_gates_kubeadm_configmap.
    assert needs(["kubelet"], "mirror_pod", False, False, {}) == []
    assert needs(["kube-apiserver"], "command", False, False, INFO) == []
    assert needs(["kubeadm_configmap"], "mirror_pod", False, False, {}) == []


def test_mirror_pods_are_read_in_their_namespace() -> None:
    wanted = needs(["kube-scheduler"], "mirror_pod", False, False, {"kube-scheduler": {"namespace": "control"}})
    assert asked(wanted) == [("get", "pods", "control")]
    assert asked(needs(["kube-scheduler"], "mirror_pod", False, False, {})) == [("get", "pods", "kube-system")]


def test_can_i_arguments() -> None:
    assert can_i_args("get", "nodes/proxy", "") == ["auth", "can-i", "get", "nodes", "--subresource", "proxy"]
    assert can_i_args("patch", "configmaps", "kube-system") == ["auth", "can-i", "patch", "configmaps", "-n", "kube-system"]
    assert needs(["kubelet"], "mirror_pod", True, False, {})[0]["can_i"] == can_i_args("get", "nodes/proxy", "")


def test_listing_every_pod_asks_in_all_namespaces() -> None:
    wanted = needs(["kubelet"], "mirror_pod", False, False, {}, list_all_pods=True)
    assert asked(wanted) == [("list", "pods", "*")]
    assert wanted[0]["can_i"] == ["auth", "can-i", "list", "pods", "--all-namespaces"]
    assert needs(["kubeadm_configmap"], "mirror_pod", False, False, {}, list_all_pods=True) == []
