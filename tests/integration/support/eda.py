"""ansible-rulebook running the collection's rulebook (extensions/eda/rulebooks/capture_on_trigger.yml) as users run
it, and reading what the captures it started wrote."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import yaml

from support.ansible import environment

RULEBOOK = "kubedebug.ephemeral.capture_on_trigger"


class Rulebook:
    """``ansible-rulebook --rulebook kubedebug.ephemeral.capture_on_trigger -i inventory.yml --vars vars.yml -v``, its
    output in ``rulebook.log``; the cluster through K8S_AUTH_KUBECONFIG, as the rulebook's header says."""

    def __init__(self, directory: Path, kubeconfig: Path, rulebook_vars: dict, host_vars: dict) -> None:
        self.directory = directory
        self.log = directory / "rulebook.log"
        (directory / "vars.yml").write_text(yaml.safe_dump(rulebook_vars))
        host = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable, **host_vars}
        (directory / "inventory.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": host}}}))
        bin_dir = str(Path(sys.executable).parent)  # ansible-galaxy and ansible-playbook of this venv
        self.env = environment({"K8S_AUTH_KUBECONFIG": str(kubeconfig), "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")})
        self.argv = [str(Path(bin_dir) / "ansible-rulebook"), "--rulebook", RULEBOOK, "-i", "inventory.yml", "--vars", "vars.yml", "-v"]
        self.process: t.Optional[subprocess.Popen] = None

    def start(self) -> None:
        with self.log.open("w") as out:
            # Runs until stop(), so not in a with block.
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                self.argv, cwd=self.directory, env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            assert self.process is not None and self.process.poll() is None, "ansible-rulebook ended:\n" + self.output()[-6000:]
            time.sleep(0.2)
        raise AssertionError(f"ansible-rulebook did not log {text!r} within {timeout} s:\n" + self.output()[-6000:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


def summaries(artifacts: Path) -> t.List[dict]:
    """Every run's summary.json, oldest first."""
    found = [json.loads(path.read_text()) for path in artifacts.glob("*/summary.json")]
    return sorted(found, key=lambda s: s["run_id"])


def _indexed(artifacts: Path) -> t.Set[str]:
    try:
        return {run["run_id"] for run in json.loads((artifacts / "index.json").read_text())["runs"]}
    except (OSError, ValueError):
        return set()


def wait_for_run(artifacts: Path, rulebook: Rulebook, pod: str, cause: str, timeout: float = 150) -> dict:
    """The summary of the triggered run that captured ``pod`` for ``cause``, once the run is over (the index, written
    last, lists it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = [s for s in summaries(artifacts) if (s.get("trigger") or {}).get("pod") == pod and s["trigger"]["cause"] == cause]
        if runs and runs[0]["run_id"] in _indexed(artifacts):
            return runs[0]
        time.sleep(0.5)
    raise AssertionError(f"no capture of {pod} for {cause} within {timeout} s:\n" + rulebook.output()[-8000:])


def state(artifacts: Path) -> dict:
    path = artifacts / "triggers.json"
    return json.loads(path.read_text()) if path.exists() else {"captures": [], "suppressed": []}


def wait_for_suppressed(artifacts: Path, rulebook: Rulebook, pod: str, cause: str, timeout: float = 150) -> dict:
    """The state file's record of a trigger (``pod``, ``cause``) that did not capture, with the reason."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [s for s in state(artifacts)["suppressed"] if s["pod"] == pod and s["cause"] == cause]
        if found:
            return found[0]
        time.sleep(0.5)
    raise AssertionError(f"no suppressed {cause} trigger for {pod} within {timeout} s:\n" + rulebook.output()[-8000:])
