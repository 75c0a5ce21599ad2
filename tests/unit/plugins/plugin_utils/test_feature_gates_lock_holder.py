# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The controller half of the feature_gates lock: when a holder is gone (checked on real processes), and the
messages that name the holder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import lock

HOLDER = {"controller": "ctl", "pid": 4242, "since": 1_700_000_000, "run_dir": "/b/r1"}


@pytest.fixture
def process():
    """Start a real process with the given command line; stop it afterwards."""
    started = []

    def start(*argv: str) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", *argv])
        started.append(proc)
        # Right after exec the kernel may show an empty command line for a moment.
        deadline = time.monotonic() + 10
        while not Path(f"/proc/{proc.pid}/cmdline").read_bytes() and time.monotonic() < deadline:
            time.sleep(0.01)
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


def test_runs_ansible_reads_the_real_process_table(process) -> None:
    playbook = process("/usr/bin/ansible-playbook", "site.yml")
    other = process("something-else")
    assert lock.runs_ansible(playbook.pid) and lock.runs_ansible(str(playbook.pid))
    assert not lock.runs_ansible(other.pid)
    playbook.kill()
    playbook.wait()
    assert not lock.runs_ansible(playbook.pid)
    assert not lock.runs_ansible(0) and not lock.runs_ansible("?") and not lock.runs_ansible(None)


def test_a_live_run_of_this_controller_keeps_its_lock(process) -> None:
    playbook = process("ansible-playbook")
    holder = dict(HOLDER, pid=playbook.pid)
    assert not lock.is_stale(holder, age=10, stale_seconds=3600, controller="ctl")
    playbook.kill()
    playbook.wait()
    assert lock.is_stale(holder, age=10, stale_seconds=3600, controller="ctl")


def test_another_controllers_lock_is_stale_only_by_age() -> None:
    def gone(pid: object) -> bool:  # its process cannot be checked from here
        return False

    assert not lock.is_stale(dict(HOLDER, controller="elsewhere"), 3600, 3600, "ctl", alive=gone)
    assert lock.is_stale(dict(HOLDER, controller="elsewhere"), 3601, 3600, "ctl", alive=gone)


def test_an_ownerless_lock_gets_thirty_seconds() -> None:
    assert not lock.is_stale({}, 30, 3600, "ctl")
    assert lock.is_stale({}, 31, 3600, "ctl")


def test_me_is_the_ansible_playbook_process() -> None:
    record = lock.me("/b/r2", now=1_800_000_000.7)
    assert record["pid"] == os.getppid() and record["since"] == 1_800_000_000 and record["run_dir"] == "/b/r2"
    assert record["controller"]


def test_messages_name_the_holder() -> None:
    held = lock.held_message("cp1", "/b/.lock", HOLDER, 1_700_000_000)
    assert held == ("cp1: another feature_gates run holds this node's lock /b/.lock (ansible-playbook pid 4242 on ctl, "
                    "since 2023-11-14T22:13:20Z, backups in /b/r1). Nothing was changed. Let that run finish first; "
                    "if no run is active any more, remove /b/.lock.")
    assert lock.taken_over_message("cp1", HOLDER) == (
        "cp1: the lock of ansible-playbook pid 4242 on ctl is stale (that run is gone); taking it over.")
    assert "ansible-playbook pid ? on ?" in lock.held_message("cp1", "/b/.lock", {}, 0)
