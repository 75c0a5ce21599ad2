# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
import yaml

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.gates import FeatureGateError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.manifest import edit, inspect, strip_flags
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.plugin_utils.feature_gates_fixtures import fixture

GATE = {"EphemeralContainers": True}


def read(name: str) -> str:
    return fixture("manifests", name)


def argv(text: str) -> list[str]:
    container = yaml.safe_load(text)["spec"]["containers"][0]
    return list(container.get("command") or []) + list(container.get("args") or [])


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    a, b = old.splitlines(), new.splitlines()
    return [x for x in a if x not in b], [x for x in b if x not in a]


CASES = {
    # fixture: (flag after enabling, lines removed, lines added)
    "kube-apiserver-noflag.yaml": ("--feature-gates=EphemeralContainers=true", [], ["    - --feature-gates=EphemeralContainers=true"]),
    "kube-apiserver-other-gates.yaml": ("--feature-gates=IPv6DualStack=true,TTLAfterFinished=False,EphemeralContainers=true",
                                        ["    - --feature-gates=IPv6DualStack=true,TTLAfterFinished=False"],
                                        ["    - --feature-gates=IPv6DualStack=true,TTLAfterFinished=False,EphemeralContainers=true"]),
    "kube-apiserver-split.yaml": (None, ["    - IPv6DualStack=true"], ["    - IPv6DualStack=true,EphemeralContainers=true"]),
    "kube-apiserver-quoted.yaml": (None, ['    - "--feature-gates=IPv6DualStack=true"'],
                                   ['    - "--feature-gates=IPv6DualStack=true,EphemeralContainers=true"']),
    "kube-apiserver-false.yaml": (None, ["    - --feature-gates=EphemeralContainers=false"], ["    - --feature-gates=EphemeralContainers=true"]),
    "kube-apiserver-repeated.yaml": (None, ["    - --feature-gates=IPv6DualStack=true,EphemeralContainers=false",
                                            "    - --feature-gates=IPv6DualStack=false,CSIMigration=true  # added by hand"],
                                     ["    - --feature-gates=IPv6DualStack=false,EphemeralContainers=true,CSIMigration=true"]),
    "kube-apiserver-args.yaml": (None, [], ["    - --feature-gates=EphemeralContainers=true"]),
    "kube-apiserver-flow.yaml": (None, [], []),
    "kube-scheduler.yaml": (None, [], ["    - --feature-gates=EphemeralContainers=true"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_enable(name: str) -> None:
    flag, removed, added = CASES[name]
    component = "kube-scheduler" if "scheduler" in name else "kube-apiserver"
    text = read(name)
    result = edit(text, component, GATE)
    assert result["changed"] is True
    assert result["gates_after"]["EphemeralContainers"] is True
    if flag:
        assert result["flag_after"] == flag
    if removed or added:
        assert changed_lines(text, result["text"]) == (removed, added)
    new_argv = argv(result["text"])
    assert sum(1 for a in new_argv if a.startswith("--feature-gates")) == 1
    assert strip_flags(new_argv) == strip_flags(argv(text))
    assert inspect(result["text"], component)["gates"] == result["gates_after"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_idempotent(name: str) -> None:
    component = "kube-scheduler" if "scheduler" in name else "kube-apiserver"
    once = edit(read(name), component, GATE)
    twice = edit(once["text"], component, GATE)
    assert twice["changed"] is False
    assert twice["text"] == once["text"]
    assert twice["diff"] == {}


ROUND_TRIP = ["kube-apiserver-noflag.yaml", "kube-apiserver-other-gates.yaml", "kube-apiserver-split.yaml",
              "kube-apiserver-quoted.yaml", "kube-apiserver-args.yaml", "kube-apiserver-flow.yaml", "kube-scheduler.yaml"]


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_removal_round_trip_is_byte_for_byte(name: str) -> None:
    component = "kube-scheduler" if "scheduler" in name else "kube-apiserver"
    text = read(name)
    added = edit(text, component, GATE)
    removed = edit(added["text"], component, GATE, "absent")
    assert removed["changed"] is True
    assert removed["text"] == text
    assert edit(removed["text"], component, GATE, "absent")["changed"] is False


def test_flow_style_stays_flow() -> None:
    result = edit(read("kube-apiserver-flow.yaml"), "kube-apiserver", GATE)
    assert 'command: ["kube-apiserver", "--etcd-servers=https://127.0.0.1:2379", "--feature-gates=A=true,EphemeralContainers=true"]' in result["text"]


def test_absent_drops_flag_when_empty() -> None:
    result = edit(read("kube-apiserver-false.yaml"), "kube-apiserver", GATE, "absent")
    assert result["text"] == read("kube-apiserver-noflag.yaml")
    assert result["flag_after"] is None
    assert result["diff"] == {"EphemeralContainers": {"before": False, "after": None}}


def test_absent_keeps_other_gates() -> None:
    result = edit(read("kube-apiserver-repeated.yaml"), "kube-apiserver", GATE, "absent")
    assert result["flag_after"] == "--feature-gates=IPv6DualStack=false,CSIMigration=true"


def test_absent_without_key_changes_nothing_even_when_repeated() -> None:
    text = read("kube-apiserver-repeated.yaml").replace(",EphemeralContainers=false", "")
    assert edit(text, "kube-apiserver", GATE, "absent")["changed"] is False


def test_repeated_flags_without_change_are_still_folded() -> None:
    text = read("kube-apiserver-repeated.yaml").replace("EphemeralContainers=false", "EphemeralContainers=true")
    result = edit(text, "kube-apiserver", GATE)
    assert result["changed"] is True and result["diff"] == {}
    assert sum(1 for a in argv(result["text"]) if a.startswith("--feature-gates")) == 1


def test_already_enabled_is_unchanged() -> None:
    result = edit(read("kube-apiserver-enabled.yaml"), "kube-apiserver", GATE)
    assert result["changed"] is False
    assert result["flag_after"] == "--feature-gates=EphemeralContainers=true"


def test_extra_gates_are_merged_and_removed() -> None:
    text = read("kube-apiserver-noflag.yaml")
    result = edit(text, "kube-apiserver", {"EphemeralContainers": True, "NoSuchGate": True})
    assert result["flag_after"] == "--feature-gates=EphemeralContainers=true,NoSuchGate=true"
    assert edit(result["text"], "kube-apiserver", {"EphemeralContainers": True, "NoSuchGate": True}, "absent")["text"] == text


def test_inspect() -> None:
    info = inspect(read("kube-apiserver-other-gates.yaml"), "kube-apiserver")
    assert info["image"] == "k8s.gcr.io/kube-apiserver:v1.21.14"
    assert info["probe_url"] == "https://127.0.0.1:6443/livez"
    assert info["probe_base"] == "https://127.0.0.1:6443"
    assert info["value"] == "IPv6DualStack=true,TTLAfterFinished=False"
    assert info["gates"] == {"IPv6DualStack": True, "TTLAfterFinished": False}
    assert inspect(read("kube-scheduler.yaml"), "kube-scheduler")["probe_url"] == "https://127.0.0.1:10259/healthz"


@pytest.mark.parametrize("text, msg", [
    ("kind: Pod\nspec: {}\n", "no spec.containers"),
    ("kind: Deployment\n", "not a kind: Pod"),
    ("a: [\n", "not valid YAML"),
    ("kind: Pod\n---\nkind: Pod\n", "exactly one YAML document"),
    ("kind: Pod\nspec:\n  containers:\n  - name: x\n", "neither command nor args"),
    ("kind: Pod\nspec:\n  containers:\n  - name: a\n    command: [a]\n  - name: b\n    command: [b]\n", "2 containers"),
    ("kind: Pod\nspec:\n  containers:\n  - command:\n    - x\n    - --feature-gates\n", "no value"),
    ("kind: Pod\nspec:\n  containers:\n  - command:\n    - x\n    - --feature-gates=A\n", "missing bool value"),
])
def test_refusals(text: str, msg: str) -> None:
    with pytest.raises(FeatureGateError, match=msg):
        edit(text, "kube-apiserver", GATE)


def test_picks_named_container_among_several() -> None:
    text = ("kind: Pod\nspec:\n  containers:\n  - name: sidecar\n    command: [sleep]\n"
            "  - name: kube-apiserver\n    command:\n    - kube-apiserver\n    - --v=2\n")
    result = edit(text, "kube-apiserver", GATE)
    assert result["text"].endswith("    - --v=2\n    - --feature-gates=EphemeralContainers=true\n")
