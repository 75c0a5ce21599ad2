# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Who wrote an ephemeral container: field managers in ``managedFields`` and the ``annotate`` record.
Pure: reading and building records; the write of a record is in _cluster/audit.py.

managedFields keep one entry per (manager, operation, apiVersion, subresource), with the time of that
manager's latest change: when one manager added several containers, the time belongs to the newest
of them, and is only an upper bound for the others (``time_exact`` says which)."""

from __future__ import annotations

import datetime
import getpass
import json
import socket
import typing as t


DEFAULT_FIELD_MANAGER = "kubedebug.ephemeral"


# k8s.io/apiserver ValidateFieldManager: at most 128 bytes, printable characters only.
FIELD_MANAGER_MAX = 128


# One annotation per container: the key's name part is the container name (a DNS label, so a valid one).
ANNOTATION_PREFIX = "kubedebug.ephemeral/"


def field_manager_problems(value: t.Any) -> t.List[str]:
    if not isinstance(value, str) or value == "":
        return []  # type and emptiness are checked with the other options
    if len(value.encode("utf-8")) > FIELD_MANAGER_MAX:
        return ["field_manager: %d bytes is too long; the apiserver takes at most %d" % (len(value.encode("utf-8")), FIELD_MANAGER_MAX)]
    if not value.isprintable():
        return ["field_manager: %r holds characters that are not printable; the apiserver refuses them" % value]
    return []


def _names_in(fields: t.Mapping[str, t.Any]) -> t.List[str]:
    """Container names owned in one managedFields entry (``k:{"name":"x"}`` keys of the list)."""
    spec = fields.get("f:spec")
    owned = (spec if isinstance(spec, dict) else fields).get("f:ephemeralContainers")
    names = []
    for key in owned or {}:
        if key.startswith("k:"):
            try:
                name = json.loads(key[2:]).get("name")
            except (ValueError, AttributeError):
                continue
            if isinstance(name, str):
                names.append(name)
    return names


def writers(pod: t.Mapping[str, t.Any]) -> t.Dict[str, t.Dict[str, t.Any]]:
    """For each ephemeral container the managedFields entry that owns it: manager, operation, time,
    subresource (absent before 1.22, where managedFields had no such field) and ``time_exact``."""
    order = [c.get("name") for c in (pod.get("spec") or {}).get("ephemeralContainers") or []]
    found: t.Dict[str, t.Dict[str, t.Any]] = {}
    for entry in (pod.get("metadata") or {}).get("managedFields") or []:
        owned = _names_in(entry.get("fieldsV1") or {})
        if not owned:
            continue
        newest = max(owned, key=lambda name: order.index(name) if name in order else -1)
        for name in owned:
            found.setdefault(name, {
                "manager": entry.get("manager"),
                "operation": entry.get("operation"),
                "time": entry.get("time"),
                "subresource": entry.get("subresource"),
                "api_version": entry.get("apiVersion"),
                "time_exact": name == newest,
            })
    return found


def annotation_key(container: str) -> str:
    return ANNOTATION_PREFIX + container


def records(pod: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    """The annotation records on a pod, by container name (unparsable values are kept as text)."""
    found: t.Dict[str, t.Any] = {}
    for key, value in ((pod.get("metadata") or {}).get("annotations") or {}).items():
        if key.startswith(ANNOTATION_PREFIX):
            try:
                found[key[len(ANNOTATION_PREFIX):]] = json.loads(value)
            except ValueError:
                found[key[len(ANNOTATION_PREFIX):]] = value
    return found


def new_record(run_id: t.Optional[str], field_manager: str, added: bool) -> t.Dict[str, t.Any]:
    """What an annotation records: the run, who ran it where (the host and OS user the module runs as:
    the controller itself when the task runs on localhost, as Kubernetes tasks usually do), and when."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER (some containers)
        user = None
    return {
        "run_id": run_id,
        "user": user,
        "host": socket.gethostname(),
        "time": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "field_manager": field_manager,
        "added_by_this_run": added,
    }
