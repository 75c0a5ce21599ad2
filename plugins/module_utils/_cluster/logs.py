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


def read_logs(api_client: t.Any, namespace: str, pod: str, container: str, tail_lines: t.Optional[int] = None) -> str:
    query: _rest.Query = [("container", container)]
    if tail_lines is not None:
        query.append(("tailLines", tail_lines))
    path = "/api/v1/namespaces/{0}/pods/{1}/log".format(namespace, pod)
    try:
        return _rest.request_text(api_client, "GET", path, query=query, accept="text/plain, */*")
    except ApiException as exc:
        raise translate(exc, Operation("get", "pods/log", namespace, pod)) from exc


# The kubelet answers 200 with this text, not an error, when the container's log file is gone
# (rotated away, or its pod log directory removed); it must not be mistaken for the log.
LOST_LOG_MARKER = "failed to try resolving symlinks in path"


def try_read_logs(api_client: t.Any, namespace: str, pod: str, container: str, tail_lines: t.Optional[int] = None) -> t.Tuple[t.Optional[str], t.Optional[str]]:
    """(logs, None) or (None, why not): a container that never started has no logs, and that must not
    fail a task whose main job (injection or inspection) succeeded."""
    try:
        logs = read_logs(api_client, namespace, pod, container, tail_lines)
    except KubedebugError as exc:  # turned into a warning by the caller
        return None, exc.msg
    if logs.startswith(LOST_LOG_MARKER):
        return None, "the kubelet no longer has this container's log file: " + logs.strip()
    return logs, None
