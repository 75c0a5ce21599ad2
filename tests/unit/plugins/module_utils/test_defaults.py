# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.defaults import apply_server_defaults, normalize
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.images import (
    default_pull_policy,
    parse_image_reference,
)
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.module_utils.samples import BUILT, RETURNED

DIGEST = "sha256:" + "0123456789abcdef" * 4


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
