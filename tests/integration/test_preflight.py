"""ephemeral_container_preflight on the current era: a Pod Security 'restricted' namespace
lists the profiles it admits and profile=auto picks one that passes; a ServiceAccount missing each
permission in turn gets it named; runtimes, webhooks and counts are reported; nothing is written."""

from __future__ import annotations

import kubernetes
import pytest

from support.ephemeral import run_ec, server_and_ca
from support.figures import record
from support.lifecycle import label_namespace, restricted_pod, run_preflight
from support.pods import IMAGES, create_and_wait, tools_pod
from support.rbac import bind

TOOLS = IMAGES["tools"]
ALL_RULES = [
    {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch", "patch", "delete"]},
    {"apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["patch"]},
    {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]},
    {"apiGroups": [""], "resources": ["pods/eviction"], "verbs": ["create"]},
]
PERMISSIONS = [("patch", "pods/ephemeralcontainers"), ("get", "pods"), ("list", "pods"), ("watch", "pods"),
               ("get", "pods/log"), ("create", "pods/eviction"), ("patch", "pods"), ("delete", "pods")]


def _without(verb: str, resource: str) -> list[dict]:
    rules = []
    for rule in ALL_RULES:
        verbs = [v for v in rule["verbs"] if (v, rule["resources"][0]) != (verb, resource)]
        if verbs:
            rules.append({**rule, "verbs": verbs})
    return rules


def test_restricted_namespace_lists_admitted_profiles_and_auto_injects_one_that_passes(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, restricted_pod("api"))
    label_namespace(cluster, ns, {"pod-security.kubernetes.io/enforce": "restricted"})
    audit = audit_of(cluster)
    result = run_preflight(cluster, {"namespace": ns})
    assert not result.get("failed"), result.get("msg")
    entry = result["namespaces"][0]
    assert entry["pod_security"]["enforce"] == {"level": "restricted", "version": "latest"}
    assert entry["profiles"]["known"] and entry["profiles"]["evaluated_on"] == f"{ns}/api"
    assert entry["profiles"]["admitted"] == ["restricted"], entry["profiles"]
    assert set(entry["profiles"]["refused"]) == {"sysadmin", "netadmin", "general", "baseline", "legacy"}
    assert any("allowPrivilegeEscalation" in reason for reason in entry["profiles"]["refused"]["baseline"])
    assert result["ready"] is True and result["changed"] is False and entry["denied"] == []
    assert result["pods"][0]["ephemeral_container_count"] == 0 and result["pods"][0]["static"] is False
    node = result["nodes"][0]
    assert (node["runtime"], node["targeting"]) == ("containerd", "yes") and node["runtime_version"].startswith("1.6")
    assert audit.writes(ns) == [], "preflight stored something"

    injected = run_ec(cluster, {"namespace": ns, "pod": "api", "image": TOOLS, "command": ["sleep", "600"], "profile": "auto",
                                "wait": True, "wait_timeout": 60})
    assert not injected.get("failed"), injected.get("msg")
    assert injected["auto_profile"][0]["profile"] == "restricted" and injected["results"][0]["profile"] == "restricted"
    assert injected["results"][0]["status"]["state"] == "running"
    again = run_ec(cluster, {"namespace": ns, "pod": "api", "image": TOOLS, "command": ["sleep", "600"], "profile": "auto"})
    assert again["changed"] is False and again["auto_profile"][0]["profile"] == "restricted"
    after = run_preflight(cluster, {"namespace": ns})
    assert after["pods"][0]["ephemeral_container_count"] == 1
    record("preflight_restricted", admitted=entry["profiles"]["admitted"], refused=sorted(entry["profiles"]["refused"]))


def test_each_missing_permission_is_named(cluster, ns, tmp_path):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    host, ca_cert = server_and_ca(cluster, tmp_path)
    full = run_preflight(cluster, {"host": host, "ca_cert": ca_cert, "api_key": bind(cluster, ns, "full", ALL_RULES),
                                   "namespace": ns})
    assert not full.get("failed") and full["namespaces"][0]["denied"] == [], full.get("msg") or full["namespaces"][0]["denied"]
    assert full["ready"] is True and full["nodes_unknown_reason"]  # no ClusterRole: nodes are unknown, with the reason
    wrong = []
    for index, (verb, resource) in enumerate(PERMISSIONS):
        token = bind(cluster, ns, f"without-{index}", _without(verb, resource), expect=ALL_RULES)
        result = run_preflight(cluster, {"host": host, "ca_cert": ca_cert, "api_key": token, "namespace": ns})
        denied = result.get("namespaces", [{}])[0].get("denied")
        if result.get("failed") or denied != [f"{verb} {resource}"]:
            wrong.append(f"without {verb} {resource}: failed={result.get('failed')} msg={result.get('msg')} denied={denied}")
        elif not any(f"RBAC denies {verb} {resource} in namespace {ns}" in line for line in result["problems"] + result["limitations"]):
            wrong.append(f"without {verb} {resource}: not named in problems/limitations")
    assert not wrong, "\n".join(wrong)
    record("preflight_rbac", permissions=len(PERMISSIONS), each_named=True)


@pytest.fixture
def webhook(cluster):
    """A validating webhook that sees pods/ephemeralcontainers but is never called (its object selector matches nothing)."""
    api = kubernetes.client.AdmissionregistrationV1Api(cluster.api_client())
    name = "kubedebug-it-preflight"
    api.create_validating_webhook_configuration({"metadata": {"name": name}, "webhooks": [{
        "name": "ephemeral.kubedebug.test", "admissionReviewVersions": ["v1"], "sideEffects": "None", "failurePolicy": "Ignore",
        "clientConfig": {"url": "https://127.0.0.1:1/never"},
        "objectSelector": {"matchLabels": {"kubedebug-it": "never"}},
        "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["UPDATE"], "resources": ["pods/ephemeralcontainers"]}]}]})
    yield name
    api.delete_validating_webhook_configuration(name)


def test_webhooks_that_see_the_subresource_are_listed(cluster, ns, webhook):
    result = run_preflight(cluster, {"namespace": ns})
    assert {"kind": "validating", "configuration": webhook, "webhook": "ephemeral.kubedebug.test", "failure_policy": "Ignore",
            "resources": ["pods/ephemeralcontainers"]} in result["webhooks"]
