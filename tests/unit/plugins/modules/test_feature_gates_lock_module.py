# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The node half of the feature_gates lock, for real on temporary directories: taking it is atomic and writes its
owner, a held lock names its holder, a takeover breaks only the lock that was judged stale, a release removes only
this run's lock, and a backup directory that cannot be written fails before anything is created."""

from __future__ import annotations

import json
import os
import threading

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.modules import feature_gates_lock as node
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import run_main

ME = {"controller": "ctl", "pid": 4242, "since": 1_700_000_000, "run_dir": "/b/20261207T030000Z"}
OTHER = {"controller": "ctl", "pid": 99, "since": 1_600_000_000, "run_dir": "/b/old"}


@pytest.fixture
def dirs(tmp_path):
    backup = tmp_path / "backups"
    return str(backup), str(backup / ".lock")


def test_take_creates_the_backup_dir_and_the_lock_with_its_owner(dirs) -> None:
    backup, lock = dirs
    assert node.take(lock, backup, ME) == {"taken": True, "owner": ME, "taken_over": None}
    assert os.stat(backup).st_mode & 0o7777 == 0o700
    assert json.loads(open(os.path.join(lock, "owner"), encoding="utf-8").read()) == ME
    assert os.stat(os.path.join(lock, "owner")).st_mode & 0o777 == 0o600


def test_a_held_lock_names_its_holder_and_age(dirs) -> None:
    backup, lock = dirs
    node.take(lock, backup, OTHER)
    os.utime(lock, (1000, 1000))
    answer = node.take(lock, backup, ME, now=1090)
    assert answer == {"taken": False, "holder": OTHER, "since": 1000, "age": 90}
    assert node.read_owner(lock) == OTHER


def test_a_takeover_breaks_only_the_lock_judged_stale(dirs) -> None:
    backup, lock = dirs
    node.take(lock, backup, OTHER)
    # Another run took the stale lock over first: ours was judged against OTHER, so it must not break theirs.
    third = dict(OTHER, pid=7)
    assert node.take(lock, backup, third, takeover=OTHER)["taken"]
    refused = node.take(lock, backup, ME, takeover=OTHER)
    assert not refused["taken"] and refused["holder"] == third
    assert node.take(lock, backup, ME, takeover=third) == {"taken": True, "owner": ME, "taken_over": third}
    assert node.read_owner(lock) == ME


def test_an_ownerless_lock_can_be_taken_over(dirs) -> None:
    backup, lock = dirs
    os.makedirs(lock)
    answer = node.take(lock, backup, ME)
    assert not answer["taken"] and answer["holder"] == {}
    assert node.take(lock, backup, ME, takeover={})["taken_over"] == {}


def test_release_removes_only_this_runs_lock(dirs) -> None:
    backup, lock = dirs
    node.take(lock, backup, OTHER)
    assert node.release(lock, backup, ME) is False and os.path.isdir(lock)
    assert node.release(lock, backup, OTHER) is True and not os.path.exists(lock)
    assert node.release(lock, backup, OTHER) is False


def test_one_winner_when_many_take_at_once(dirs) -> None:
    backup, lock = dirs
    results = []
    barrier = threading.Barrier(8)

    def contend(pid: int) -> None:
        barrier.wait()
        results.append(node.take(lock, backup, dict(ME, pid=pid)))

    threads = [threading.Thread(target=contend, args=(pid,)) for pid in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [r for r in results if r["taken"]]
    assert len(winners) == 1
    assert node.read_owner(lock) == winners[0]["owner"]
    assert all(r["holder"] == winners[0]["owner"] for r in results if not r["taken"])


def test_an_unwritable_backup_dir_fails_before_anything_is_created(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(node.Unwritable, match="Not a directory"):
        node.take(str(blocker / "backups" / ".lock"), str(blocker / "backups"), ME)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_the_module_reports_no_change_and_the_unwritable_message(tmp_path) -> None:
    backup = str(tmp_path / "b")
    taken = run_main(node.main, {"path": backup + "/.lock", "backup_dir": backup, "owner": ME})
    assert taken["taken"] and taken["changed"] is False and not taken.get("failed")
    released = run_main(node.main, {"path": backup + "/.lock", "backup_dir": backup, "owner": ME, "state": "absent"})
    assert released["removed"] and released["changed"] is False
    blocker = tmp_path / "f"
    blocker.write_text("")
    failed = run_main(node.main, {"path": str(blocker) + "/b/.lock", "backup_dir": str(blocker) + "/b", "owner": ME})
    assert failed["failed"] and failed["unwritable"]
    assert failed["msg"].startswith(f"feature_gates_backup_dir {blocker}/b cannot be written (Not a directory). Nothing was changed.")


@pytest.mark.parametrize("args, message", [
    ({"stale_seconds": 0}, "stale_seconds (feature_gates_lock_stale_seconds) must be 1 or more, not 0"),
    ({"path": "/elsewhere/.lock"}, "must be directly in backup_dir"),
    ({"owner": None}, "owner is required"),
])
def test_bad_arguments_fail_before_any_write(tmp_path, args, message) -> None:
    backup = str(tmp_path / "b")
    result = run_main(node.main, dict({"path": backup + "/.lock", "backup_dir": backup, "owner": ME}, **args))
    assert result["failed"] and message in result["msg"]
    assert not os.path.exists(backup)


def test_check_mode_takes_nothing(tmp_path) -> None:
    backup = str(tmp_path / "b")
    result = run_main(node.main, {"path": backup + "/.lock", "backup_dir": backup, "owner": ME}, check_mode=True)
    assert result["taken"] is False and not os.path.exists(backup)
