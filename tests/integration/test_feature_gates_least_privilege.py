"""docs/examples/feature-gates-rbac.yaml is exactly enough for the feature_gates role's API use: a run of the role on a
control-plane node of the multi-node legacy cluster (kubelet, kube-apiserver and kube-scheduler, check mode: every
API read of a real run, nothing restarted) passes with a ServiceAccount bound to the example's Role and ClusterRole,
and with any one permission taken away it fails before any write, naming exactly that permission."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from pathlib import Path

import kubernetes
import pytest
import yaml

from support import multinode as mn
from support.ansible import REPO, environment, playbook_argv
from support.ephemeral import service_account_token
from support.figures import record
from support.rbac import EXAMPLES, bind, example_rules, permissions, without

pytestmark = [pytest.mark.legacy, pytest.mark.multinode]  # make test-multinode (CI time: see docs/feature-gates.md)

NODE_PLAYBOOK = REPO / "tests" / "integration" / "playbooks" / "feature_gates_node.yml"
EXAMPLE = "feature-gates-rbac.yaml"
NAMESPACE = "kube-system"


def cluster_rules() -> list[dict]:
    items = yaml.safe_load((EXAMPLES / EXAMPLE).read_text())["items"]
    return next(item for item in items if item["kind"] == "ClusterRole")["rules"]


def _allowed(cluster, user: str, verb: str, resource: str) -> bool:
    plural, sub = (resource.split("/", 1) + [""])[:2]
    review = {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": {
        "user": user, "groups": ["system:serviceaccounts", f"system:serviceaccounts:{NAMESPACE}", "system:authenticated"],
        "resourceAttributes": {"verb": verb, "resource": plural, "subresource": sub}}}
    api = kubernetes.client.AuthorizationV1Api(cluster.api_client())
    return bool(api.create_subject_access_review(review).status.allowed)


def account(cluster, name: str, rules: list[dict], cluster_wide: list[dict], made: list[str]) -> str:
    """A ServiceAccount with the namespaced ``rules`` (support.rbac.bind) and the cluster-wide ones; its token."""
    made.append(name)
    expect = example_rules(EXAMPLE)
    bind(cluster, NAMESPACE, name, rules, expect=expect)
    if cluster_wide:
        rbac = kubernetes.client.RbacAuthorizationV1Api(cluster.api_client())
        rbac.create_cluster_role({"metadata": {"name": name}, "rules": cluster_wide})
        rbac.create_cluster_role_binding({
            "metadata": {"name": name},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
            "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": NAMESPACE}]})
        user = f"system:serviceaccount:{NAMESPACE}:{name}"
        deadline = time.monotonic() + 30
        while not all(_allowed(cluster, user, verb, resource) for verb, resource in permissions(cluster_wide)):
            assert time.monotonic() < deadline, f"RBAC for {user} never matched its ClusterRole"
            time.sleep(0.2)
    return service_account_token(cluster, NAMESPACE, name)


def kubeconfig(path: Path, token: str, server: str) -> Path:
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "sa",
        "clusters": [{"name": "c", "cluster": {"server": server, "certificate-authority": str(mn.CLUSTER.pki_dir / "ca.crt")}}],
        "users": [{"name": "sa", "user": {"token": token}}],
        "contexts": [{"name": "sa", "context": {"cluster": "c", "user": "sa"}}]}))
    return path


def run_role(node: mn.topology.Node, config: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    inventory = mn.inventory_with(tmp_path / f"inventory-{uuid.uuid4().hex[:6]}.json",
                                  {node.node_name: {"feature_gates_kubeconfig": str(config)}})
    values = {"fg_hosts": node.node_name, "fg_components": ["kubelet", "kube-apiserver", "kube-scheduler"]}
    return subprocess.run([*playbook_argv(NODE_PLAYBOOK, str(inventory)), "-e", json.dumps(values), "--check"],
                          capture_output=True, text=True, env=environment(), cwd=REPO, timeout=300, check=False)


@pytest.fixture
def made(legacy_ha):
    names: list[str] = []
    yield names
    core, rbac = legacy_ha.core(), kubernetes.client.RbacAuthorizationV1Api(legacy_ha.api_client())
    for name in names:
        for delete in (lambda: core.delete_namespaced_service_account(name, NAMESPACE),
                       lambda: rbac.delete_namespaced_role(name, NAMESPACE),
                       lambda: rbac.delete_namespaced_role_binding(name, NAMESPACE),
                       lambda: rbac.delete_cluster_role(name), lambda: rbac.delete_cluster_role_binding(name)):
            try:
                delete()
            except kubernetes.client.ApiException:
                pass


def test_the_example_role_is_enough_for_the_role_and_every_rule_in_it_is_needed(legacy_ha, made, tmp_path):
    cp1 = mn.CONTROL_PLANE[0]
    rules, wide = example_rules(EXAMPLE), cluster_rules()
    suffix = uuid.uuid4().hex[:5]
    token = account(legacy_ha, f"fg-full-{suffix}", rules, wide, made)
    full = run_role(cp1, kubeconfig(tmp_path / "full.conf", token, cp1.apiserver_url), tmp_path)
    assert full.returncode == 0, f"{full.stdout[-5000:]}\n{full.stderr[-2000:]}"
    missing = []
    cases = [(verb, resource, without(rules, verb, resource), wide) for verb, resource in permissions(rules)]
    cases += [(verb, resource, rules, without(wide, verb, resource)) for verb, resource in permissions(wide)]
    for index, (verb, resource, namespaced, cluster_wide) in enumerate(cases):
        token = account(legacy_ha, f"fg-without-{index}-{suffix}", namespaced, cluster_wide, made)
        proc = run_role(cp1, kubeconfig(tmp_path / f"w{index}.conf", token, cp1.apiserver_url), tmp_path)
        wanted = f"The credentials need verb '{verb}' on resource '{resource}'"
        if proc.returncode == 0 or wanted not in " ".join(proc.stdout.split()):
            missing.append(f"without {verb} {resource}: rc={proc.returncode} {proc.stdout[-1500:]}")
    assert not missing, "\n".join(missing)
    record("least_privilege_feature-gates", permissions=len(cases), each_one_needed=True,
           message_names_the_permission=len(cases))
