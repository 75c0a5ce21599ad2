"""The current era's kube-apiserver killed (SIGKILL) and started again while the module works: the module's calls survive it.

Outcome: the module resumes. While waiting it lists and watches again once the apiserver answers; a
write that hits the dead apiserver is sent again within 60 s, and its JSON patch test keeps it from
adding twice. A re-run then finds every container and writes nothing."""

from __future__ import annotations

import threading
import time

from support.ephemeral import EC, ephemeral_names, raw_pod, succeeded
from support.ansible import run_module
from support.figures import record
from support.pods import IMAGES, tools_pod, wait_running

PODS = 20


def _fleet(cluster, ns: str) -> None:
    core = cluster.core()
    for i in range(PODS):
        core.create_namespaced_pod(ns, tools_pod(f"fleet-{i:02d}", labels={"app": "fleet"}))
    for i in range(PODS):
        wait_running(core, ns, f"fleet-{i:02d}", timeout=300)


class Background:
    """One module task in a thread; ``result`` when it is done."""

    def __init__(self, cluster, args: dict) -> None:
        self.result: dict = {}
        self.seconds = 0.0
        self.thread = threading.Thread(target=self._run, args=(cluster, args), daemon=True)
        self.thread.start()

    def _run(self, cluster, args: dict) -> None:
        started = time.monotonic()
        self.result = run_module(EC, args, kubeconfig=cluster.kubeconfig)
        self.seconds = time.monotonic() - started

    def join(self, timeout: float) -> dict:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the module did not finish"
        return self.result


def _stored(audit, ns: str) -> int:
    return len([e for e in succeeded(audit.ephemeral_writes(ns)) if e["verb"] == "patch"])


def _wait_for(predicate, timeout: float, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(interval)


def _restart(cluster, down_seconds: float) -> float:
    cluster.kill_apiserver()
    time.sleep(down_seconds)
    return cluster.start_apiserver()


def _converged(cluster, ns: str, args: dict) -> None:
    names = {tuple(ephemeral_names(raw_pod(cluster, ns, f"fleet-{i:02d}"))) for i in range(PODS)}
    assert len(names) == 1 and len(next(iter(names))) == 1, names
    again = run_module(EC, args, kubeconfig=cluster.kubeconfig)
    assert not again.get("failed") and again["changed"] is False, again.get("msg")


def test_apiserver_restart_while_waiting_for_twenty_containers(cluster, ns, audit_of):
    _fleet(cluster, ns)
    audit = audit_of(cluster)
    args = {"namespace": ns, "label_selectors": ["app=fleet"], "image": IMAGES["tools"],
            "command": ["sh", "-c", "sleep 25; echo done"], "run_id": "restart-wait", "max_concurrency": 5,
            "wait": True, "wait_for": "terminated", "wait_timeout": 240, "logs": True}
    task = Background(cluster, args)
    _wait_for(lambda: _stored(audit, ns) == PODS, 120)
    time.sleep(2)  # the module is in its watch now
    ready_after = _restart(cluster, down_seconds=5)
    result = task.join(300)
    assert not result.get("failed"), result.get("msg")
    assert [e["status"]["exit_code"] for e in result["results"]] == [0] * PODS
    assert all(e["logs"] == "done\n" for e in result["results"])
    _converged(cluster, ns, args)
    record("apiserver_restart_while_waiting", pods=PODS, outcome="resumed", apiserver_down_seconds=5,
           apiserver_ready_after_start_seconds=round(ready_after, 1), task_seconds=round(task.seconds, 1),
           duplicates=0)


def test_apiserver_killed_just_before_writes(cluster, ns, audit_of):
    _fleet(cluster, ns)
    audit = audit_of(cluster)
    args = {"namespace": ns, "label_selectors": ["app=fleet"], "image": IMAGES["tools"], "command": ["sleep", "600"],
            "run_id": "restart-write", "max_concurrency": 1}
    task = Background(cluster, args)
    _wait_for(lambda: _stored(audit, ns) >= 1, 120, interval=0.005)
    cluster.kill_apiserver()
    written_before = _stored(audit, ns)  # the audit log is written before each answer
    time.sleep(5)
    ready_after = cluster.start_apiserver()
    result = task.join(300)
    assert not result.get("failed"), result.get("msg")
    assert all(entry["created"] for entry in result["results"])
    assert written_before < PODS, "every write was done before the kill; the test needs writes after it"
    uncertain = [e for e in result["results"] if any("connection broke" in w for w in e["warnings"])]
    _converged(cluster, ns, args)
    record("apiserver_restart_before_writes", pods=PODS, outcome="resumed", written_before_kill=written_before,
           writes_that_lost_their_answer=len(uncertain), apiserver_ready_after_start_seconds=round(ready_after, 1),
           task_seconds=round(task.seconds, 1), duplicates=0)
