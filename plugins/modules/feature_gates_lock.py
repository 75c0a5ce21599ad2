#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: feature_gates_lock
short_description: The node lock of the feature_gates role (internal to the role)
version_added: 0.1.0
author:
  - kubedebug.ephemeral maintainers (@kubedebug)
description:
  - B(Internal.) The P(kubedebug.ephemeral.feature_gates#role) role takes this lock before it changes a node's files
    and releases it at the end, so that two runs on one node never back up each other's half-written files. Its
    options and results may change in any release; call the role instead.
  - The lock is a directory in the backup directory (C(mkdir) is atomic) holding an C(owner) file with the controller,
    the C(ansible-playbook) process id, the time and the run's backup directory. Taking it also proves, before anything
    is changed, that the backup directory can be written.
  - A lock whose owner is gone is taken over, with a message naming that owner. Gone means the C(ansible-playbook) that
    took it no longer runs on this controller (killed with C(-9), say), the lock is older than O(stale_seconds), or
    it has had no owner for 30 seconds. Any other lock makes the task fail with a message naming its holder.
  - The action plugin of the same name runs on the controller (it knows the C(ansible-playbook) process and can check
    whether it still runs); the module does the file operations on the node, under C(flock) on the backup directory,
    so that a takeover only ever breaks the lock that was judged stale.
options:
  path:
    description:
      - The lock directory, in O(backup_dir).
    type: path
    required: true
  backup_dir:
    description:
      - The directory the lock lives in; created (mode C(0700)) when missing.
    type: path
    required: true
  state:
    description:
      - V(present) takes the lock, V(absent) releases it when O(owner) still holds it.
    type: str
    choices: [present, absent]
    default: present
  stale_seconds:
    description:
      - A lock older than this (1 or more seconds) is broken whoever holds it (the role's
        C(feature_gates_lock_stale_seconds)).
    type: int
    default: 3600
  run_dir:
    description:
      - This run's backup directory, written into the lock so that a refused run can say where the holder's backups go.
    type: str
    default: ""
  owner:
    description:
      - Set by the action plugin; the owner record to write (V(present)) or to match before removing (V(absent)).
    type: dict
  takeover:
    description:
      - Set by the action plugin; the owner record of a lock judged stale. The lock is broken only while that owner
        still holds it.
    type: dict
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  check_mode:
    support: full
    details:
      - Never takes or releases a lock in check mode (the role changes no file then).
  diff_mode:
    support: none
  platform:
    platforms: posix
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
notes:
  - The lock never reports a change; taking and releasing it leaves the node as it was.
"""

EXAMPLES = r"""
# What the feature_gates role does (roles/feature_gates/tasks/main.yml):
- name: Take this node's lock
  kubedebug.ephemeral.feature_gates_lock:
    path: /etc/kubernetes/tmp/kubedebug-feature-gates/.lock
    backup_dir: /etc/kubernetes/tmp/kubedebug-feature-gates
    stale_seconds: 3600
    run_dir: /etc/kubernetes/tmp/kubedebug-feature-gates/20261207T030000Z
  register: node_lock

- name: Release this node's lock
  kubedebug.ephemeral.feature_gates_lock:
    path: /etc/kubernetes/tmp/kubedebug-feature-gates/.lock
    backup_dir: /etc/kubernetes/tmp/kubedebug-feature-gates
    state: absent
    owner: "{{ node_lock.owner }}"
"""

RETURN = r"""
taken:
  description: Whether this run holds the lock now (V(present)).
  returned: always
  type: bool
owner:
  description: The owner record this run wrote into the lock (controller, pid, since, run_dir).
  returned: when taken
  type: dict
taken_over:
  description: The owner record of the stale lock this run broke, or null.
  returned: when taken
  type: dict
removed:
  description: Whether the lock was removed (V(absent)); false when another run holds it now.
  returned: with state=absent
  type: bool
"""

import errno
import fcntl
import json
import os
import shutil
import time
import typing as t

from ansible.module_utils.basic import AnsibleModule

OWNER_FILE = "owner"


class Unwritable(Exception):
    """The backup directory cannot be created or written."""


def _guard(backup_dir: str) -> int:
    """An flock on the backup directory itself: every look at the lock and every change to it happens under it."""
    try:
        os.makedirs(backup_dir, mode=0o700, exist_ok=True)
        if os.stat(backup_dir).st_mode & 0o7777 != 0o700:
            os.chmod(backup_dir, 0o700)
        fd = os.open(backup_dir, os.O_RDONLY)
    except OSError as exc:
        raise Unwritable(exc.strerror or str(exc)) from exc
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def read_owner(path: str) -> dict:
    """The owner record of the lock at ``path``; ``{}`` when there is none or it cannot be read."""
    try:
        with open(os.path.join(path, OWNER_FILE), encoding="utf-8") as handle:
            owner = json.load(handle)
    except (OSError, ValueError):
        return {}
    return owner if isinstance(owner, dict) else {}


def _create(path: str, owner: dict) -> None:
    os.mkdir(path, 0o700)
    with open(os.open(os.path.join(path, OWNER_FILE), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w",
              encoding="utf-8") as handle:
        json.dump(owner, handle)


def take(path: str, backup_dir: str, owner: dict, takeover: t.Optional[dict] = None,
         now: t.Optional[float] = None) -> dict:
    """Take the lock, or say who holds it and for how long (``holder``, ``age``, ``since``).

    With ``takeover`` (a holder judged stale) the lock is broken and taken only while that holder still holds it."""
    fd = _guard(backup_dir)
    try:
        try:
            _create(path, owner)
            return {"taken": True, "owner": owner, "taken_over": None}
        except FileExistsError:
            pass
        except OSError as exc:
            raise Unwritable(exc.strerror or str(exc)) from exc
        holder = read_owner(path)
        since = os.stat(path).st_mtime
        if takeover is not None and holder == takeover:
            shutil.rmtree(path)
            _create(path, owner)
            return {"taken": True, "owner": owner, "taken_over": holder}
        age = (time.time() if now is None else now) - since
        return {"taken": False, "holder": holder, "since": int(since), "age": int(age)}
    finally:
        os.close(fd)


def release(path: str, backup_dir: str, owner: dict) -> bool:
    """Remove the lock when ``owner`` still holds it (a run that took a stale lock over keeps it)."""
    if not os.path.isdir(path):
        return False
    fd = _guard(backup_dir)
    try:
        if read_owner(path) != owner:
            return False
        shutil.rmtree(path)
        return True
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return False
        raise
    finally:
        os.close(fd)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "backup_dir": {"type": "path", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "stale_seconds": {"type": "int", "default": 3600},
            "run_dir": {"type": "str", "default": ""},
            "owner": {"type": "dict"},
            "takeover": {"type": "dict"},
        },
        supports_check_mode=True,
    )
    params = module.params
    if params["stale_seconds"] < 1:
        module.fail_json(msg="stale_seconds (feature_gates_lock_stale_seconds) must be 1 or more, not %d"
                         % params["stale_seconds"])
    if os.path.dirname(os.path.normpath(params["path"])) != os.path.normpath(params["backup_dir"]):
        module.fail_json(msg="path %s must be directly in backup_dir %s" % (params["path"], params["backup_dir"]))
    if params["owner"] is None:
        module.fail_json(msg="owner is required; use the action plugin kubedebug.ephemeral.feature_gates_lock, which sets it")
    if module.check_mode:
        module.exit_json(changed=False, taken=False, removed=False, msg="check mode: no lock taken or released")
    if params["state"] == "absent":
        module.exit_json(changed=False, removed=release(params["path"], params["backup_dir"], params["owner"]))
    try:
        result = take(params["path"], params["backup_dir"], params["owner"], params["takeover"])
    except Unwritable as exc:
        module.fail_json(
            unwritable=True,
            msg="feature_gates_backup_dir %s cannot be written (%s). Nothing was changed. The role keeps the original "
                "files there before it changes them: give a writable directory on the node, outside the manifests "
                "directory." % (params["backup_dir"], exc))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
