# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The roles' internal entry point: every operation a role calls exists, every operation is called by a role, and
each one works through the filter (the helpers themselves are tested in tests/unit/plugins/plugin_utils)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.kubedebug.ephemeral.plugins.filter.roles_internal import OPERATIONS, FilterModule
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.plugin_utils.feature_gates_fixtures import fixture

ROOT = Path(__file__).resolve().parents[4]
FILTERS = FilterModule().filters()
INTERNAL = FILTERS["roles_internal"]
GATES = {"EphemeralContainers": True}
# "roles_internal('<operation>'" and "map('kubedebug.ephemeral.roles_internal', '<operation>'"
_CALL = re.compile(r"roles_internal(?:\(|',\s*)'([a-z_]+\.[a-z_]+)'")


def operations_in_roles() -> set[str]:
    found = set()
    for path in (ROOT / "roles").rglob("*.yml"):
        found.update(_CALL.findall(path.read_text()))
    return found


def test_registered_and_documented() -> None:
    assert sorted(FILTERS) == ["roles_internal"]
    doc = yaml.safe_load((ROOT / "plugins" / "filter" / "roles_internal.yml").read_text())["DOCUMENTATION"]
    assert doc["name"] == "roles_internal"
    assert "not a public API" in doc["short_description"]


def test_roles_call_exactly_the_registered_operations() -> None:
    assert operations_in_roles() == set(OPERATIONS)


def test_unknown_operation() -> None:
    with pytest.raises(AnsibleFilterError, match="no operation 'feature_gates.nothing'"):
        INTERNAL("x", "feature_gates.nothing")


def test_user_errors_become_filter_errors() -> None:
    with pytest.raises(AnsibleFilterError, match="diagnostics_keep_runs"):
        INTERNAL([], "diagnostics.retention", "/x", "lots", "r1")
    with pytest.raises(AnsibleFilterError, match="not a kind: Pod"):
        INTERNAL("kind: Service\n", "feature_gates.manifest_edit", "kube-apiserver", GATES)


def test_feature_gates_operations() -> None:
    manifest = fixture("manifests", "kube-apiserver-noflag.yaml")
    edit = INTERNAL(manifest, "feature_gates.manifest_edit", "kube-apiserver", GATES, "present")
    assert edit["changed"] and edit["gates_after"] == GATES
    info = INTERNAL(edit["text"], "feature_gates.manifest_info", "kube-apiserver")
    assert info["gates"] == GATES and info["flags"] == 1
    assert INTERNAL(info["image"], "feature_gates.version") == "v1.21.14"
    assert INTERNAL("k8s.gcr.io/kube-apiserver:latest", "feature_gates.version") == ""
    config = fixture("kubelet", "config.yaml")
    assert INTERNAL(config, "feature_gates.kubelet_config", GATES, "present", "add")["changed"]
    plan = INTERNAL({"/c": config}, "feature_gates.kubelet_plan", "/c", [], GATES, "present", "auto", "KUBELET_EXTRA_ARGS")
    assert plan["mode"] == "config" and plan["gates_after"] == GATES
    cluster = fixture("kubeadm", "cluster-configuration-v1beta2.yaml")
    persisted = INTERNAL(cluster, "feature_gates.kubeadm_config", GATES, "present", ["kube-apiserver"], {})
    assert persisted["after"]["kube-apiserver"].endswith("EphemeralContainers=true")
    layout = INTERNAL({"components": [], "markers": {"k3s": ["/etc/rancher/k3s"]}}, "feature_gates.layout")
    assert layout["layout"] == "k3s" and not layout["ok"]
    assert INTERNAL(cluster, "feature_gates.kubelet_configmap") == "kubelet-config-1.21"
    slurped = [{"item": "kube-apiserver", "content": base64.b64encode(edit["text"].encode()).decode()}]
    assert INTERNAL(slurped, "feature_gates.kubeadm_manifest_gates") == {"kube-apiserver": "EphemeralContainers=true"}
    decisions = INTERNAL([{"item": "kube-apiserver", "skipped": True}], "feature_gates.decisions", "present", {}, {"kube-apiserver": info})
    assert decisions["kube-apiserver"]["action"] == "enable" and decisions["kube-apiserver"]["on_by_default"] is False
    mirror = json.dumps({"metadata": {"annotations": {"kubernetes.io/config.hash": "abc"}}})
    assert INTERNAL(mirror, "feature_gates.mirror_pod") == {"hash": "abc", "ready": "", "restarts": None}
    assert INTERNAL('{"resources": [{"name": "pods/ephemeralcontainers"}]}', "feature_gates.serves_ephemeral_containers")
    assert INTERNAL('{"kubeletconfig": {"featureGates": {"A": false}}}', "feature_gates.kubelet_gates") == {"A": False}


def test_built_in_recipes_plan_cleanly() -> None:
    """The recipes in vars/main.yml (with their Jinja replaced by plain values) give usable module options."""
    recipes = yaml.safe_load((ROOT / "roles" / "diagnostics" / "vars" / "main.yml").read_text())["__diagnostics_builtin_recipes"]
    for recipe in recipes.values():
        if "image" in recipe:
            recipe["image"] = "image:1"
        recipe["options"] = {k: "1" for k in recipe.get("options") or {}}
        if recipe.get("command") == "{{ diagnostics_process_list_command }}":
            recipe["command"] = ["ps", "-ef"]
    targets = [{"namespace": "n", "label_selector": "a=b", "container": "app", "recipe": name} for name in sorted(recipes) if name != "custom"]
    targets.append({"namespace": "n", "label_selector": "a=b", "recipe": "custom", "image": "x", "command": ["true"]})
    result = INTERNAL(targets, "diagnostics.plan", recipes, {"run_id": "r1"})
    assert result["problems"] == []
    names = sorted(g["args"]["name"] for g in result["groups"])
    assert names == ["capture-r1", "custom-r1", "ps-r1", "thread-dump-r1"]


def test_diagnostics_operations() -> None:
    entry = {"namespace": "n", "pod": "p", "container": "c", "status": {"state": "terminated", "exit_code": 0}, "logs": "out"}
    records = [{"index": 0, "label": "g", "recipe": "custom", "args": {"name": "c", "namespace": "n"}, "result": {"results": [entry]}}]
    outcomes = INTERNAL(records, "diagnostics.outcomes", "")
    assert [p["outcome"] for p in outcomes["pods"]] == ["ok"]
    summary = INTERNAL(outcomes, "diagnostics.summary", {"run_id": "r1", "started": 0, "finished": 1}, "")
    assert summary["status"] == "ok"
    assert "# Diagnostics run r1" in INTERNAL(summary, "diagnostics.report_md")
    pairs = [["/a/r1/summary.json", json.dumps(summary)]]
    index = INTERNAL(pairs, "diagnostics.index")
    assert [r["run_id"] for r in index["runs"]] == ["r1"]
    assert "r1" in INTERNAL(index, "diagnostics.index_md")
    assert INTERNAL(pairs, "diagnostics.retention", "/a", 1, "r2") == ["/a/r1"]


def test_roles_operations_warn_about_unknown_variables(capsys) -> None:
    specs = (ROOT / "roles" / "diagnostics" / "meta" / "argument_specs.yml").read_text()
    names = ["diagnostics_image", "diagnostics_targets", "diagnostics_zzzz", "other_thing"]
    messages = INTERNAL(names, "roles.unknown_variables", specs, "diagnostics_")
    assert messages == [
        "diagnostics_image is not a variable of the role, so it has no effect (did you mean diagnostics_jdk_image?)",
        "diagnostics_zzzz is not a variable of the role, so it has no effect (ansible-doc -t role lists the variables it takes)",
    ]
    assert INTERNAL(messages, "roles.warn", "role: ") == messages
    shown = capsys.readouterr()
    assert "role: diagnostics_image is not a variable of the role" in shown.out + shown.err
