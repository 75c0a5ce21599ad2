"""playbooks/enable_feature_gates.yml run by an operator who is not root: a local user with password-less sudo runs
ansible-playbook (its own, from Debian's Python) with the local connection and ``--become``, against the legacy era's
real control plane, as an SSH user with sudo would against a node. Without ``--become`` the run stops before it writes
anything, saying so. The gate is turned on (kubelet config, the apiserver's static pod, the scheduler), left alone by
a second run, and turned off again by the same user, and nothing of the run is left root-owned in the user's home.
Marked ``become``: `make test-become` runs it (about 6 min), not `make test`."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import yaml

from support import become
from support.ansible import REPO
from support.figures import record
from testbed import cluster as testbed_cluster

pytestmark = [pytest.mark.legacy, pytest.mark.become]

PLAYBOOK = REPO / "playbooks" / "enable_feature_gates.yml"
LEGACY_VARS = REPO / "tests" / "integration" / "playbooks" / "feature_gates_legacy.yml"


def _inventory(directory: Path, era, backups: Path) -> Path:
    """The legacy era as one control-plane host, with the variables of the role's legacy test play."""
    play_vars = yaml.safe_load(LEGACY_VARS.read_text())[0]["vars"]
    host = {key: value for key, value in play_vars.items() if not key.startswith("__")}
    rendered = json.loads(json.dumps(host).replace("{{ __legacy_state }}", str(era.state_dir))
                          .replace("{{ __legacy_bin }}", str(era.bin_dir))
                          .replace("{{ __legacy_era }}", era.name).replace("{{ __legacy_ports }}", str(era.port_prefix))
                          .replace("{{ playbook_dir }}/../../cluster", str(REPO / "tests" / "cluster")))
    rendered.update(ansible_connection="local", ansible_python_interpreter=str(become.VENV / "bin" / "python"),
                    feature_gates_backup_dir=str(backups))
    inventory = directory / "inventory.json"
    inventory.write_text(json.dumps({"all": {"children": {"kube_control_plane": {"hosts": {"localhost": rendered}},
                                                          "kube_node": {"hosts": {}}}}}))
    inventory.chmod(0o644)
    return inventory


def _play(inventory: Path, state: str, *options: str):
    playbook = str(become.ensure_venv())
    return become.run_as_operator([playbook, "-i", str(inventory), *options, str(PLAYBOOK),
                                   "-e", f"feature_gates_state={state}"], cwd=REPO)


def _run(inventory: Path, state: str, seconds: dict[str, float], label: str) -> str:
    started = time.monotonic()
    proc = _play(inventory, state, "--become")
    seconds[label] = round(time.monotonic() - started, 1)
    out = f"rc={proc.returncode}\n{proc.stdout[-5000:]}\n{proc.stderr[-2000:]}"
    assert proc.returncode == 0, out
    assert "failed=0" in proc.stdout, out
    return proc.stdout


def _kubelet_gates(era) -> dict:
    """featureGates of the kubelet's config file (the bed writes it as JSON, which is YAML too)."""
    return yaml.safe_load(era.kubelet_config.read_text()).get("featureGates") or {}


def _node_files(era) -> dict[Path, bytes]:
    paths = [era.manifests_dir / "kube-apiserver.yaml", era.manifests_dir / "kube-scheduler.yaml", era.kubelet_config]
    return {path: path.read_bytes() for path in paths}


def test_an_operator_with_sudo_enables_and_removes_the_gate(legacy_gate_off, tmp_path):
    era = legacy_gate_off.era
    become.ensure_user()
    work = Path("/var/tmp") / f"kubedebug-become-{os.getpid()}"
    work.mkdir(mode=0o755, exist_ok=True)
    inventory = _inventory(work, era, tmp_path / "backups")
    try:
        # Forgetting --become: stopped in preflight, naming the files and the fix, before anything is written.
        before = _node_files(era)
        refused = _play(inventory, "present")
        text = " ".join(refused.stdout.split())
        assert refused.returncode != 0, text[-3000:]
        assert "cannot be read or written by the user this play runs as" in text, text[-3000:]
        assert "run the playbook with --become" in text and "Nothing was changed" in text, text[-3000:]
        assert _node_files(era) == before
        assert not list((tmp_path / "backups").glob("*")), "a run without become wrote a backup"

        seconds: dict[str, float] = {}
        enabled = _run(inventory, "present", seconds, "enable_s")
        assert "--feature-gates=EphemeralContainers=true" in (era.manifests_dir / "kube-apiserver.yaml").read_text()
        assert _kubelet_gates(era) == {"EphemeralContainers": True}
        assert testbed_cluster.subresource_enabled(era), "the apiserver does not serve pods/ephemeralcontainers"
        assert "changed=0" not in enabled
        assert "changed=0" in _run(inventory, "present", seconds, "second_run_s"), "a second run changed something"

        _run(inventory, "absent", seconds, "remove_s")
        assert "EphemeralContainers" not in (era.manifests_dir / "kube-apiserver.yaml").read_text()
        assert "EphemeralContainers" not in _kubelet_gates(era)
        assert not testbed_cluster.subresource_enabled(era)
        home = Path(f"~{become.USER}").expanduser()
        root_owned = [str(p) for p in home.rglob("*") if p.stat().st_uid == 0]
        assert root_owned == [], f"the run left root-owned files in the operator's home: {root_owned}"
        at = text.index("cannot be read or written")
        record("feature_gates_become", **seconds, refusal=text[max(0, at - 200):at + 400])
    finally:
        if testbed_cluster.subresource_enabled(era):
            legacy_gate_off.set_gate(False)
        for path in sorted(work.glob("*")):
            path.unlink()
        work.rmdir()
