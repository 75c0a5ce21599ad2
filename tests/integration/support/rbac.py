"""ServiceAccounts bound to the example Roles of docs/examples, for least-privilege tests."""

from __future__ import annotations

import copy
import time
from pathlib import Path

import kubernetes
import yaml

from support.ephemeral import service_account_token

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def example_rules(name: str) -> list[dict]:
    """The Role's rules in docs/examples/<name>."""
    items = yaml.safe_load((EXAMPLES / name).read_text())["items"]
    return next(item for item in items if item["kind"] == "Role")["rules"]


def permissions(rules: list[dict]) -> list[tuple[str, str]]:
    """Every (verb, resource) the rules grant, one by one."""
    return [(verb, resource) for rule in rules for resource in rule["resources"] for verb in rule["verbs"]]


def without(rules: list[dict], verb: str, resource: str) -> list[dict]:
    """The rules with exactly one (verb, resource) taken away."""
    result = []
    for rule in copy.deepcopy(rules):
        for kept in rule["resources"]:
            verbs = [v for v in rule["verbs"] if (v, kept) != (verb, resource)]
            if verbs:
                result.append({**rule, "resources": [kept], "verbs": verbs})
    return result


def _allowed(cluster, namespace: str, user: str, verb: str, resource: str) -> bool:
    plural, sub = (resource.split("/", 1) + [""])[:2]
    review = {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": {
        "user": user, "groups": ["system:serviceaccounts", f"system:serviceaccounts:{namespace}", "system:authenticated"],
        "resourceAttributes": {"namespace": namespace, "verb": verb, "resource": plural, "subresource": sub}}}
    api = kubernetes.client.AuthorizationV1Api(cluster.api_client())
    return bool(api.create_subject_access_review(review).status.allowed)


def bind(cluster, namespace: str, name: str, rules: list[dict], expect: list[dict] | None = None) -> str:
    """A ServiceAccount ``name`` with a Role of ``rules``; returns its token once the authorizer agrees
    with ``expect`` (default: ``rules``) for every permission of the full example."""
    core = cluster.core()
    rbac = kubernetes.client.RbacAuthorizationV1Api(cluster.api_client())
    core.create_namespaced_service_account(namespace, {"metadata": {"name": name}})
    rbac.create_namespaced_role(namespace, {"metadata": {"name": name}, "rules": rules})
    rbac.create_namespaced_role_binding(namespace, {
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
        "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": namespace}]})
    user = f"system:serviceaccount:{namespace}:{name}"
    granted = set(permissions(rules))
    deadline = time.monotonic() + 30
    # The authorizer learns of new Roles through an informer: wait until it answers as the Role says.
    while any(_allowed(cluster, namespace, user, verb, resource) != ((verb, resource) in granted)
              for verb, resource in permissions(expect or rules)):
        assert time.monotonic() < deadline, f"RBAC for {user} never matched its Role"
        time.sleep(0.2)
    return service_account_token(cluster, namespace, name)
