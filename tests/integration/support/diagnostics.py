"""Running the kubedebug.ephemeral.diagnose playbook as users do, and reading what it wrote."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import yaml

from support.ansible import REPO, environment
from support.pods import IMAGES

EXAMPLES = REPO / "docs" / "examples"
GENERATOR = "kubedebug.ephemeral.diagnostics"


def diagnose(cluster, tmp_path: Path, targets: list[dict], run_id: str | None = None, connection: dict | None = None,
             env: dict[str, str] | None = None, options: tuple[str, ...] = (),
             **overrides) -> tuple[subprocess.CompletedProcess, Path]:
    """Run the playbook exactly as users do (-e @vars.yml); returns the process and the artifacts directory.
    ``env`` adds to ansible-playbook's environment, ``options`` to its command line (--check)."""
    artifacts = tmp_path / "artifacts"
    variables = {
        "diagnostics_artifacts_dir": str(artifacts),
        "diagnostics_jdk_image": IMAGES["jdk"],
        "diagnostics_network_image": IMAGES["tools"],
        "diagnostics_process_list_image": IMAGES["tools"],
        "diagnostics_wait_timeout": 90,
        "diagnostics_timeout": 120,
        "diagnostics_connection": connection or {"kubeconfig": str(cluster.kubeconfig)},
        "diagnostics_targets": targets,
    }
    if run_id is not None:
        variables["diagnostics_run_id"] = run_id
    variables.update(overrides)
    vars_file = tmp_path / f"vars-{uuid.uuid4().hex[:6]}.yml"
    vars_file.write_text(yaml.safe_dump(variables))
    argv = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,",
            "-e", f"ansible_python_interpreter={sys.executable}", "kubedebug.ephemeral.diagnose", "-e", f"@{vars_file}", *options]
    started = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, env=environment(env), timeout=300, cwd=tmp_path, check=False)
    proc.elapsed = time.monotonic() - started  # type: ignore[attr-defined]
    print(f"diagnose {run_id}: {proc.elapsed:.1f} s")  # noqa: T201  (shown with -s; durations for the report)
    return proc, artifacts


def ok(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]


def recap(proc: subprocess.CompletedProcess) -> dict[str, int]:
    match = re.search(r"localhost\s+:\s+(.*)$", proc.stdout, re.M)
    assert match, proc.stdout[-3000:]
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", match.group(1))}


def summary(artifacts: Path, run_id: str) -> dict:
    data = json.loads((artifacts / run_id / "summary.json").read_text())
    assert data["generator"] == GENERATOR and data["run_id"] == run_id
    return data


def pod_entry(data: dict, pod: str, container: str | None = None) -> dict:
    found = [p for p in data["pods"] if p["pod"] == pod and (container is None or p["container"] == container)]
    assert len(found) == 1, data["pods"]
    return found[0]
