"""Races between writers of one pod, and a crash in the middle of a fan-out.

Every writer is a real ansible-playbook process; the apiserver's audit log counts what was stored."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from support.ansible import REPO, collection_module_utils, environment, playbook_argv, run_module
from support.ephemeral import EC, ephemeral_names, ephemeral_specs, raw_pod, succeeded
from support.figures import record
from support.pods import IMAGES, create_and_wait, tools_pod, wait_running

TOOLS = IMAGES["tools"]


def _parallel(cluster, all_args: list[dict]) -> list[dict]:
    with ThreadPoolExecutor(max_workers=len(all_args)) as pool:
        return list(pool.map(lambda args: run_module(EC, args, kubeconfig=cluster.kubeconfig), all_args))


def _stored_patches(audit, ns: str) -> list[dict]:
    return [e for e in succeeded(audit.ephemeral_writes(ns)) if e["verb"] == "patch"]


def test_sixteen_writers_of_distinct_containers_all_land_once(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    audit = audit_of(cluster)
    started = time.monotonic()
    results = _parallel(cluster, [{"namespace": ns, "pod": "web", "name": f"writer-{i:02d}", "image": TOOLS,
                                   "command": ["sleep", "600"]} for i in range(16)])
    seconds = time.monotonic() - started
    assert all(not r.get("failed") for r in results), [r.get("msg") for r in results if r.get("failed")]
    assert sorted(r["results"][0]["container"] for r in results if r["results"][0]["created"]) == \
        [f"writer-{i:02d}" for i in range(16)]
    assert sorted(ephemeral_names(raw_pod(cluster, ns, "web"))) == [f"writer-{i:02d}" for i in range(16)]
    stored = _stored_patches(audit, ns)
    refused = [e for e in audit.ephemeral_writes(ns) if e not in stored]
    assert len(stored) == 16
    record("races_distinct", writers=16, containers=16, stored_writes=len(stored),
           stale_writes_refused_and_retried=len(refused), seconds=round(seconds, 1))


def test_eight_writers_of_one_container_add_it_once(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    audit = audit_of(cluster)
    args = {"namespace": ns, "pod": "web", "name": "shared", "image": TOOLS, "command": ["sleep", "600"]}
    results = _parallel(cluster, [dict(args)] * 8)
    assert all(not r.get("failed") for r in results), [r.get("msg") for r in results if r.get("failed")]
    changed = [r["changed"] for r in results]
    assert changed.count(True) == 1 and changed.count(False) == 7, changed
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == ["shared"]
    assert len(_stored_patches(audit, ns)) == 1
    record("races_same_spec", writers=8, containers=1, reported_changed=1, reported_unchanged=7)


def test_eight_writers_of_one_name_with_different_specs_one_wins(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    audit = audit_of(cluster)
    results = _parallel(cluster, [{"namespace": ns, "pod": "web", "name": "contested", "image": TOOLS,
                                   "command": ["sleep", str(600 + i)]} for i in range(8)])
    winners = [r for r in results if not r.get("failed")]
    losers = [r for r in results if r.get("failed")]
    assert len(winners) == 1 and winners[0]["changed"] is True, [r.get("msg") for r in results]
    assert len(losers) == 7
    for loser in losers:
        assert "cannot be changed or removed" in loser["msg"], loser["msg"]
        assert "command: existing" in loser["msg"], loser["msg"]
    (stored,) = ephemeral_specs(raw_pod(cluster, ns, "web"))
    assert stored["command"] == winners[0]["results"][0]["spec"]["command"]
    assert len(_stored_patches(audit, ns)) == 1
    record("races_different_specs", writers=8, containers=1, failed_with_immutability_message=len(losers))


def _descendants(pid: int) -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if parent == pid:
                children.append(int(entry))
    return children + [grandchild for child in children for grandchild in _descendants(child)]


def _kill_tree(pid: int) -> None:
    for victim in [pid, *_descendants(pid)]:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _fan_out(ns: str, kubeconfig: Path, directory: Path) -> tuple[Path, dict]:
    """The fan-out task's arguments and a playbook that runs it."""
    args = {"kubeconfig": str(kubeconfig), "namespace": ns, "label_selectors": ["app=fleet"], "image": TOOLS,
            "command": ["sleep", "600"], "run_id": "crash-1", "max_concurrency": 2, "max_pods": 60}
    path = directory / "fan-out.yml"
    path.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "connection": "local",
                                     "tasks": [{"name": "fan out", EC: args}]}]))
    return path, args


def test_kill_9_in_the_middle_of_a_fan_out_then_the_same_command_converges(cluster, ns, audit_of, tmp_path):
    core = cluster.core()
    for i in range(50):
        core.create_namespaced_pod(ns, tools_pod(f"fleet-{i:02d}", labels={"app": "fleet"}))
    for i in range(50):
        wait_running(core, ns, f"fleet-{i:02d}", timeout=300)
    audit = audit_of(cluster)
    playbook, args = _fan_out(ns, cluster.kubeconfig, tmp_path)
    argv = playbook_argv(playbook)
    first = subprocess.Popen(argv, env=environment(), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(_stored_patches(audit, ns)) < 10:
        time.sleep(0.05)
    written_at_kill = len(_stored_patches(audit, ns))
    # The whole tree: ansible-playbook, its worker, and the module process (which runs in its own session).
    _kill_tree(first.pid)
    first.wait()
    assert 0 < written_at_kill < 50, f"the kill came at {written_at_kill} of 50 writes; the test needs it in the middle"
    time.sleep(2)  # requests already on the wire finish on the server
    carrying = [i for i in range(50) if ephemeral_names(raw_pod(cluster, ns, f"fleet-{i:02d}"))]
    assert len(carrying) < 50, "the kill did not stop the writes"

    rerun = run_module(EC, args)
    assert not rerun.get("failed"), rerun.get("msg")
    created = [entry["pod"] for entry in rerun["results"] if entry["created"]]
    assert len(created) == 50 - len(carrying) and not set(created) & {f"fleet-{i:02d}" for i in carrying}
    names = {tuple(ephemeral_names(raw_pod(cluster, ns, f"fleet-{i:02d}"))) for i in range(50)}
    assert len(names) == 1 and len(next(iter(names))) == 1, names
    record("crash_and_resume", pods=50, written_before_kill=len(carrying), written_by_rerun=len(created),
           containers_per_pod=1, duplicates=0, lost=0)


def _read_then_write_at_once(cluster, ns: str, containers: list[dict]) -> list:
    """Every writer reads the pod, waits until all have read it, then writes: each write is based on
    the same, soon stale list, so only the server's guard decides what lands."""
    names = ("_core.connection", "_cluster.write", "_api.era", "_cluster.pods", "_api.pod")
    connection, write, era, pods, pod_facts = (collection_module_utils(name) for name in names)
    barrier = threading.Barrier(len(containers))

    def writer(container: dict):
        api = connection.create_api_client({"kubeconfig": str(cluster.kubeconfig)})
        before = pod_facts.ephemeral_containers(pods.read_pod(api, ns, "web"))
        barrier.wait()
        try:
            return write.add_container(api, era.ERA_POD, ns, "web", container, before)
        except Exception as exc:  # noqa: BLE001  (the test reports what each writer got)
            return exc

    with ThreadPoolExecutor(max_workers=len(containers)) as pool:
        return list(pool.map(writer, containers))


def test_sixteen_writers_from_one_stale_read_all_land_once(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    audit = audit_of(cluster)
    outcomes = _read_then_write_at_once(cluster, ns, [{"name": f"w{i:02d}", "image": TOOLS, "command": ["sleep", "600"]}
                                                      for i in range(16)])
    assert all(not isinstance(o, Exception) and o.created for o in outcomes), outcomes
    assert sorted(ephemeral_names(raw_pod(cluster, ns, "web"))) == [f"w{i:02d}" for i in range(16)]
    refused = [e for e in audit.ephemeral_writes(ns) if not 200 <= e["responseStatus"]["code"] < 300]
    assert len(_stored_patches(audit, ns)) == 16 and refused, "no write was refused: the writes did not collide"
    record("races_forced_distinct", writers=16, containers=16, stored_writes=16,
           stale_writes_refused_and_retried=len(refused), max_attempts=max(o.attempts for o in outcomes))


def test_eight_writers_of_one_container_from_one_stale_read_add_it_once(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    audit = audit_of(cluster)
    outcomes = _read_then_write_at_once(cluster, ns, [{"name": "shared", "image": TOOLS, "command": ["sleep", "600"]}] * 8)
    assert [o.created for o in outcomes].count(True) == 1, outcomes
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == ["shared"]
    assert len(_stored_patches(audit, ns)) == 1
    record("races_forced_same_spec", writers=8, containers=1, created=1, found_added_by_another=7)
