# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
import re

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec import (
    apply_server_defaults,
    attach_command,
    build_container,
    default_pull_policy,
    derive_name,
    merge_mounts,
    mounts_from_target,
    normalize,
    parse_image_reference,
)

DIGEST = "sha256:" + "0123456789abcdef" * 4


def params(**overrides):
    base = {
        "name": None, "image": "busybox:1.36", "command": None, "args": None, "env": None, "env_from": None,
        "working_dir": None, "target": None, "volume_mounts": None, "mount_target_volumes": False,
        "image_pull_policy": None, "stdin": False, "tty": False, "security_context": None, "profile": "legacy",
        "custom": None, "run_id": None, "name_prefix": "debugger",
    }
    base.update(overrides)
    return base


# ---------------------------------------------------------------- build_container

def test_build_minimal_has_only_set_fields():
    assert build_container(params()) == {"image": "busybox:1.36"}


def test_build_maps_every_option_to_camel_case():
    container = build_container(params(
        name="dbg", command=["sh", "-c"], args=["ps"], env=[{"name": "A", "value": "1"}],
        env_from=[{"configMapRef": {"name": "cm"}}], working_dir="/w", target="app",
        volume_mounts=[{"name": "data", "mount_path": "/data", "read_only": True, "mount_propagation": "HostToContainer",
                        "sub_path": None, "sub_path_expr": None}],
        image_pull_policy="Never", stdin=True, tty=True, security_context={"runAsUser": 0},
        termination_message_policy="FallbackToLogsOnError",
    ))
    assert container == {
        "name": "dbg", "image": "busybox:1.36", "command": ["sh", "-c"], "args": ["ps"],
        "env": [{"name": "A", "value": "1"}], "envFrom": [{"configMapRef": {"name": "cm"}}], "workingDir": "/w",
        "targetContainerName": "app",
        "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": True, "mountPropagation": "HostToContainer"}],
        "imagePullPolicy": "Never", "stdin": True, "tty": True, "securityContext": {"runAsUser": 0},
        "terminationMessagePolicy": "FallbackToLogsOnError",
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


def test_mounts_from_target_skips_sub_paths_with_warnings():
    mounts, warnings = mounts_from_target(POD, "app")
    assert mounts == [
        {"name": "tmp", "mountPath": "/tmp"},
        {"name": "token", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True},
    ]
    assert len(warnings) == 2
    assert "'cfg'" in warnings[0] and "/etc/app/app.conf" in warnings[0] and "subPath='app.conf'" in warnings[0]
    assert "subPathExpr='$(ENV)'" in warnings[1]
    assert all(warning.startswith("mount_target_volumes:") and "may not use" in warning for warning in warnings)


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


# ---------------------------------------------------------------- defaults

@pytest.mark.parametrize(
    "image, policy",
    [
        ("busybox", "Always"),
        ("busybox:latest", "Always"),
        ("busybox:1.36", "IfNotPresent"),
        ("docker.io/library/busybox", "Always"),
        ("registry.example.com:5000/tools/netshoot", "Always"),  # a registry port is not a tag
        ("registry.example.com:5000/tools/netshoot:v0.13", "IfNotPresent"),
        ("localhost:5000/img:latest", "Always"),
        ("busybox@" + DIGEST, "IfNotPresent"),  # digest without tag: not "latest"
        ("busybox:latest@" + DIGEST, "Always"),
        ("busybox:1.36@" + DIGEST, "IfNotPresent"),
        ("[::1]:5000/img", "Always"),
        ("Busybox", "IfNotPresent"),  # unparsable reference: upstream falls back to IfNotPresent
        ("busybox@sha256:abc", "IfNotPresent"),
        ("", "IfNotPresent"),
    ],
)
def test_default_pull_policy(image, policy):
    assert default_pull_policy(image) == policy


@pytest.mark.parametrize(
    "image, parsed",
    [
        ("a/b_c__d-e.f:1.0", ("a/b_c__d-e.f", "1.0", "")),
        ("img:5000", ("img", "5000", "")),
        ("host:5000/img", ("host:5000/img", "", "")),
        # splitDockerDomain: a first component with uppercase is a registry host, so this parses ...
        ("UPPER/img", ("UPPER/img", "", "")),
        # ... but repository paths must be lowercase.
        ("library/Busybox", None),
        ("0123456789abcdef" * 4, None),  # a bare image ID is not a reference
        ("img@md5:" + "0" * 32, None),
    ],
)
def test_parse_image_reference(image, parsed):
    assert parse_image_reference(image) == parsed


def test_apply_server_defaults():
    container = {"name": "d", "image": "busybox", "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]}
    defaulted = apply_server_defaults(container)
    assert defaulted == {
        "name": "d", "image": "busybox", "imagePullPolicy": "Always",
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
        "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName", "apiVersion": "v1"}}}],
    }
    assert "imagePullPolicy" not in container and "apiVersion" not in container["env"][0]["valueFrom"]["fieldRef"]


def test_apply_server_defaults_keeps_explicit_values_and_sets_no_mount_propagation():
    container = {"image": "busybox", "imagePullPolicy": "Never", "terminationMessagePath": "/m",
                 "terminationMessagePolicy": "FallbackToLogsOnError", "volumeMounts": [{"name": "v", "mountPath": "/v"}]}
    assert apply_server_defaults(container) == container


# ---------------------------------------------------------------- normalize

BUILT = {"name": "dbg", "image": "busybox:1.36", "command": ["sh"], "stdin": True, "tty": True,
         "targetContainerName": "app", "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
         "env": [{"name": "CPU", "valueFrom": {"resourceFieldRef": {"containerName": "app", "resource": "limits.cpu"}}}]}
# What a 1.37 server returns for BUILT through ApiClient.sanitize_for_serialization.
RETURNED = {"name": "dbg", "image": "busybox:1.36", "command": ["sh"], "stdin": True, "tty": True, "stdinOnce": False,
            "targetContainerName": "app", "resources": {}, "imagePullPolicy": "IfNotPresent",
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp", "readOnly": False}],
            "env": [{"name": "CPU", "valueFrom": {"resourceFieldRef": {"containerName": "app", "resource": "limits.cpu", "divisor": "0"}}}],
            "securityContext": {}, "ports": [], "workingDir": ""}


def test_normalize_makes_built_and_returned_equal():
    assert normalize(BUILT) == normalize(RETURNED)
    assert normalize(normalize(BUILT)) == normalize(BUILT)


def test_normalize_keeps_meaningful_falsy_values():
    container = {"image": "b:1", "securityContext": {"allowPrivilegeEscalation": False, "runAsUser": 0, "privileged": False}}
    assert normalize(container)["securityContext"] == {"allowPrivilegeEscalation": False, "runAsUser": 0, "privileged": False}
    assert normalize({"image": "b:1", "env": [{"name": "C", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}}}]})[
        "env"][0]["valueFrom"]["resourceFieldRef"]["divisor"] == "1m"


def test_normalize_does_not_mutate():
    original = copy.deepcopy(RETURNED)
    normalize(RETURNED)
    assert RETURNED == original


# ---------------------------------------------------------------- derive_name

def test_derive_name_is_deterministic_and_well_formed():
    name = derive_name(BUILT, "run-1")
    assert name == derive_name(copy.deepcopy(BUILT), "run-1")
    assert re.match(r"^debugger-[0-9a-f]{10}$", name)


def test_derive_name_ignores_name_and_server_defaults():
    assert derive_name(dict(BUILT, name="other"), "r") == derive_name(BUILT, "r")
    assert derive_name(RETURNED, "r") == derive_name(BUILT, "r")


@pytest.mark.parametrize(
    "changed",
    [
        dict(BUILT, command=["bash"]),
        dict(BUILT, image="busybox:1.37"),
        dict(BUILT, targetContainerName="sidecar"),
        dict(BUILT, tty=False),
        dict(BUILT, securityContext={"privileged": True}),
        dict(BUILT, imagePullPolicy="Always"),
    ],
)
def test_derive_name_changes_with_spec(changed):
    assert derive_name(changed, "r") != derive_name(BUILT, "r")


def test_derive_name_changes_with_run_id():
    assert derive_name(BUILT, "a") != derive_name(BUILT, "b")
    assert derive_name(BUILT, None) == derive_name(BUILT, "")


def test_derive_name_trims_long_prefix_to_63():
    name = derive_name(BUILT, prefix="a" * 50 + "-b" + "c" * 20)
    assert len(name) == 63 and name.startswith("a" * 50 + "-b-")
    # A cut that ends on "-" is stripped so the label stays valid.
    name = derive_name(BUILT, prefix="a" * 51 + "-xyz")
    assert name.startswith("a" * 51 + "-") and "--" not in name and len(name) == 62
    assert derive_name(BUILT, prefix="tool").startswith("tool-")


def test_derive_name_rejects_empty_prefix():
    with pytest.raises(ValueError, match="name_prefix"):
        derive_name(BUILT, prefix="---")


# ---------------------------------------------------------------- attach_command

@pytest.mark.parametrize(
    "tty, stdin, expected",
    [
        (True, True, "kubectl attach -n shop web -c debugger-1 -it"),
        (False, True, "kubectl attach -n shop web -c debugger-1 -i"),
        (True, False, "kubectl attach -n shop web -c debugger-1 -t"),
        (False, False, "kubectl attach -n shop web -c debugger-1"),
    ],
)
def test_attach_command(tty, stdin, expected):
    assert attach_command("shop", "web", "debugger-1", tty=tty, stdin=stdin) == expected


def test_attach_command_quotes():
    assert attach_command("my ns", "web", "d", tty=False, stdin=False) == "kubectl attach -n 'my ns' web -c d"
