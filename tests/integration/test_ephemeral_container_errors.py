"""ephemeral_container's failures on the current era: each has its own message, and the audit log
shows that nothing was written (refused requests may appear, but none was carried out)."""

from __future__ import annotations

import json
import time

import kubernetes
import pytest

from support.ephemeral import (
    ephemeral_names,
    raw_pod,
    run_ec,
    server_and_ca,
    service_account_token,
    static_pod,
    succeeded,
)
from support.ansible import run_module
from support.ephemeral import EC
from support.pods import IMAGES, create_and_wait, tools_pod

TOOLS = IMAGES["tools"]


def _label_namespace(cluster, namespace: str, level: str) -> None:
    cluster.core().patch_namespace(namespace, {"metadata": {"labels": {
        "pod-security.kubernetes.io/enforce": level, "pod-security.kubernetes.io/enforce-version": "latest"}}})


def _failed(result: dict) -> str:
    assert result.get("failed") is True, result
    return result["msg"]


def test_pod_not_found(cluster, ns, audit_of):
    audit = audit_of(cluster)
    msg = _failed(run_ec(cluster, {"namespace": ns, "pod": "nope", "image": TOOLS}))
    assert msg.startswith(f'Pod "nope" not found in namespace "{ns}"'), msg
    assert audit.attempts(ns) == []


def test_namespace_not_found(cluster, audit_of):
    audit = audit_of(cluster)
    result = run_ec(cluster, {"namespace": "no-such-namespace-x1", "pod": "web", "image": TOOLS})
    assert _failed(result) == 'Namespace "no-such-namespace-x1" does not exist.'
    assert result["status"] == 404
    assert audit.attempts("no-such-namespace-x1") == []


def test_forbidden_by_rbac_names_the_missing_permission(cluster, ns, audit_of, tmp_path):
    core = cluster.core()
    rbac = kubernetes.client.RbacAuthorizationV1Api(cluster.api_client())
    create_and_wait(core, ns, tools_pod("web"))
    core.create_namespaced_service_account(ns, {"metadata": {"name": "limited"}})
    rules = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]},
             {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}]
    rbac.create_namespaced_role(ns, {"metadata": {"name": "limited"}, "rules": rules})
    rbac.create_namespaced_role_binding(ns, {
        "metadata": {"name": "limited"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "limited"},
        "subjects": [{"kind": "ServiceAccount", "name": "limited", "namespace": ns}]})
    host, ca_cert = server_and_ca(cluster, tmp_path)
    token = service_account_token(cluster, ns, "limited")
    # No kubeconfig at all: kubernetes.core's host/api_key/ca_cert options.
    args = {"host": host, "ca_cert": ca_cert, "api_key": token, "namespace": ns, "pod": "web", "name": "probe",
            "image": TOOLS, "command": ["sleep", "60"]}

    audit = audit_of(cluster)
    result = run_module(EC, args)
    msg = _failed(result)
    assert msg.startswith(f"pod {ns}/web: Forbidden by RBAC: pods \"web\" is forbidden: "), msg
    assert f"system:serviceaccount:{ns}:limited" in msg
    assert ("The credentials need verb 'patch' on resource 'pods/ephemeralcontainers' "
            f'in namespace "{ns}"') in msg
    assert "The built-in edit and admin roles do not grant pods/ephemeralcontainers" in msg
    assert result["missing_permission"] == {"verb": "patch", "resource": "pods/ephemeralcontainers", "namespace": ns}
    assert result["status"] == 403
    assert token not in json.dumps({k: v for k, v in result.items() if k != "_stdout"})
    assert token not in result["_stdout"]
    refused = audit.attempts(ns, "ephemeralcontainers")
    assert [(e["user"]["username"], e["responseStatus"]["code"]) for e in refused] == [
        (f"system:serviceaccount:{ns}:limited", 403)]
    assert succeeded(audit.attempts(ns)) == []
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == []

    # Granting exactly the permission the message names is enough.
    rules.append({"apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["patch"]})
    rbac.patch_namespaced_role("limited", ns, {"rules": rules})
    for _attempt in range(20):  # the authorizer's informer needs a moment to see the Role change
        result = run_module(EC, args)
        if not result.get("failed") or "Forbidden by RBAC" not in result["msg"]:
            break
        time.sleep(1)
    assert not result.get("failed"), result["msg"]
    assert result["results"][0]["created"] is True
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == ["probe"]


def test_pod_security_baseline_rejects_sysadmin_and_suggests_restricted(cluster, ns, audit_of):
    _label_namespace(cluster, ns, "baseline")
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    audit = audit_of(cluster)
    result = run_ec(cluster, {"namespace": ns, "pod": "web", "name": "root-shell", "image": TOOLS,
                              "profile": "sysadmin", "command": ["sleep", "60"]})
    msg = _failed(result)
    assert msg.startswith(f"Pod Security admission rejected the ephemeral container in pod {ns}/web: "
                          "the namespace enforces 'baseline:latest'."), msg
    assert result["pod_security_level"] == "baseline:latest"
    assert result["pod_security_reasons"] == [
        'privileged (container "root-shell" must not set securityContext.privileged=true)']
    assert "profile: restricted" in msg
    assert result["status"] == 403
    refused = audit.attempts(ns, "ephemeralcontainers")
    assert [e["responseStatus"]["code"] for e in refused] == [403]
    assert succeeded(audit.attempts(ns)) == []
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == []


def test_pod_security_restricted_needs_the_restricted_profile(cluster, ns, audit_of):
    _label_namespace(cluster, ns, "restricted")
    pod = tools_pod("web")
    pod["spec"]["securityContext"] = {"runAsNonRoot": True, "runAsUser": 1000,
                                      "seccompProfile": {"type": "RuntimeDefault"}}
    pod["spec"]["containers"][0]["securityContext"] = {"allowPrivilegeEscalation": False,
                                                       "capabilities": {"drop": ["ALL"]}}
    create_and_wait(cluster.core(), ns, pod)
    base = {"namespace": ns, "pod": "web", "image": TOOLS, "command": ["sleep", "300"]}

    audit = audit_of(cluster)
    result = run_ec(cluster, {**base, "name": "plain"})
    msg = _failed(result)
    assert "the namespace enforces 'restricted:latest'" in msg
    reasons = " ".join(result["pod_security_reasons"])
    assert 'allowPrivilegeEscalation != false (container "plain"' in reasons
    assert 'unrestricted capabilities (container "plain"' in reasons
    assert "Use profile: restricted" in msg
    assert succeeded(audit.attempts(ns)) == []

    ok = run_ec(cluster, {**base, "name": "restricted", "profile": "restricted", "wait": True})
    assert not ok.get("failed"), ok.get("msg")
    entry = ok["results"][0]
    assert entry["spec"]["securityContext"] == {
        "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}, "allowPrivilegeEscalation": False,
        "seccompProfile": {"type": "RuntimeDefault"}}
    assert entry["status"]["state"] == "running", entry["status"]
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == ["restricted"]


FORBIDDEN = [
    ({"custom": {"ports": [{"containerPort": 80}]}},
     "custom.ports: ephemeral containers may not have ports"),
    ({"custom": {"resources": {"limits": {"cpu": "100m"}}}},
     "custom.resources: ephemeral containers may not have resources"),
    ({"custom": {"readinessProbe": {"exec": {"command": ["true"]}}}},
     "custom.readinessProbe: ephemeral containers may not have readinessProbe"),
    ({"custom": {"lifecycle": {"preStop": {"exec": {"command": ["true"]}}}}},
     "custom.lifecycle: custom may not set name, command, image, lifecycle or volumeDevices"),
    ({"volume_mounts": [{"name": "tmp", "mount_path": "/tmp", "sub_path": "x"}]},
     "volume_mounts[0] ('tmp' at '/tmp'): sub_path is not allowed in ephemeral containers"),
]


@pytest.mark.parametrize("extra,expected", FORBIDDEN, ids=["ports", "resources", "probe", "lifecycle", "sub_path"])
def test_forbidden_fields_are_refused_before_any_api_call(cluster, ns, audit_of, extra, expected):
    # The pod does not exist: reaching the API would have said so instead.
    audit = audit_of(cluster)
    result = run_ec(cluster, {"namespace": ns, "pod": "absent", "image": TOOLS, "command": ["true"], **extra})
    msg = _failed(result)
    assert msg.startswith("Nothing was written; the ephemeral container is invalid (1 problem(s)): "), msg
    assert expected in msg
    assert result["problems"] == [msg.split("): ", 1)[1]]
    assert audit.attempts(ns) == []


def test_forbidden_field_needs_no_server_at_all():
    # Nothing listens on port 9: a connection attempt would fail differently.
    result = run_module(EC, {"host": "https://127.0.0.1:9", "validate_certs": False, "namespace": "x", "pod": "y",
                             "image": TOOLS, "custom": {"ports": [{"containerPort": 80}]}})
    assert "custom.ports: ephemeral containers may not have ports" in _failed(result)


def test_unreachable_server_says_so():
    result = run_module(EC, {"host": "https://127.0.0.1:9", "api_key": "not-a-token", "validate_certs": False,
                             "namespace": "x", "pod": "y", "image": TOOLS})
    msg = _failed(result)
    assert msg.startswith("Could not reach the Kubernetes API server: "), msg
    assert "Connection refused" in msg and result["status"] == 0
    assert "not-a-token" not in result["_stdout"]


def test_target_not_found_and_name_collisions(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    audit = audit_of(cluster)
    msg = _failed(run_ec(cluster, {"namespace": ns, "pod": "web", "image": TOOLS, "target": "nope"}))
    assert f"target: pod {ns}/web has no container or init container named 'nope'; use one of: app" in msg
    msg = _failed(run_ec(cluster, {"namespace": ns, "pod": "web", "image": TOOLS, "name": "app"}))
    assert f"name: 'app' is already the name of a container in pod {ns}/web" in msg
    msg = _failed(run_ec(cluster, {"namespace": ns, "pod": "web", "image": TOOLS,
                                   "volume_mounts": [{"name": "nope", "mount_path": "/x"}]}))
    assert f"volume_mounts[0]: pod {ns}/web has no volume named 'nope'" in msg
    assert audit.attempts(ns) == []


def test_same_name_different_spec_fails_with_the_difference(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    base = {"namespace": ns, "pod": "web", "name": "probe", "image": TOOLS, "command": ["sleep", "300"]}
    assert run_ec(cluster, base)["changed"] is True
    stored = raw_pod(cluster, ns, "web")["spec"]["ephemeralContainers"]
    audit = audit_of(cluster)
    result = run_ec(cluster, {**base, "command": ["sleep", "301"], "env": [{"name": "A", "value": "1"}]})
    msg = _failed(result)
    assert f"pod {ns}/web: ephemeral container 'probe' already exists with a different spec" in msg
    assert 'command: existing ["sleep", "300"], wanted ["sleep", "301"]' in msg
    assert 'env: existing (unset), wanted [{"name": "A", "value": "1"}]' in msg
    assert "Use another name (or run_id)" in msg
    assert audit.attempts(ns) == []
    assert raw_pod(cluster, ns, "web")["spec"]["ephemeralContainers"] == stored


def test_a_problem_in_one_selected_pod_means_no_pod_is_written(cluster, ns, audit_of):
    core = cluster.core()
    create_and_wait(core, ns, tools_pod("fleet-a", labels={"app": "fleet"}))
    other = tools_pod("fleet-b", labels={"app": "fleet"})
    other["spec"]["containers"][0]["name"] = "main"
    create_and_wait(core, ns, other)
    audit = audit_of(cluster)
    msg = _failed(run_ec(cluster, {"namespace": ns, "label_selectors": ["app=fleet"], "image": TOOLS,
                                   "target": "app", "command": ["sleep", "60"]}))
    assert msg.startswith("Nothing was written; fix these first (1 problem(s)): "), msg
    assert f"target: pod {ns}/fleet-b has no container or init container named 'app'" in msg
    assert audit.attempts(ns) == []
    assert ephemeral_names(raw_pod(cluster, ns, "fleet-a")) == []


def test_static_pod_is_refused_before_writing(cluster, ns, audit_of):
    with static_pod(cluster, ns, TOOLS) as mirror:
        audit = audit_of(cluster)
        result = run_ec(cluster, {"namespace": ns, "pod": mirror, "image": TOOLS, "command": ["true"]})
        msg = _failed(result)
        assert f"pod {ns}/{mirror}: static pods do not support ephemeral containers" in msg
        assert audit.attempts(ns) == []
        # The apiserver would have refused it too (k/k PR #114086).
        with pytest.raises(kubernetes.client.ApiException) as refused:
            cluster.core().patch_namespaced_pod_ephemeralcontainers(
                mirror, ns, {"spec": {"ephemeralContainers": [{"name": "x", "image": TOOLS}]}})
        assert refused.value.status == 422
        assert "static pods do not support ephemeral containers" in refused.value.body


def test_wait_fails_at_once_when_the_image_can_never_be_pulled(cluster, ns):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    result = run_ec(cluster, {"namespace": ns, "pod": "web", "name": "broken", "image": "kubedebug.local/not-there:1",
                              "image_pull_policy": "Never", "wait": True, "wait_timeout": 120})
    msg = _failed(result)
    assert f"{ns}/web container 'broken': it is waiting with ErrImageNeverPull" in msg, msg
    entry = result["results"][0]
    assert entry["created"] is True and entry["status"]["state"] == "waiting"
    assert entry["status"]["reason"] == "ErrImageNeverPull"
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == ["broken"]
