# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
import yaml

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.gates import FeatureGateError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.kubelet import MARKER, config_edit, env_edit, env_gates
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.plugin_utils.feature_gates_fixtures import fixture

GATE = {"EphemeralContainers": True}


def read(name: str) -> str:
    return fixture("kubelet", name)


# --- KubeletConfiguration -------------------------------------------------------------------------------------

def test_config_appends_map_and_round_trips() -> None:
    text = read("config.yaml")
    result = config_edit(text, GATE)
    assert result["text"] == text + "featureGates:\n  EphemeralContainers: true\n"
    assert config_edit(result["text"], GATE)["changed"] is False
    assert config_edit(result["text"], GATE, "absent")["text"] == text


def test_config_flips_false_and_keeps_comment_and_other_gates() -> None:
    text = read("config-gates.yaml")
    result = config_edit(text, GATE)
    assert "  EphemeralContainers: true  # off until the rollout\n" in result["text"]
    assert result["diff"] == {"EphemeralContainers": {"before": False, "after": True}}
    removed = config_edit(result["text"], GATE, "absent")
    assert yaml.safe_load(removed["text"])["featureGates"] == {"RotateKubeletServerCertificate": True}
    assert removed["text"] == text.replace("  EphemeralContainers: false  # off until the rollout\n", "")


def test_config_adds_to_existing_map() -> None:
    text = read("config-gates.yaml").replace("  EphemeralContainers: false  # off until the rollout\n", "")
    result = config_edit(text, GATE)
    assert "  RotateKubeletServerCertificate: true\n  EphemeralContainers: true\nclusterDNS" in result["text"]
    assert config_edit(result["text"], GATE, "absent")["text"] == text


def test_config_json() -> None:
    text = read("config.json")
    result = config_edit(text, GATE)
    assert yaml.safe_load(result["text"])["featureGates"] == GATE
    assert config_edit(result["text"], GATE, "absent")["text"] == text


def test_config_pretty_json_gets_one_key_per_line() -> None:
    # The shape of json.dumps(indent=2), which the legacy test bed's kubelet runs from.
    text = '{\n  "kind": "KubeletConfiguration",\n  "fileCheckFrequency": "5s"\n}\n'
    result = config_edit(text, GATE)
    assert result["text"] == ('{\n  "kind": "KubeletConfiguration",\n  "fileCheckFrequency": "5s",\n'
                              '  "featureGates": {"EphemeralContainers": true}\n}\n')
    assert config_edit(result["text"], GATE, "absent")["text"] == text
    gates = text.replace('"5s"\n', '"5s",\n  "featureGates": {\n    "CSIMigration": true\n  }\n')
    both = config_edit(gates, GATE)
    assert '    "CSIMigration": true,\n    "EphemeralContainers": true\n  }' in both["text"]
    assert config_edit(both["text"], GATE, "absent")["text"] == gates


@pytest.mark.parametrize("gates, kept", [
    ('{"EphemeralContainers": true, "A": true}', '{"A": true}'),
    ('{"A": true, "EphemeralContainers": true}', '{"A": true}'),
    ('{"A": true, "EphemeralContainers": true, "B": false}', '{"A": true, "B": false}'),
    ('{"EphemeralContainers": true, "X": true, "A": true}', '{"A": true}'),
    ('{"A": true, "EphemeralContainers": true, "X": true}', '{"A": true}'),
    ('{"EphemeralContainers": true, "A": true, "X": true}', '{"A": true}'),
    ('{\n    "A": true,\n    "EphemeralContainers": true\n  }', '{\n    "A": true\n  }'),
    ('{\n    "EphemeralContainers": true,\n    "A": true\n  }', '{\n    "A": true\n  }'),
])
def test_config_flow_map_removal_keeps_the_rest_as_written(gates: str, kept: str) -> None:
    text = '{"kind": "KubeletConfiguration", "featureGates": %s}\n'
    result = config_edit(text % gates, {"EphemeralContainers": True, "X": True}, "absent")
    assert result["text"] == text % kept


def test_config_fix_mode_only_touches_existing_keys() -> None:
    assert config_edit(read("config.yaml"), GATE, mode="fix")["changed"] is False
    assert config_edit(read("config-gates.yaml"), GATE, mode="fix")["gates_after"]["EphemeralContainers"] is True


@pytest.mark.parametrize("text, msg", [
    ("kind: Pod\n", "not a kind: KubeletConfiguration"),
    ("kind: KubeletConfiguration\nfeatureGates: [a]\n", "not a mapping"),
    ("kind: KubeletConfiguration\nfeatureGates:\n  A: maybe\n", "invalid value"),
])
def test_config_refusals(text: str, msg: str) -> None:
    with pytest.raises(FeatureGateError, match=msg):
        config_edit(text, GATE)


# --- KUBELET_EXTRA_ARGS -----------------------------------------------------------------------------------------

ENV_CASES = {
    "default-kubelet-empty": "KUBELET_EXTRA_ARGS=--feature-gates=EphemeralContainers=true\n",
    "default-kubelet-unquoted": "# Managed by hand\nKUBELET_EXTRA_ARGS=--node-ip=10.0.0.5 --feature-gates=CSIMigration=true,EphemeralContainers=true --v=2\n",
    "sysconfig-kubelet-quoted": 'KUBELET_EXTRA_ARGS="--node-ip=10.0.0.5 --feature-gates=EphemeralContainers=true"\n',
    "sysconfig-kubelet-single-split": "KUBELET_EXTRA_ARGS='--feature-gates CSIMigration=true,EphemeralContainers=true --cgroup-driver=systemd'\n",
    "sysconfig-kubelet-no-line": "# kubelet extra args go here\n%s\nKUBELET_EXTRA_ARGS=--feature-gates=EphemeralContainers=true\n" % MARKER,
}


@pytest.mark.parametrize("name", sorted(ENV_CASES))
def test_env_enable_idempotent(name: str) -> None:
    result = env_edit(read(name), GATE)
    assert result["text"] == ENV_CASES[name]
    assert env_gates(result["text"])["EphemeralContainers"] is True
    assert env_edit(result["text"], GATE)["changed"] is False


@pytest.mark.parametrize("name", ["default-kubelet-empty", "default-kubelet-unquoted", "sysconfig-kubelet-single-split", "sysconfig-kubelet-no-line"])
def test_env_round_trip(name: str) -> None:
    text = read(name)
    assert env_edit(env_edit(text, GATE)["text"], GATE, "absent")["text"] == text


def test_env_absent_removes_false_flag_entirely() -> None:
    result = env_edit(read("sysconfig-kubelet-quoted"), GATE, "absent")
    assert result["text"] == 'KUBELET_EXTRA_ARGS="--node-ip=10.0.0.5"\n'


def test_env_fix_mode() -> None:
    assert env_edit(read("default-kubelet-unquoted"), GATE, mode="fix")["changed"] is False
    assert env_edit(read("sysconfig-kubelet-no-line"), GATE, mode="fix")["changed"] is False
    assert env_edit(read("sysconfig-kubelet-quoted"), GATE, mode="fix")["gates_after"] == GATE


def test_env_repeated_and_last_line_wins() -> None:
    text = "KUBELET_EXTRA_ARGS=--feature-gates=A=true\nKUBELET_EXTRA_ARGS=--feature-gates=B=true --v=2 --feature-gates=EphemeralContainers=false\n"
    result = env_edit(text, GATE)
    assert result["text"] == "KUBELET_EXTRA_ARGS=--feature-gates=A=true\nKUBELET_EXTRA_ARGS=--feature-gates=B=true,EphemeralContainers=true --v=2\n"


def test_env_export_and_no_trailing_newline() -> None:
    assert env_edit("export KUBELET_EXTRA_ARGS=--v=2", GATE)["text"] == "export KUBELET_EXTRA_ARGS=--v=2 --feature-gates=EphemeralContainers=true"
    # A missing final newline is the one byte the round trip cannot give back.
    text = "A=1"
    assert env_edit(env_edit(text, GATE)["text"], GATE, "absent")["text"] == text + "\n"


def test_env_other_variable_name() -> None:
    result = env_edit("KUBELET_ARGS=--v=2\n", GATE, variable="KUBELET_ARGS")
    assert result["text"] == "KUBELET_ARGS=--v=2 --feature-gates=EphemeralContainers=true\n"


def test_env_refusals() -> None:
    with pytest.raises(FeatureGateError, match="no value"):
        env_edit("KUBELET_EXTRA_ARGS=--feature-gates\n", GATE)
    with pytest.raises(FeatureGateError, match="mode must be"):
        env_edit("", GATE, mode="replace")


# --- plan: which files change on one node -------------------------------------------------------------------------

CONFIG = "/var/lib/kubelet/config.yaml"
ENVS = ["/etc/default/kubelet", "/etc/sysconfig/kubelet"]


def test_plan_kubeadm_layout_uses_config_and_fixes_flags() -> None:
    from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.kubelet import plan
    files = {CONFIG: read("config.yaml"), ENVS[1]: read("sysconfig-kubelet-quoted")}
    result = plan(files, CONFIG, ENVS, GATE)
    assert result["mode"] == "config" and result["changed"]
    assert [(f["path"], f["changed"]) for f in result["files"]] == [(CONFIG, True), (ENVS[1], True)]
    assert result["gates_after"] == GATE
    again = plan({f["path"]: f["text"] for f in result["files"]}, CONFIG, ENVS, GATE)
    assert not again["changed"]
    back = plan({f["path"]: f["text"] for f in result["files"]}, CONFIG, ENVS, GATE, "absent")
    assert back["files"][0]["text"] == read("config.yaml")
    assert back["files"][1]["text"] == 'KUBELET_EXTRA_ARGS="--node-ip=10.0.0.5"\n'


def test_plan_config_leaves_unrelated_env_alone() -> None:
    from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.kubelet import plan
    result = plan({CONFIG: read("config.yaml"), ENVS[0]: read("default-kubelet-unquoted")}, CONFIG, ENVS, GATE)
    assert [f["changed"] for f in result["files"]] == [True, False]


def test_plan_env_layout_creates_first_file_when_none_exists() -> None:
    from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.kubelet import plan
    result = plan({}, CONFIG, ENVS, GATE, method="auto")
    assert result["mode"] == "env"
    assert [(f["path"], f["exists"]) for f in result["files"]] == [(ENVS[0], False)]
    assert plan({}, CONFIG, ENVS, GATE, "absent")["changed"] is False


def test_plan_env_layout_prefers_existing_sysconfig() -> None:
    from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.kubelet import plan
    result = plan({ENVS[1]: read("sysconfig-kubelet-single-split")}, CONFIG, ENVS, GATE)
    assert [(f["path"], f["changed"]) for f in result["files"]] == [(ENVS[1], True)]


def test_plan_refusals() -> None:
    from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.kubelet import plan
    with pytest.raises(FeatureGateError, match="does not exist"):
        plan({}, CONFIG, ENVS, GATE, method="config")
    with pytest.raises(FeatureGateError, match="nowhere"):
        plan({}, CONFIG, [], GATE)
    with pytest.raises(FeatureGateError, match="auto, config or env"):
        plan({}, CONFIG, ENVS, GATE, method="both")
