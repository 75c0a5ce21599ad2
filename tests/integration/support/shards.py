"""Shards on the test bed: the shards inventory, playbooks run over it (several hosts, forks, limits), a module task
run as a process that can be killed, and the writes per pod the apiserver's audit log saw."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from support.ansible import REPO, environment
from support.ephemeral import EC, succeeded

PLAYBOOKS = REPO / "playbooks"


def shards_inventory(directory: Path, count: int, **settings) -> Path:
    path = directory / "fleet.shards.yml"
    path.write_text(yaml.safe_dump({"plugin": "kubedebug.ephemeral.shards", "count": count, **settings}))
    return path


def run_over(playbook: str | Path, inventory: Path | str, extra_vars: dict, *options: str,
             timeout: float = 600) -> subprocess.CompletedProcess:
    """ansible-playbook as users run it: ``playbook`` (a file or kubedebug.ephemeral.<name>) on ``inventory``."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="kubedebug-it-vars-", delete=False) as handle:
        json.dump(extra_vars, handle)
    try:
        argv = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(playbook),
                "-e", f"@{handle.name}", *options]
        started = time.monotonic()
        proc = subprocess.run(argv, capture_output=True, text=True, env=environment(), timeout=timeout, cwd=REPO, check=False)
        proc.elapsed = time.monotonic() - started  # type: ignore[attr-defined]
        return proc
    finally:
        os.unlink(handle.name)


def recaps(proc: subprocess.CompletedProcess) -> dict[str, dict[str, int]]:
    """The PLAY RECAP line of each host."""
    out: dict[str, dict[str, int]] = {}
    started = False
    for line in proc.stdout.splitlines():
        if line.startswith("PLAY RECAP"):
            started = True
            continue
        if started and ":" in line and "=" in line:
            host, counts = line.split(":", 1)
            out[host.strip()] = {key: int(value) for key, value in (pair.split("=") for pair in counts.split())}
    return out


def start_module_task(module: str, args: dict, directory: Path) -> subprocess.Popen:
    """One module task on localhost as its own ansible-playbook process (and process group), not waited for."""
    play = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
             "tasks": [{"name": "module under test", module: args}]}]
    playbook = directory / "task.yml"
    playbook.write_text(yaml.safe_dump(play))
    argv = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,",
            "-e", f"ansible_python_interpreter={sys.executable}", str(playbook)]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment(), cwd=REPO,
                            start_new_session=True)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, from the parent ids in /proc/<pid>/stat."""
    parent_of = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parent_of[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parent_of.items() if parent in frontier]
        found += children
        frontier = children
    return found


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL the ansible-playbook we started and every process below it, as a node loss would. Its local
    connection runs the module in a session of its own, so killing the process group alone would leave the module
    writing."""
    for pid in [*descendants(proc.pid), proc.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)


def writes_per_pod(audit, namespace: str) -> collections.Counter:
    """Writes to pods/ephemeralcontainers the apiserver carried out since audit.mark(), per pod."""
    return collections.Counter(e["objectRef"]["name"] for e in succeeded(audit.ephemeral_writes(namespace)))


def wait_for_writes(audit, namespace: str, at_least: int, timeout: float = 120) -> collections.Counter:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        written = writes_per_pod(audit, namespace)
        if sum(written.values()) >= at_least:
            return written
        time.sleep(0.2)
    raise AssertionError(f"fewer than {at_least} writes in {namespace} after {timeout} s")


def ec_play_args(cluster, ns: str, **extra) -> dict:
    """ephemeral_container's arguments for the fleet (see support.fleet.fleet_task), with the cluster's kubeconfig."""
    from support.fleet import fleet_task

    return {**fleet_task(ns, **extra), "kubeconfig": str(cluster.kubeconfig)}


__all__ = ["EC", "PLAYBOOKS", "ec_play_args", "kill", "recaps", "run_over", "shards_inventory", "start_module_task",
           "wait_for_writes", "writes_per_pod"]
