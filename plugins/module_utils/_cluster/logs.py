# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading an ephemeral container's logs (``pods/log`` works for them, running or exited)."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import (
    ApiException,
    KubedebugError,
    Operation,
    translate,
)


def read_logs(api_client: t.Any, namespace: str, pod: str, container: str, tail_lines: t.Optional[int] = None,
              limit_bytes: int = 0) -> str:
    """The log (after ``tail_lines``), at most ``limit_bytes`` bytes of it from the start when that is not 0. One
    byte more is asked for, so that a cut log can be told from one of exactly that size."""
    query: _rest.Query = [("container", container)]
    if tail_lines is not None:
        query.append(("tailLines", tail_lines))
    if limit_bytes:
        query.append(("limitBytes", limit_bytes + 1))
    path = "/api/v1/namespaces/{0}/pods/{1}/log".format(namespace, pod)
    try:
        return _rest.request_text(api_client, "GET", path, query=query, accept="text/plain, */*")
    except ApiException as exc:
        raise translate(exc, Operation("get", "pods/log", namespace, pod)) from exc


# The kubelet answers 200 with this text, not an error, when the container's log file is gone
# (rotated away, or its pod log directory removed); it must not be mistaken for the log.
LOST_LOG_MARKER = "failed to try resolving symlinks in path"


class LogRead(t.NamedTuple):
    text: t.Optional[str]  # None when the log could not be read
    problem: t.Optional[str]  # why not, for a warning
    truncated: bool = False  # cut at limit_bytes


def cut(text: str, limit_bytes: int) -> t.Tuple[str, bool]:
    """At most ``limit_bytes`` bytes of UTF-8 from the start of ``text`` (never half a character), and whether
    anything was cut; 0 keeps everything."""
    data = text.encode("utf-8")
    if not limit_bytes or len(data) <= limit_bytes:
        return text, False
    return data[:limit_bytes].decode("utf-8", errors="ignore"), True


def try_read_logs(api_client: t.Any, namespace: str, pod: str, container: str, tail_lines: t.Optional[int] = None,
                  limit_bytes: int = 0) -> LogRead:
    """The log, or why not: a container that never started has no logs, and that must not fail a task whose
    main job (injection or inspection) succeeded."""
    try:
        logs = read_logs(api_client, namespace, pod, container, tail_lines, limit_bytes)
    except KubedebugError as exc:  # turned into a warning by the caller
        return LogRead(None, exc.msg)
    if logs.startswith(LOST_LOG_MARKER):
        return LogRead(None, "the kubelet no longer has this container's log file: " + logs.strip())
    # Cut here too: not every server honours limitBytes (kwok's simulated kubelets do not).
    text, truncated = cut(logs, limit_bytes)
    return LogRead(text, None, truncated)
