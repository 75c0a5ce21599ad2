"""The example Roles in docs/examples are exactly enough: the workflow passes with the Role as
written, and with any one permission taken away it fails (or, for logs, warns) with a message naming
exactly that permission. The credentials are a ServiceAccount token given as host/api_key/ca_cert."""

from __future__ import annotations

import pytest

from support.ansible import run_module
from support.ephemeral import EC, INFO, run_ec, server_and_ca
from support.figures import record
from support.pods import IMAGES, create_and_wait, tools_pod
from support.rbac import bind, example_rules, permissions, without

TOOLS = IMAGES["tools"]


def _needs(verb: str, resource: str) -> str:
    return f"The credentials need verb '{verb}' on resource '{resource}'"


def _connection(cluster, token: str, tmp_path) -> dict:
    host, ca_cert = server_and_ca(cluster, tmp_path)
    return {"host": host, "ca_cert": ca_cert, "api_key": token}


@pytest.fixture
def web(cluster, ns):
    """Pod web, already carrying an ephemeral container whose logs the info workflow reads."""
    create_and_wait(cluster.core(), ns, tools_pod("web", labels={"app": "web"}))
    assert not run_ec(cluster, {"namespace": ns, "pod": "web", "name": "earlier", "image": TOOLS,
                                "command": ["echo", "earlier"], "wait": True, "wait_for": "terminated"}).get("failed")
    return "web"


def _inject(cluster, ns, token, tmp_path, run_id):
    """The two ways users choose pods: by name (a GET) and by label (a LIST); the first failure counts."""
    task = {**_connection(cluster, token, tmp_path), "namespace": ns, "image": TOOLS,
            "command": ["sh", "-c", "echo least-privilege"], "wait": True, "wait_for": "terminated",
            "wait_timeout": 60, "logs": True}
    by_name = run_module(EC, {**task, "pod": "web", "run_id": f"{run_id}-name"})
    if by_name.get("failed") or by_name.get("warnings"):
        return by_name
    return run_module(EC, {**task, "label_selectors": ["app=web"], "run_id": f"{run_id}-label"})


def _inspect(cluster, ns, token, tmp_path, _run_id):
    return run_module(INFO, {**_connection(cluster, token, tmp_path), "namespace": ns, "pod": "web", "logs": True})


def _named(result: dict, verb: str, resource: str) -> bool:
    """The task failed naming the permission, or (logs are optional) warned naming it."""
    text = result.get("msg", "") if result.get("failed") else " ".join(result.get("warnings") or [])
    return _needs(verb, resource) in text


WORKFLOWS = [("ephemeral-container-rbac.yaml", _inject), ("ephemeral-container-info-rbac.yaml", _inspect)]


@pytest.mark.parametrize("example,workflow", WORKFLOWS, ids=["inject-wait-logs", "info"])
def test_the_example_role_is_enough_and_every_permission_in_it_is_needed(cluster, ns, web, tmp_path, example, workflow):
    rules = example_rules(example)
    full = workflow(cluster, ns, bind(cluster, ns, "full", rules), tmp_path, "full")
    assert not full.get("failed") and not full.get("warnings"), (full.get("msg"), full.get("warnings"))
    missing = []
    for index, (verb, resource) in enumerate(permissions(rules)):
        token = bind(cluster, ns, f"without-{index}", without(rules, verb, resource), expect=rules)
        result = workflow(cluster, ns, token, tmp_path, f"w{index}")
        if not _named(result, verb, resource):
            missing.append(f"without {verb} {resource}: failed={result.get('failed')} msg={result.get('msg')!r} "
                           f"warnings={result.get('warnings')}")
    assert not missing, "\n".join(missing)
    record(f"least_privilege_{example.split('-rbac')[0]}", permissions=len(permissions(rules)), each_one_needed=True,
           message_names_the_permission=len(permissions(rules)))
