# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.layout import detect
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.plugin_utils.feature_gates_fixtures import fixture

MDIR = "/etc/kubernetes/manifests"


def read(name: str) -> str:
    return fixture("manifests", name)


def facts(files: dict[str, str], components=("kube-apiserver", "kube-scheduler"), **extra) -> dict:
    out = {
        "manifests_dir": MDIR, "manifests_dir_exists": True, "components": list(components),
        "entries": [{"path": "%s/%s" % (MDIR, n), "isdir": False} for n in files],
        "manifests": files, "markers": {},
    }
    out.update(extra)
    return out


KUBEADM = {"kube-apiserver.yaml": read("kube-apiserver-noflag.yaml"), "kube-scheduler.yaml": read("kube-scheduler.yaml"),
           "etcd.yaml": "kind: Pod\nmetadata: {name: etcd, namespace: kube-system, labels: {component: etcd}}\n"}


def test_kubeadm_ok() -> None:
    result = detect(facts(KUBEADM))
    assert result["ok"] and result["layout"] == "kubeadm"
    assert result["static_pods"] == {"kube-apiserver": "kube-apiserver.yaml", "kube-scheduler": "kube-scheduler.yaml"}


def test_dot_files_and_dirs_are_ignored() -> None:
    f = facts(KUBEADM)
    f["entries"] += [{"path": MDIR + "/.ansible_tmpabc", "isdir": False}, {"path": MDIR + "/old", "isdir": True}]
    assert detect(f)["ok"]


@pytest.mark.parametrize("name", ["kube-apiserver.yaml.bak", "kube-apiserver.yaml.orig", "kube-apiserver.yaml~",
                                  "kube-apiserver.backup", "kube-apiserver.yaml.1234.2024-01-01@10:00:00~",
                                  "kube-apiserver.yaml.20240101", "notes.txt", "README"])
def test_backup_looking_files_are_refused(name: str) -> None:
    files = dict(KUBEADM, **{name: KUBEADM["kube-apiserver.yaml"]})
    result = detect(facts(files))
    assert not result["ok"]
    assert name in result["message"] and "non-dot file" in result["message"]


def test_second_static_pod_for_same_component_is_refused() -> None:
    files = dict(KUBEADM, **{"apiserver-copy.yaml": KUBEADM["kube-apiserver.yaml"]})
    result = detect(facts(files))
    assert not result["ok"]
    assert "same static pod kube-system/kube-apiserver" in result["message"]


def test_second_component_under_other_name_is_refused() -> None:
    other = KUBEADM["kube-apiserver.yaml"].replace("  name: kube-apiserver\n  namespace", "  name: apiserver-2\n  namespace")
    result = detect(facts(dict(KUBEADM, **{"apiserver-2.yaml": other})))
    assert not result["ok"] and "second static pod" in result["message"]


@pytest.mark.parametrize("layout, marker", [("k3s", "/etc/rancher/k3s"), ("k3s", "/usr/local/bin/k3s"),
                                            ("rke2", "/etc/rancher/rke2"), ("kubespray", "/etc/kubernetes/kubelet.env")])
def test_distributions_are_refused(layout: str, marker: str) -> None:
    result = detect(facts(KUBEADM, markers={layout: [marker]}))
    assert result["layout"] == layout and not result["ok"]
    assert marker in result["message"]


def test_kubespray_detected_on_kubelet_only_hosts() -> None:
    result = detect({"components": [], "markers": {"kubespray": ["/etc/kubernetes/kubelet.env"]}})
    assert result["layout"] == "kubespray" and "kube_feature_gates" in result["message"]


def test_kubespray_labels_in_manifest() -> None:
    files = dict(KUBEADM, **{"kube-apiserver.yaml": read("kube-apiserver-kubespray.yaml")})
    result = detect(facts(files))
    assert result["layout"] == "kubespray" and not result["ok"]


def test_managed_control_plane() -> None:
    assert detect(facts({}, manifests_dir_exists=False))["layout"] == "managed"
    result = detect(facts({"etcd.yaml": KUBEADM["etcd.yaml"]}))
    assert result["layout"] == "managed" and "no kube-apiserver" in result["message"]


def test_kubelet_only_host_needs_no_manifests() -> None:
    result = detect({"components": [], "markers": {"k3s": []}})
    assert result["ok"] and result["layout"] == "kubeadm"


def test_missing_scheduler_is_a_problem() -> None:
    files = {k: v for k, v in KUBEADM.items() if k != "kube-scheduler.yaml"}
    result = detect(facts(files))
    assert not result["ok"] and "kube-scheduler" in result["message"]


def test_invalid_yaml_manifest() -> None:
    result = detect(facts(dict(KUBEADM, **{"broken.yaml": "a: [\n"})))
    assert not result["ok"] and "not valid YAML" in result["message"]


@pytest.mark.parametrize("backup", ["/etc/kubernetes/manifests/backup", "/etc/kubernetes/manifests/", "/etc/kubernetes/manifests/../manifests/x"])
def test_backup_dir_inside_manifests_dir_is_refused(backup: str) -> None:
    result = detect(facts(KUBEADM, backup_dir=backup))
    assert not result["ok"] and "feature_gates_backup_dir" in result["message"]


def test_backup_dir_next_to_manifests_is_fine() -> None:
    assert detect(facts(KUBEADM, backup_dir="/etc/kubernetes/manifests-backup"))["ok"]


def test_markers_from_a_stat_loop() -> None:
    hits = [[{"key": "rke2", "value": ["/etc/rancher/rke2"]}, "/etc/rancher/rke2"]]
    result = detect(facts(KUBEADM, markers=hits))
    assert result["layout"] == "rke2" and "/etc/rancher/rke2" in result["message"]
