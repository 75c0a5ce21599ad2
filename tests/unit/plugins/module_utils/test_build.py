# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.build import (
    build_container,
    merge_mounts,
    mounts_from_target,
)


def params(**overrides):
    base = {
        "name": None, "image": "busybox:1.36", "command": None, "args": None, "env": None, "env_from": None,
        "working_dir": None, "target": None, "volume_mounts": None, "mount_target_volumes": False,
        "image_pull_policy": None, "stdin": False, "tty": False, "security_context": None, "profile": "legacy",
        "custom": None, "run_id": None, "name_prefix": "debugger",
    }
    base.update(overrides)
    return base


def test_build_minimal_has_only_set_fields():
    assert build_container(params()) == {"image": "busybox:1.36"}


def test_build_maps_every_option_to_camel_case():
    container = build_container(params(
        name="dbg", command=["sh", "-c"], args=["ps"], env=[{"name": "A", "value": "1"}],
        env_from=[{"configMapRef": {"name": "cm"}}], working_dir="/w", target="app",
        volume_mounts=[{"name": "data", "mount_path": "/data", "read_only": True, "mount_propagation": "HostToContainer",
                        "sub_path": None, "sub_path_expr": None}],
        image_pull_policy="Never", stdin=True, tty=True, security_context={"runAsUser": 0},
    ))
    assert container == {
        "name": "dbg", "image": "busybox:1.36", "command": ["sh", "-c"], "args": ["ps"],
        "env": [{"name": "A", "value": "1"}], "envFrom": [{"configMapRef": {"name": "cm"}}], "workingDir": "/w",
        "targetContainerName": "app",
        "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": True, "mountPropagation": "HostToContainer"}],
        "imagePullPolicy": "Never", "stdin": True, "tty": True, "securityContext": {"runAsUser": 0},
    }


def test_build_keeps_sub_path_for_validation_and_drops_false_read_only():
    container = build_container(params(volume_mounts=[{"name": "d", "mount_path": "/d", "read_only": False, "sub_path": "x"}]))
    assert container["volumeMounts"] == [{"name": "d", "mountPath": "/d", "subPath": "x"}]


def test_build_stdin_without_stdin_once_like_kubectl():
    container = build_container(params(stdin=True, tty=False))
    assert container["stdin"] is True
    assert "stdinOnce" not in container and "tty" not in container


def test_build_drops_empty_lists_and_strings():
    container = build_container(params(command=[], args=[], env=[], working_dir="", security_context={}))
    assert container == {"image": "busybox:1.36"}


def test_build_does_not_mutate_params():
    given = params(env=[{"name": "A", "value": "1"}], security_context={"capabilities": {"add": ["X"]}}, profile="general",
                   custom={"env": [{"name": "A", "value": "2"}]})
    before = copy.deepcopy(given)
    build_container(given)
    assert given == before


def test_build_profile_after_explicit_security_context():
    container = build_container(params(security_context={"runAsUser": 1000}, profile="netadmin"))
    assert container["securityContext"] == {"runAsUser": 1000, "capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}


def test_build_custom_after_profile_merges_like_kubectl():
    container = build_container(params(
        profile="restricted", env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
        volume_mounts=[{"name": "v", "mount_path": "/v"}], args=["x"],
        custom={
            "securityContext": {"runAsUser": 1000, "capabilities": {"add": ["NET_BIND_SERVICE"]}},
            "env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}],
            "volumeMounts": [{"mountPath": "/v", "readOnly": True}],
            "args": ["y"],
            "workingDir": None,
            "stdin": True,
        },
    ))
    # Maps merge; env merges by name and volumeMounts by mountPath; other lists are replaced.
    assert container["securityContext"] == {
        "runAsNonRoot": True, "allowPrivilegeEscalation": False, "seccompProfile": {"type": "RuntimeDefault"},
        "runAsUser": 1000, "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
    }
    assert container["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "3"}, {"name": "C", "value": "4"}]
    assert container["volumeMounts"] == [{"name": "v", "mountPath": "/v", "readOnly": True}]
    assert container["args"] == ["y"]
    assert container["stdin"] is True
    assert "workingDir" not in container


def test_build_custom_can_add_forbidden_fields_for_validation_to_report():
    container = build_container(params(custom={"ports": [{"containerPort": 80}], "resources": {}}))
    assert container["ports"] == [{"containerPort": 80}]
    assert "resources" not in container


# ---------------------------------------------------------------- target mounts

POD = {
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {
        "volumes": [{"name": "tmp"}, {"name": "cfg"}, {"name": "token"}],
        "initContainers": [{"name": "init", "volumeMounts": [{"name": "cfg", "mountPath": "/init"}]}],
        "containers": [
            {"name": "sidecar", "volumeMounts": [{"name": "tmp", "mountPath": "/side"}]},
            {"name": "app", "volumeMounts": [
                {"name": "tmp", "mountPath": "/tmp", "readOnly": False},
                {"name": "cfg", "mountPath": "/etc/app/app.conf", "subPath": "app.conf"},
                {"name": "cfg", "mountPath": "/etc/app/env", "subPathExpr": "$(ENV)"},
                {"name": "token", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True},
            ]},
        ],
    },
}


def test_mounts_from_target_skips_sub_paths_with_warnings_and_the_token_silently():
    mounts, warnings = mounts_from_target(POD, "app")
    assert mounts == [{"name": "tmp", "mountPath": "/tmp"}]
    assert len(warnings) == 2
    assert "'cfg'" in warnings[0] and "/etc/app/app.conf" in warnings[0] and "subPath='app.conf'" in warnings[0]
    assert "subPathExpr='$(ENV)'" in warnings[1]
    assert all(warning.startswith("mount_target_volumes:") and "may not use" in warning for warning in warnings)


def test_mounts_from_target_includes_the_token_when_asked():
    mounts, _warnings = mounts_from_target(POD, "app", include_token=True)
    assert mounts == [
        {"name": "tmp", "mountPath": "/tmp"},
        {"name": "token", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True},
    ]


def test_mounts_from_target_reads_init_containers_and_missing_targets():
    assert mounts_from_target(POD, "init") == ([{"name": "cfg", "mountPath": "/init"}], [])
    assert mounts_from_target(POD, "nope") == ([], [])


def test_mounts_from_target_does_not_share_dicts_with_pod():
    mounts, _warnings = mounts_from_target(POD, "init")
    mounts[0]["mountPath"] = "/changed"
    assert POD["spec"]["initContainers"][0]["volumeMounts"][0]["mountPath"] == "/init"


def test_merge_mounts_explicit_wins_on_mount_path():
    explicit = [{"name": "cfg", "mountPath": "/tmp", "readOnly": True}]
    inherited = [{"name": "tmp", "mountPath": "/tmp"}, {"name": "token", "mountPath": "/t"}]
    assert merge_mounts(explicit, inherited) == [explicit[0], {"name": "token", "mountPath": "/t"}]
    assert merge_mounts([], inherited) == inherited
