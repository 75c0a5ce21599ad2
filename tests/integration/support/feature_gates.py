"""The feature_gates role run against one of the test bed's single-node static eras (legacy, legacy-1.16, ...)
through tests/integration/playbooks/feature_gates_legacy.yml."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import yaml

from support.ansible import run_playbook

PLAYBOOK = Path(__file__).resolve().parents[1] / "playbooks" / "feature_gates_legacy.yml"
RECAP = re.compile(r"^localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)"
                   r"\s+rescued=(\d+)\s+ignored=(\d+)", re.M)


def run_role(era, backup_dir: Path, check: bool = False, diff: bool = False,
             **extra: object) -> tuple[subprocess.CompletedProcess, dict[str, int], float]:
    """Run the playbook on ``era``; returns (CompletedProcess, recap dict, seconds)."""
    # The era's own paths: the play's defaults are the test bed's default roots, which KUBEDEBUG_TESTBED_STATE and
    # KUBEDEBUG_TESTBED_CACHE move (make cold-check runs everything under a fresh root).
    extra_vars: dict[str, object] = {"__legacy_state": str(era.state_dir), "__legacy_bin": str(era.bin_dir),
                                     "__legacy_era": era.name, "__legacy_ports": era.port_prefix,
                                     "feature_gates_backup_dir": str(backup_dir)}
    if era.minor < 19:
        # kubectl before 1.19 has no --tls-server-name; the bed's apiserver certificate holds 127.0.0.1.
        extra_vars["feature_gates_apiserver_tls_server_name"] = ""
    started = time.monotonic()
    proc = run_playbook(PLAYBOOK, extra_vars={**extra_vars, **extra}, check=check, diff=diff, timeout=480)
    seconds = round(time.monotonic() - started, 1)
    found = RECAP.search(proc.stdout)
    assert found, f"no PLAY RECAP (rc={proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
    recap = dict(zip(("ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored"),
                     map(int, found.groups())))
    return proc, recap, seconds


def ok(proc: subprocess.CompletedProcess) -> str:
    return f"rc={proc.returncode}\n{proc.stdout[-5000:]}\n{proc.stderr[-2000:]}"


def discovery(cluster) -> list[str]:
    """The resources the apiserver serves under /api/v1 (pods/ephemeralcontainers only with the gate on)."""
    return [r["name"] for r in json.loads(cluster.kubectl("get", "--raw", "/api/v1").stdout)["resources"]]


def kubelet_effective_gates(cluster) -> dict:
    """The gates the running kubelet reports (/configz through the apiserver's node proxy)."""
    raw = cluster.kubectl("get", "--raw", f"/api/v1/nodes/{cluster.era.node_name}/proxy/configz").stdout
    return json.loads(raw)["kubeletconfig"].get("featureGates") or {}


def feature_gate_flags(manifest: bytes) -> list[str]:
    """The --feature-gates arguments of a static pod manifest's container."""
    command = yaml.safe_load(manifest)["spec"]["containers"][0]["command"]
    return [arg for arg in command if arg == "--feature-gates" or arg.startswith("--feature-gates=")]
