"""Credentials never show: with a token as api_key, a password, and a kubeconfig given as a dict
with a token and a client key, tasks that succeed, fail and warn are run with -vvv and --diff; no secret
value appears anywhere in what ansible-playbook prints or returns."""

from __future__ import annotations

import base64
from pathlib import Path

import yaml

from support.ansible import run_playbook
from support.ephemeral import EC, INFO, server_and_ca
from support.figures import record
from support.pods import IMAGES, create_and_wait, tools_pod
from support.rbac import bind, example_rules

PASSWORD = "kd-secret-password-8c41f0"  # nowhere but in the task's options


def _kubeconfig_dict(cluster) -> tuple[dict, list[str]]:
    """The admin kubeconfig with its client certificate and key inlined as data, plus an unused user with a
    token; returns it and its secret values (the key as given and as PEM text)."""
    config = yaml.safe_load(Path(cluster.kubeconfig).read_text())
    base = Path(cluster.kubeconfig).parent
    user = config["users"][0]["user"]
    for field in ("client-certificate", "client-key"):
        if field in user:
            path = Path(user.pop(field))
            user[field + "-data"] = base64.b64encode((path if path.is_absolute() else base / path).read_bytes()).decode()
    config["users"].append({"name": "spare", "user": {"token": "kd-spare-token-5e77ab"}})
    cluster_entry = config["clusters"][0]["cluster"]
    if "certificate-authority" in cluster_entry:
        path = Path(cluster_entry.pop("certificate-authority"))
        cluster_entry["certificate-authority-data"] = base64.b64encode(
            (path if path.is_absolute() else base / path).read_bytes()).decode()
    key_pem = base64.b64decode(user["client-key-data"]).decode()
    key_body = [line for line in key_pem.splitlines() if line and not line.startswith("-----")]
    return config, [user["client-key-data"], "kd-spare-token-5e77ab", *key_body]


def test_no_secret_is_printed_or_returned(cluster, ns, tmp_path):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    host, ca_cert = server_and_ca(cluster, tmp_path)
    token = bind(cluster, ns, "secrets", example_rules("ephemeral-container-rbac.yaml"))
    kubeconfig, kubeconfig_secrets = _kubeconfig_dict(cluster)
    by_token = {"host": host, "ca_cert": ca_cert, "api_key": token, "username": "alice", "password": PASSWORD}
    task = {"namespace": ns, "pod": "web", "image": IMAGES["tools"], "command": ["sh", "-c", "echo hello"],
            "wait": True, "wait_for": "terminated", "logs": True}
    tasks = [
        {"name": "inject with a token and a password", EC: {**by_token, **task, "run_id": "a"}},
        {"name": "inject with a kubeconfig dict", EC: {"kubeconfig": kubeconfig, **task, "run_id": "b"}},
        {"name": "inspect with a kubeconfig dict", INFO: {"kubeconfig": kubeconfig, "namespace": ns, "pod": "web"}},
        {"name": "a failure with a token", EC: {**by_token, **task, "pod": "missing"}, "ignore_errors": True},
        {"name": "a 401 with a wrong token", EC: {**by_token, **task, "api_key": token[:-4] + "AAAA"},
         "ignore_errors": True},
        {"name": "a warning (logs of a container that never ran) with a kubeconfig dict",
         EC: {"kubeconfig": kubeconfig, **task, "image": "kubedebug.local/not-there:1", "run_id": "c",
              "wait_timeout": 5}, "ignore_errors": True},
    ]
    for index, item in enumerate(tasks):
        item["register"] = f"r{index}"
    tasks.append({"name": "every result", "ansible.builtin.debug": {
        "msg": "{{ [" + ", ".join(f"r{i}" for i in range(len(tasks))) + "] | to_json }}"}})
    playbook = tmp_path / "secrets.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "connection": "local",
                                         "tasks": tasks}]))
    proc = run_playbook(playbook, diff=True, env={"ANSIBLE_VERBOSITY": "3"})
    output = proc.stdout + proc.stderr
    assert "ok: [localhost]" in output, output[-3000:]
    secrets = {"api_key token": token, "password": PASSWORD,
               **{f"kubeconfig secret {i}": value for i, value in enumerate(kubeconfig_secrets)}}
    leaked = [name for name, value in secrets.items() if value in output]
    assert not leaked, f"leaked: {leaked}"
    # The run really exercised success, failure and warning paths.
    assert "Pod \"missing\" not found" in output and "401 Unauthorized" in output
    record("secrets", secret_values_checked=len(secrets), tasks=len(tasks) - 1, verbosity="-vvv --diff", leaked=0,
           output_bytes=len(output.encode()))
