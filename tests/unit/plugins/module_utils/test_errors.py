# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest
from kubernetes.client.exceptions import ApiException

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.gate import feature_gate_message
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import (
    Operation,
    parse_status,
    pod_security_violation,
    translate,
)

PATCH = Operation("patch", "pods/ephemeralcontainers", "shop", "web")
GET = Operation("get", "pods", "shop", "web")


def api_error(code, reason, message, details=None, status_reason=None):
    exc = ApiException(status=code, reason=reason)
    exc.body = json.dumps({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
        "reason": status_reason or reason, "details": details if details is not None else {}, "code": code,
    })
    return exc


def test_feature_gate_off_is_404_with_empty_details_on_the_subresource():
    # Body seen on 1.16.2 with the apiserver gate off (k/k#86461).
    exc = api_error(404, "Not Found", "the server could not find the requested resource", status_reason="NotFound")
    err = translate(exc, PATCH)
    assert "kube-apiserver AND every kubelet" in err.msg
    assert "--feature-gates=EphemeralContainers=true" in err.msg
    assert "kubedebug.ephemeral.feature_gates" in err.msg
    assert err.result["feature_gate_off"] is True
    assert err.result["status"] == 404


def test_feature_gate_message_for_ga_servers_does_not_ask_for_the_gate():
    msg = feature_gate_message((1, 27))
    assert "GA" in msg and "--feature-gates" not in msg


def test_missing_pod_on_the_subresource_is_not_the_gate():
    exc = api_error(404, "Not Found", 'pods "web" not found', {"name": "web", "kind": "pods"}, "NotFound")
    err = translate(exc, PATCH)
    assert err.msg.startswith('Pod "web" not found in namespace "shop"')
    assert "feature_gate_off" not in err.result


def test_missing_namespace_is_named_when_known():
    exc = api_error(404, "Not Found", 'pods "web" not found', {"name": "web", "kind": "pods"}, "NotFound")
    assert translate(exc, GET, namespace_exists=False).msg == 'Namespace "shop" does not exist.'
    assert translate(exc, GET, namespace_exists=True).msg.startswith('Pod "web" not found')
    ns = api_error(404, "Not Found", 'namespaces "shop" not found', {"name": "shop", "kind": "namespaces"}, "NotFound")
    assert translate(ns, GET).msg == 'Namespace "shop" does not exist.'


def test_rbac_names_the_missing_permission():
    exc = api_error(
        403, "Forbidden",
        'pods "web" is forbidden: User "system:serviceaccount:ci:deployer" cannot patch resource '
        '"pods/ephemeralcontainers" in API group "" in the namespace "shop"',
        {"name": "web", "kind": "pods"},
    )
    err = translate(exc, PATCH)
    assert "verb 'patch' on resource 'pods/ephemeralcontainers' in namespace \"shop\"" in err.msg
    assert "edit and admin roles do not grant" in err.msg
    assert err.result["missing_permission"] == {"verb": "patch", "resource": "pods/ephemeralcontainers", "namespace": "shop"}


@pytest.mark.parametrize("op, expected", [
    (Operation("list", "pods", None), "verb 'list' on resource 'pods' cluster-wide"),
    (Operation("watch", "pods", "shop"), "verb 'watch' on resource 'pods' in namespace \"shop\""),
    (Operation("get", "pods/log", "shop", "web"), "verb 'get' on resource 'pods/log'"),
])
def test_rbac_for_reads(op, expected):
    exc = api_error(403, "Forbidden", "pods is forbidden: User \"u\" cannot list resource \"pods\"")
    assert expected in translate(exc, op).msg


def test_pod_security_restricted_shows_level_reasons_and_suggests_the_profile():
    # Shape of k/k#110126.
    message = (
        'pods "web" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false '
        '(container "debugger-abc" must set securityContext.allowPrivilegeEscalation=false), unrestricted '
        'capabilities (container "debugger-abc" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot '
        '!= true (pod or container "debugger-abc" must set securityContext.runAsNonRoot=true), seccompProfile (pod '
        'or container "debugger-abc" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")'
    )
    err = translate(api_error(403, "Forbidden", message, {"name": "web", "kind": "pods"}), PATCH)
    assert err.result["pod_security_level"] == "restricted:latest"
    assert len(err.result["pod_security_reasons"]) == 4
    assert err.result["pod_security_reasons"][1].startswith("unrestricted capabilities")
    assert "profile: restricted" in err.msg
    assert "Forbidden by RBAC" not in err.msg


def test_pod_security_baseline_suggests_baseline():
    message = ('pods "web" is forbidden: violates PodSecurity "baseline:v1.30": non-default capabilities '
               '(container "d" must not include "NET_ADMIN" in securityContext.capabilities.add)')
    level, reasons = pod_security_violation(message)
    assert level == "baseline:v1.30" and len(reasons) == 1
    assert "profile: baseline" in translate(api_error(403, "Forbidden", message), PATCH).msg


def test_immutable_conflict():
    message = (
        'Pod "web" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debug" may not be changed'
    )
    err = translate(api_error(422, "Unprocessable Entity", message, {"name": "web", "kind": "Pod", "causes": [
        {"reason": "FieldValueForbidden", "message": "Forbidden: existing ephemeral containers \"debug\" may not be changed",
         "field": "spec.ephemeralContainers"}]}, "Invalid"), PATCH)
    assert err.result["immutable_conflict"] is True
    assert "immutable" in err.msg and "recreate the pod" in err.msg


def test_static_pod():
    message = 'Pod "etcd-node1" is invalid: spec: Forbidden: static pods do not support ephemeral containers'
    err = translate(api_error(422, "Unprocessable Entity", message, status_reason="Invalid"), PATCH)
    assert "static (mirror) pod" in err.msg


def test_other_invalid_passes_the_server_message():
    message = 'Pod "web" is invalid: spec.ephemeralContainers[0].targetContainerName: Not found: "nope"'
    err = translate(api_error(422, "Unprocessable Entity", message, status_reason="Invalid"), PATCH)
    assert message in err.msg and err.result["reason"] == "Invalid"


def test_era_mismatch_400():
    message = ('EphemeralContainers in version "v1" cannot be handled as a Pod: no kind "EphemeralContainers" is '
               'registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"')
    err = translate(api_error(400, "Bad Request", message, status_reason="BadRequest"), PATCH)
    assert err.msg.startswith("API era mismatch")


def test_conflict_409_after_retry():
    message = 'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again'
    err = translate(api_error(409, "Conflict", message), PATCH)
    assert "even after one retry" in err.msg and err.result["status"] == 409


def test_unauthorized():
    assert "401 Unauthorized" in translate(api_error(401, "Unauthorized", "Unauthorized"), GET).msg


def test_connection_failure_status_0():
    exc = ApiException(status=0, reason="SSLError\n[SSL: CERTIFICATE_VERIFY_FAILED]")
    assert translate(exc, GET).msg.startswith("Could not reach the Kubernetes API server: SSLError")


def test_anything_else_gives_message_code_and_reason():
    err = translate(api_error(500, "Internal Server Error", "etcdserver: request timed out", status_reason="InternalError"), GET)
    assert "500 InternalError: etcdserver: request timed out" in err.msg


def test_parse_status_with_non_json_body():
    exc = ApiException(status=502, reason="Bad Gateway")
    exc.body = "<html>bad gateway</html>"
    status = parse_status(exc)
    assert status["message"] == "<html>bad gateway</html>" and status["code"] == 502 and status["details"] == {}
