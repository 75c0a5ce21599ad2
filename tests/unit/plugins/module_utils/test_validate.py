# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import (
    ERA_EPHEMERAL_CONTAINERS,
    ERA_POD,
    ERA_UNSUPPORTED,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.validate import (
    validate_against_pod,
    validate_container,
    validate_params,
)

OK = {"name": "debugger-1", "image": "busybox:1.36", "command": ["sh"], "stdin": True, "tty": True,
      "targetContainerName": "app", "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
      "env": [{"name": "A", "value": "1"}], "envFrom": [{"secretRef": {"name": "s"}}],
      "securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}}, "resources": {}}


def only(errors: list[str]) -> str:
    assert len(errors) == 1, errors
    return errors[0]


# ---------------------------------------------------------------- validate_container

def test_valid_container_has_no_errors():
    assert validate_container(OK, ERA_POD) == []


def test_unnamed_container_is_fine_before_derive_name():
    assert validate_container({"image": "busybox"}, ERA_POD) == []


@pytest.mark.parametrize("name", ["Debugger", "debugger_1", "-debugger", "debugger-", "a" * 64, "", 7])
def test_invalid_names(name):
    message = only(validate_container(dict(OK, name=name), ERA_POD))
    assert message.startswith("name: ") and "DNS-1123 label" in message


def test_name_of_63_is_fine():
    assert validate_container(dict(OK, name="a" * 63), ERA_POD) == []


@pytest.mark.parametrize(
    "image, fragment",
    [
        (None, "image: an image is required; set image"),
        ("", "image: an image is required"),
        (" busybox", "leading or trailing whitespace; remove it"),
        ("Busybox", "not a valid image reference"),
    ],
)
def test_image(image, fragment):
    container = dict(OK)
    if image is None:
        del container["image"]
    else:
        container["image"] = image
    assert fragment in only(validate_container(container, ERA_POD))


@pytest.mark.parametrize(
    "field, value",
    [
        ("ports", [{"containerPort": 80}]),
        ("resources", {"limits": {"cpu": "1"}}),
        ("livenessProbe", {"exec": {"command": ["true"]}}),
        ("readinessProbe", {"exec": {"command": ["true"]}}),
        ("startupProbe", {"exec": {"command": ["true"]}}),
        ("lifecycle", {"preStop": {"exec": {"command": ["true"]}}}),
        ("resizePolicy", [{"resourceName": "cpu", "restartPolicy": "NotRequired"}]),
        ("restartPolicy", "Always"),
        ("restartPolicyRules", [{"action": "Restart"}]),
    ],
)
def test_forbidden_fields(field, value):
    message = only(validate_container(dict(OK, **{field: value}), ERA_POD))
    assert message == (
        "custom.%s: ephemeral containers may not have %s (the API rejects ports, resources, probes, lifecycle, "
        "resizePolicy and restartPolicy); remove it" % (field, field)
    )


@pytest.mark.parametrize("field, value", [("ports", []), ("resources", {}), ("resources", {"limits": {}}), ("restartPolicy", "")])
def test_empty_forbidden_fields_are_zero_values_and_allowed(field, value):
    assert validate_container(dict(OK, **{field: value}), ERA_POD) == []


def test_unknown_field():
    message = only(validate_container(dict(OK, workDir="/x"), ERA_POD))
    assert message.startswith("custom.workDir: not a field an ephemeral container accepts") and "workingDir" in message


@pytest.mark.parametrize("field, option", [("command", "command"), ("args", "args")])
def test_command_and_args_must_be_string_lists(field, option):
    assert only(validate_container(dict(OK, **{field: ["sleep", 5]}), ERA_POD)).startswith(option + ": must be a list of strings")


@pytest.mark.parametrize("field, option", [("subPath", "sub_path"), ("subPathExpr", "sub_path_expr")])
def test_sub_path_forbidden(field, option):
    container = dict(OK, volumeMounts=[{"name": "tmp", "mountPath": "/tmp", field: "x"}])
    assert only(validate_container(container, ERA_POD)) == (
        "volume_mounts[0] ('tmp' at '/tmp'): %s is not allowed in ephemeral containers (the API forbids subPath "
        "and subPathExpr); remove it and mount the whole volume" % option
    )


def test_mounts_need_name_and_path_and_unique_paths():
    container = dict(OK, volumeMounts=[{"mountPath": "/a"}, {"name": "tmp"}, {"name": "x", "mountPath": "/a"}])
    errors = validate_container(container, ERA_POD)
    assert errors == [
        "volume_mounts[0]: name is required; set it to one of the pod's volumes",
        "volume_mounts[1]: mount_path is required; set where the volume appears in the container",
        "volume_mounts: mount_path '/a' is used by more than one mount; give each mount its own path",
    ]


def test_mount_propagation():
    bad = dict(OK, volumeMounts=[{"name": "tmp", "mountPath": "/tmp", "mountPropagation": "Shared"}])
    assert "mount_propagation 'Shared' is not supported; use None, HostToContainer, Bidirectional" in only(validate_container(bad, ERA_POD))
    bidirectional = dict(OK, volumeMounts=[{"name": "tmp", "mountPath": "/tmp", "mountPropagation": "Bidirectional"}])
    assert "only for privileged containers; use profile=sysadmin" in only(validate_container(bidirectional, ERA_POD))
    privileged = dict(bidirectional, securityContext={"privileged": True})
    assert validate_container(privileged, ERA_POD) == []


def test_security_context_forbidden_before_1_22():
    message = only(validate_container(OK, ERA_EPHEMERAL_CONTAINERS))
    assert message.startswith("security_context: ") and "1.22+" in message and "profile=legacy or baseline" in message
    assert validate_container(dict(OK, securityContext={}), ERA_EPHEMERAL_CONTAINERS) == []
    assert validate_container(OK, ERA_UNSUPPORTED) == []


@pytest.mark.parametrize(
    "context, fragment",
    [
        ({"privileged": True, "allowPrivilegeEscalation": False}, "contradicts privileged true"),
        ({"capabilities": {"add": ["CAP_SYS_ADMIN"]}, "allowPrivilegeEscalation": False}, "contradicts adding CAP_SYS_ADMIN"),
    ],
)
def test_security_context_contradictions(context, fragment):
    assert fragment in only(validate_container(dict(OK, securityContext=context), ERA_POD))


def test_pull_and_termination_policies():
    assert only(validate_container(dict(OK, imagePullPolicy="always"), ERA_POD)) == (
        "image_pull_policy: 'always' is not supported; use Always, IfNotPresent, Never"
    )
    assert only(validate_container(dict(OK, terminationMessagePolicy="Log"), ERA_POD)) == (
        "custom.terminationMessagePolicy: 'Log' is not supported; use File, FallbackToLogsOnError"
    )
    for policy in ("Always", "IfNotPresent", "Never"):
        assert validate_container(dict(OK, imagePullPolicy=policy), ERA_POD) == []


@pytest.mark.parametrize("name", ["A=B", "tab\there", "ü"])
def test_env_names(name):
    assert "is not a valid variable name" in only(validate_container(dict(OK, env=[{"name": name, "value": "1"}]), ERA_POD))


@pytest.mark.parametrize("name", ["", None])
def test_env_without_a_name(name):
    # Not "None is not a valid variable name": say what is missing.
    assert only(validate_container(dict(OK, env=[{"name": name, "value": "1"}]), ERA_POD)) == (
        "env[0]: name is required; give every variable a name (and a value or valueFrom)")


@pytest.mark.parametrize("name", ["A", "my.var-1", "1ST"])
def test_env_names_accepted(name):
    assert validate_container(dict(OK, env=[{"name": name}]), ERA_POD) == []


def test_env_value_from():
    both = dict(OK, env=[{"name": "A", "value": "1", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}])
    assert only(validate_container(both, ERA_POD)) == "env[0] (A): set either value or valueFrom, not both"
    two = dict(OK, env=[{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "x"}, "secretKeyRef": {"name": "s", "key": "k"}}}])
    assert "valueFrom needs exactly one of" in only(validate_container(two, ERA_POD))
    assert "found (none)" in only(validate_container(dict(OK, env=[{"name": "A", "valueFrom": {}}]), ERA_POD))


def test_env_from_needs_one_source():
    message = only(validate_container(dict(OK, envFrom=[{"configMapRef": {"name": "c"}, "secretRef": {"name": "s"}}]), ERA_POD))
    assert message == "env_from[0]: needs exactly one of configMapRef or secretRef, found configMapRef, secretRef"


def test_errors_accumulate():
    bad = {"name": "X", "ports": [{"containerPort": 1}], "volumeMounts": [{"name": "v", "mountPath": "/v", "subPath": "s"}]}
    assert len(validate_container(bad, ERA_POD)) == 4  # name, image, ports, subPath


# ---------------------------------------------------------------- validate_params

def test_params_ok():
    assert validate_params({"profile": "general", "custom": {"securityContext": {"runAsUser": 0}}, "name_prefix": "debugger"}) == []


@pytest.mark.parametrize(
    "key, instead",
    [("name", "use the name option instead"), ("command", "use the command option instead"),
     ("image", "use the image option instead"),
     ("lifecycle", "remove it"), ("volumeDevices", "remove it")],
)
def test_custom_refused_keys(key, instead):
    message = only(validate_params({"custom": {key: ["x"]}}))
    assert message.startswith("custom.%s: custom may not set name, command, image, lifecycle or volumeDevices" % key)
    assert message.endswith(instead)


def test_custom_must_be_mapping():
    assert only(validate_params({"custom": ["x"]})).startswith("custom: must be a mapping")


def test_unknown_profile_param():
    assert only(validate_params({"profile": "root"})).startswith("profile: 'root' is not a profile; use one of legacy")


@pytest.mark.parametrize("profile", ["baseline", "restricted"])
def test_security_context_discarded_by_profile(profile):
    message = only(validate_params({"profile": profile, "security_context": {"runAsUser": 0}}))
    assert message.startswith("security_context: profile %r replaces" % profile) and "custom.securityContext" in message


@pytest.mark.parametrize("profile", ["legacy", "general", "netadmin", "sysadmin"])
def test_security_context_kept_by_other_profiles(profile):
    assert validate_params({"profile": profile, "security_context": {"runAsUser": 0}}) == []


def test_mount_target_volumes_needs_target():
    assert only(validate_params({"mount_target_volumes": True, "target": None})).startswith("mount_target_volumes: needs target")
    assert validate_params({"mount_target_volumes": True, "target": "app"}) == []


@pytest.mark.parametrize("prefix, ok", [("debugger", True), ("dbg-", True), ("x", True), ("", False), ("-x", False), ("Dbg", False), ("d_b", False)])
def test_name_prefix(prefix, ok):
    errors = validate_params({"name_prefix": prefix})
    assert (errors == []) is ok
    if not ok:
        assert only(errors).startswith("name_prefix: ")


# ---------------------------------------------------------------- validate_against_pod

POD = {
    "metadata": {"name": "web", "namespace": "shop", "annotations": {}},
    "spec": {
        "volumes": [{"name": "tmp"}, {"name": "cfg"}],
        "initContainers": [{"name": "init"}],
        "containers": [{"name": "app"}, {"name": "sidecar"}],
        "ephemeralContainers": [{"name": "debugger-1", "image": "busybox:1.36"}],
    },
}


def test_pod_ok_including_rerun_of_existing_ephemeral_name():
    assert validate_against_pod(OK, POD) == []


def test_target_may_be_init_container():
    assert validate_against_pod(dict(OK, targetContainerName="init"), POD) == []


def test_static_pod():
    pod = dict(POD, metadata=dict(POD["metadata"], annotations={"kubernetes.io/config.mirror": "abc"}))
    assert "static pods do not support ephemeral containers" in only(validate_against_pod(OK, pod))


@pytest.mark.parametrize("name", ["app", "init"])
def test_name_collides_with_container(name):
    assert only(validate_against_pod(dict(OK, name=name), POD)) == (
        "name: %r is already the name of a container in pod shop/web; choose another name or leave name unset "
        "to derive one" % name
    )


def test_target_missing_lists_containers():
    assert only(validate_against_pod(dict(OK, targetContainerName="debugger-1"), POD)) == (
        "target: pod shop/web has no container or init container named 'debugger-1'; use one of: app, sidecar, init"
    )


def test_volume_missing_lists_volumes():
    container = dict(OK, volumeMounts=[{"name": "tmp", "mountPath": "/tmp"}, {"name": "data", "mountPath": "/d"}])
    message = only(validate_against_pod(container, POD))
    assert message.startswith("volume_mounts[1]: pod shop/web has no volume named 'data'") and message.endswith("use one of: tmp, cfg")


def test_pod_without_volumes():
    pod = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]}}
    assert only(validate_against_pod(OK, pod)).endswith("use one of: (none)")


def test_huge_values_give_short_messages():
    (message,) = validate_container(dict(OK, name="x" * 70000), ERA_POD)
    assert len(message) < 400 and "(70000 characters)" in message
