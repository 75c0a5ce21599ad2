"""Both modules on the oldest kubernetes client we declare (tests/requirements-min.txt), against the
current era: the floor in requirements.txt is exercised, not assumed."""

from __future__ import annotations

import subprocess

import pytest

from support.ansible import REPO
from support.ephemeral import only_result, run_ec, run_info
from support.pods import IMAGES, create_and_wait, tools_pod


@pytest.fixture(scope="module")
def min_python() -> str:
    python = subprocess.run([str(REPO / "hack" / "venv-min.sh")], capture_output=True, text=True, check=True).stdout.strip()
    floor = next(line.split("==")[1] for line in (REPO / "tests" / "requirements-min.txt").read_text().splitlines()
                 if line.startswith("kubernetes=="))
    installed = subprocess.run([python, "-c", "import kubernetes; print(kubernetes.__version__)"], capture_output=True,
                               text=True, check=True).stdout.strip()
    assert installed == floor, f"{python} has kubernetes {installed}, the floor is {floor}"
    return python


def test_inject_wait_logs_rerun_and_info_with_the_oldest_client(testbed_current, ns, min_python):
    create_and_wait(testbed_current.core(), ns, tools_pod("web"))
    args = {"namespace": ns, "pod": "web", "image": IMAGES["tools"], "command": ["sh", "-c", "echo floor-ok"],
            "target": "app", "wait": True, "wait_for": "terminated", "logs": True}
    first = run_ec(testbed_current, args, python=min_python)
    entry = only_result(first)
    assert first["changed"] is True and entry["created"] is True, first.get("msg")
    assert entry["status"]["state"] == "terminated" and entry["status"]["exit_code"] == 0
    assert entry["logs"] == "floor-ok\n"

    again = run_ec(testbed_current, args, python=min_python)
    assert again["changed"] is False and only_result(again)["container"] == entry["container"]

    info = run_info(testbed_current, {"namespace": ns, "pod": "web", "logs": True}, python=min_python)
    assert not info.get("failed"), info.get("msg")
    (pod,) = info["pods"]
    (container,) = pod["ephemeral_containers"]
    assert container["name"] == entry["container"] and container["logs"] == "floor-ok\n"
    assert info["server"]["api_era"] == "pod"
