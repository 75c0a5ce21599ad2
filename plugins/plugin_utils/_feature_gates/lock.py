# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The controller's half of the feature_gates node lock: who asks for it, whether its holder is gone, and the
messages. The node's half (the directory, the owner file, flock) is the module kubedebug.ephemeral.feature_gates_lock.

A lock is stale when the ansible-playbook that took it from this controller no longer runs (killed with -9, say), when
it is older than feature_gates_lock_stale_seconds whoever holds it, or when it has had no owner for 30 seconds (a run
that died between creating the directory and writing its owner). The process check can only be made on the
controller that took the lock, which is why this half runs there.
"""

from __future__ import annotations

import datetime
import os
import socket
import time
import typing as t

OWNERLESS_GRACE_SECONDS = 30


def me(run_dir: str, pid: t.Optional[int] = None, now: t.Optional[float] = None) -> dict[str, t.Any]:
    """This run's owner record. An action plugin runs in a worker process forked from ansible-playbook, so the
    worker's parent is the ansible-playbook process that a later run checks for."""
    return {"controller": socket.gethostname(), "pid": os.getppid() if pid is None else pid,
            "since": int(time.time() if now is None else now), "run_dir": run_dir}


def runs_ansible(pid: t.Any) -> bool:
    """Whether process ``pid`` exists on this machine and is an Ansible process (its command line says so)."""
    try:
        pid = int(pid)
    except (TypeError, ValueError):
        return False
    if pid <= 0:
        return False
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return b"ansible" in handle.read()
    except OSError:
        return False


def is_stale(holder: dict[str, t.Any], age: int, stale_seconds: int, controller: str,
             alive: t.Optional[t.Callable[[t.Any], bool]] = None) -> bool:
    """Whether the lock ``holder`` took ``age`` seconds ago may be broken by a run on ``controller``; ``alive``
    says whether a process id of this controller still runs Ansible (runs_ansible)."""
    alive = alive or runs_ansible
    if age > stale_seconds:
        return True
    if not holder:
        return age > OWNERLESS_GRACE_SECONDS
    return holder.get("controller") == controller and not alive(holder.get("pid"))


def describe(holder: dict[str, t.Any]) -> str:
    return "ansible-playbook pid %s on %s" % (holder.get("pid", "?"), holder.get("controller", "?"))


def held_message(node: str, path: str, holder: dict[str, t.Any], since: int) -> str:
    when = datetime.datetime.fromtimestamp(int(since), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ("%s: another feature_gates run holds this node's lock %s (%s, since %s, backups in %s). Nothing was "
            "changed. Let that run finish first; if no run is active any more, remove %s."
            % (node, path, describe(holder), when, holder.get("run_dir", "?"), path))


def taken_over_message(node: str, holder: dict[str, t.Any]) -> str:
    return "%s: the lock of %s is stale (that run is gone); taking it over." % (node, describe(holder))
