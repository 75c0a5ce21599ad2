"""How the diagnostics role reaches the API: every connection option of diagnostics_connection reaches
the module, a misspelt one fails before anything runs, and the example Role of docs/examples is exactly enough
(each permission taken away in turn makes the run report that permission by name)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from support.diagnostics import diagnose, ok, summary
from support.ephemeral import ephemeral_names, raw_pod, server_and_ca
from support.figures import record
from support.pods import create_and_wait, tools_pod
from support.rbac import bind, example_rules, permissions, without

# The module reads a pod by name only to retry a write (another writer changed the pod's ephemeral containers, or
# the apiserver was briefly away): docs/examples/diagnostics-rbac.yaml keeps it so such runs recover.
RETRY_ONLY = {("get", "pods")}
PROCESS_LIST = {"label_selector": "app=web", "container": "app", "recipe": "process_list"}


def _client_pair(cluster, user: str) -> tuple[str, str]:
    """The test bed's certificate and key for ``user`` (admin, scheduler, ...), beside the kubeconfig's own."""
    config = yaml.safe_load(Path(cluster.kubeconfig).read_text())
    pki = Path(config["users"][0]["user"]["client-certificate"]).parent
    return str(pki / f"{user}.crt"), str(pki / f"{user}.key")


def test_client_certificates_given_in_diagnostics_connection_are_the_ones_used(cluster, ns, tmp_path):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    host, ca_cert = server_and_ca(cluster, tmp_path)
    # The scheduler's certificate may list pods but not add ephemeral containers: the server names that user.
    cert, key = _client_pair(cluster, "scheduler")
    proc, artifacts = diagnose(cluster, tmp_path, [{"namespace": ns, **PROCESS_LIST}], run_id="sched",
                               connection={"host": host, "ca_cert": ca_cert, "client_cert": cert, "client_key": key})
    ok(proc)
    data = summary(artifacts, "sched")
    assert data["status"] == "completed_with_problems", data
    reason = data["pods"][0]["reason"]
    assert data["pods"][0]["outcome"] == "failed" and 'User "system:kube-scheduler" cannot patch resource "pods/ephemeralcontainers"' in reason, reason
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == []

    # The same run with the admin's certificate works.
    cert, key = _client_pair(cluster, "admin")
    proc, artifacts = diagnose(cluster, tmp_path, [{"namespace": ns, **PROCESS_LIST}], run_id="admin",
                               connection={"host": host, "ca_cert": ca_cert, "client_cert": cert, "client_key": key})
    ok(proc)
    assert summary(artifacts, "admin")["status"] == "ok"
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == ["ps-admin"]


def test_impersonation_given_in_diagnostics_connection_is_what_the_apiserver_sees(cluster, ns, tmp_path, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    user = f"system:serviceaccount:{ns}:diagnostics"
    bind(cluster, ns, "diagnostics", example_rules("diagnostics-rbac.yaml"))
    audit = audit_of(cluster)
    proc, artifacts = diagnose(cluster, tmp_path, [{"namespace": ns, **PROCESS_LIST}], run_id="imp", connection={
        "kubeconfig": str(cluster.kubeconfig), "impersonate_user": user,
        "impersonate_groups": ["system:serviceaccounts", "system:authenticated"]})
    ok(proc)
    assert summary(artifacts, "imp")["status"] == "ok"
    writes = audit.ephemeral_writes(ns)
    assert len(writes) == 1, writes
    assert writes[0]["user"]["username"] == "kubernetes-admin"
    assert writes[0]["impersonatedUser"]["username"] == user
    assert writes[0]["impersonatedUser"]["groups"] == ["system:serviceaccounts", "system:authenticated"]


def test_a_misspelt_connection_option_fails_before_anything_runs(cluster, ns, tmp_path, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    audit = audit_of(cluster)
    proc, artifacts = diagnose(cluster, tmp_path, [{"namespace": ns, **PROCESS_LIST}], run_id="typo",
                               connection={"kubeconfig": str(cluster.kubeconfig), "client_certificate": "/etc/x.crt"})
    assert proc.returncode != 0
    said = proc.stdout + proc.stderr
    assert "Validation of arguments failed" in said, said[-3000:]
    assert "diagnostics_connection.client_certificate. Supported parameters include: api_key, ca_cert, client_cert" in said, said[-3000:]
    assert not artifacts.exists()
    assert audit.attempts(ns) == []
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == []


def _needs(verb: str, resource: str) -> str:
    return f"The credentials need verb '{verb}' on resource '{resource}'"


def test_the_example_role_is_enough_for_diagnostics_and_every_permission_in_it_is_needed(cluster, ns, tmp_path):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    host, ca_cert = server_and_ca(cluster, tmp_path)
    rules = example_rules("diagnostics-rbac.yaml")

    def run(token: str, run_id: str) -> dict:
        proc, artifacts = diagnose(cluster, tmp_path, [{"namespace": ns, **PROCESS_LIST}], run_id=run_id,
                                   connection={"host": host, "ca_cert": ca_cert, "api_key": token})
        ok(proc)
        assert token not in proc.stdout
        return summary(artifacts, run_id)

    full = run(bind(cluster, ns, "full", rules), "full")
    assert full["status"] == "ok" and full["pods"][0]["log_file"], full
    missing = []
    for index, (verb, resource) in enumerate(permissions(rules)):
        data = run(bind(cluster, ns, f"without-{index}", without(rules, verb, resource), expect=rules), f"w{index}")
        text = json.dumps(data)
        if (verb, resource) in RETRY_ONLY:
            # Only a write that must be retried reads the pod again; a run without one does not need it.
            if data["status"] != "ok":
                missing.append(f"without {verb} {resource} (retries only) the run failed: {data['message']}")
        # The run reports the missing permission by name: a group error, a wait failure, or the log's note.
        elif _needs(verb, resource) not in text:
            missing.append(f"without {verb} {resource}: status={data['status']} groups={data['groups']} pods={data['pods']}")
    assert not missing, "\n".join(missing)
    needed = len(permissions(rules)) - len(RETRY_ONLY)
    record("least_privilege_diagnostics", permissions=len(permissions(rules)), needed_by_every_run=needed,
           message_names_the_permission=needed, needed_for_retried_writes_only=[" ".join(p) for p in sorted(RETRY_ONLY)])
