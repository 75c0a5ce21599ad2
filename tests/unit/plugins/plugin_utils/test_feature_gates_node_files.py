# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which node files a feature_gates run looks at before it changes anything, and which of them the user the play
runs as cannot reach (the run without become)."""

from __future__ import annotations

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.node_files import out_of_reach, wanted

MANIFESTS, KUBELET, KUBECONFIG = "/etc/kubernetes/manifests", "/var/lib/kubelet/config.yaml", "/etc/kubernetes/admin.conf"


def stat_result(path: str, write: bool, exists: bool = True, readable: bool = True, writeable: bool = True) -> dict:
    """One item of a stat task looped over wanted(), as Ansible registers it."""
    return {"item": {"path": path, "write": write},
            "stat": {"exists": exists, "readable": readable, "writeable": writeable} if exists else {"exists": False}}


def test_wanted_follows_the_components_of_the_call() -> None:
    assert wanted(MANIFESTS, KUBELET, KUBECONFIG, True, True) == [
        {"path": MANIFESTS, "write": True}, {"path": KUBELET, "write": True}, {"path": KUBECONFIG, "write": False}]
    assert wanted(MANIFESTS, KUBELET, KUBECONFIG, False, True) == [
        {"path": KUBELET, "write": True}, {"path": KUBECONFIG, "write": False}]
    # The ConfigMap play: only the kubeconfig; no kubeconfig set, nothing at all.
    assert wanted(MANIFESTS, KUBELET, KUBECONFIG, False, False) == [{"path": KUBECONFIG, "write": False}]
    assert wanted(MANIFESTS, KUBELET, "", False, False) == []


def test_root_reaches_everything() -> None:
    results = [stat_result(MANIFESTS, True), stat_result(KUBELET, True), stat_result(KUBECONFIG, False)]
    assert out_of_reach(results, check_mode=False) == []


def test_a_user_without_become_is_refused_what_kubeadm_keeps_for_root() -> None:
    results = [stat_result(MANIFESTS, True, writeable=False), stat_result(KUBELET, True, writeable=False),
               stat_result(KUBECONFIG, False, readable=False, writeable=False)]
    assert out_of_reach(results, check_mode=False) == [MANIFESTS, KUBELET, KUBECONFIG]


def test_check_mode_needs_only_reading() -> None:
    results = [stat_result(MANIFESTS, True, writeable=False), stat_result(KUBELET, True, readable=False)]
    assert out_of_reach(results, check_mode=True) == [KUBELET]


def test_a_kubeconfig_is_only_read() -> None:
    assert out_of_reach([stat_result(KUBECONFIG, False, writeable=False)], check_mode=False) == []


def test_missing_paths_are_left_to_the_checks_that_name_them() -> None:
    assert out_of_reach([stat_result(MANIFESTS, True, exists=False)], check_mode=False) == []


def test_a_path_stat_could_not_look_at_is_refused() -> None:
    # stat under a directory the user may not enter: Ansible registers the failure (failed_when: false) with no stat.
    denied = {"item": {"path": KUBELET, "write": True}, "failed": False, "msg": "Permission denied"}
    assert out_of_reach([denied, stat_result(KUBECONFIG, False)], check_mode=True) == [KUBELET]
