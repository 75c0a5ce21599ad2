# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""LIST then WATCH one namespaced collection for as long as the event source runs, and resume after the server has
dropped the watch's place (410 Gone: the resource version is older than what it keeps) by listing again. The
caller's state (tracker.py) is kept across that re-list, so nothing that changed meanwhile is lost or sent twice.

Blocking, for a thread of its own: the kubernetes client has no asyncio API. Nothing here polls: a watch waits for
the server to send, and ends only when the server closes it (``timeoutSeconds``) or the connection breaks."""

from __future__ import annotations

import json
import threading
import time
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import (
    ApiException,
    KubedebugError,
    Operation,
    is_transient,
    translate,
)

GONE = 410
WATCH_SECONDS = 300  # the server ends each watch after this; the next one goes on from the same place
_LIST_PAGE = 500
_RETRY_MAX = 30.0  # seconds between attempts while the API server cannot be reached


class ListWatch:
    """``on_list(items)`` after every LIST (the first, and each re-list); ``on_event(type, object)`` for ADDED,
    MODIFIED and DELETED. Both are called from this thread."""

    def __init__(
        self,
        api_client: t.Any,
        resource: str,
        namespace: str,
        on_list: t.Callable[[t.List[t.Dict[str, t.Any]]], None],
        on_event: t.Callable[[str, t.Dict[str, t.Any]], None],
        label_selector: str = "",
        field_selector: str = "",
        watch_seconds: int = WATCH_SECONDS,
        sleep: t.Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_client = api_client
        self.resource = resource
        self.namespace = namespace
        self.path = "/api/v1/namespaces/{0}/{1}".format(namespace, resource)
        self.on_list = on_list
        self.on_event = on_event
        self.selectors: _rest.Query = [(k, v) for k, v in (("labelSelector", label_selector), ("fieldSelector", field_selector)) if v]
        self.watch_seconds = watch_seconds
        self.sleep = sleep
        self.stopped = threading.Event()
        self.lists = 0
        self.resumed_after_gone = 0
        self.interruptions = 0

    def _error(self, exc: ApiException, verb: str) -> KubedebugError:
        return translate(exc, Operation(verb, self.resource, self.namespace))

    def list(self) -> str:
        """LIST every page; hand the items over; return the version to watch from."""
        items: t.List[t.Dict[str, t.Any]] = []
        token = None
        meta: t.Dict[str, t.Any] = {}
        while True:
            query = [("limit", _LIST_PAGE)] + self.selectors + ([("continue", token)] if token else [])
            try:
                page = _rest.request_json(self.api_client, "GET", self.path, query=query)
            except ApiException as exc:
                raise self._error(exc, "list") from exc
            items += [item for item in page.get("items") or [] if isinstance(item, dict)]
            meta = page.get("metadata") or {}
            token = meta.get("continue")
            if not token:
                break
        self.lists += 1
        self.on_list(items)
        return meta.get("resourceVersion") or ""

    def watch(self, resource_version: str) -> str:
        """One WATCH from ``resource_version``; return where the next one goes on from, or "" to list again."""
        query = [("watch", "true"), ("allowWatchBookmarks", "true"), ("timeoutSeconds", self.watch_seconds),
                 ("resourceVersion", resource_version)] + self.selectors
        try:
            response = _rest.open_response(self.api_client, "GET", self.path, query=query, timeout=(10, self.watch_seconds + 15))
        except ApiException as exc:
            if exc.status == GONE:
                self.resumed_after_gone += 1
                return ""
            raise self._error(exc, "watch") from exc
        try:
            for line in _rest.iter_lines(response):
                if self.stopped.is_set():
                    break
                event = json.loads(line)
                kind, obj = event.get("type"), event.get("object") or {}
                if kind == "ERROR":
                    # {"kind": "Status", "code": 410, "reason": "Expired", ...}: the place is gone; list again.
                    if obj.get("code") == GONE:
                        self.resumed_after_gone += 1
                    else:
                        self.interruptions += 1
                    return ""
                resource_version = (obj.get("metadata") or {}).get("resourceVersion") or resource_version
                if kind in ("ADDED", "MODIFIED", "DELETED"):
                    self.on_event(kind, obj)
        except (_rest.TransportError, OSError, ValueError):
            self.interruptions += 1  # the stream broke or a line came cut: list again
            return ""
        finally:
            response.close()
            response.release_conn()
        return resource_version

    def run(self) -> None:
        """Until stop(): LIST, then WATCH after WATCH; a 410 or a broken stream lists again. An API server that
        cannot be reached is tried again with a growing pause; any other error (RBAC, a missing namespace) ends the
        run with its message."""
        resource_version = ""
        pause = 1.0
        while not self.stopped.is_set():
            try:
                if not resource_version:
                    resource_version = self.list()
                resource_version = self.watch(resource_version)
                pause = 1.0
            except KubedebugError as exc:
                if not is_transient(exc):
                    raise
                self.interruptions += 1
                resource_version = ""
                self.sleep(pause)
                pause = min(pause * 2, _RETRY_MAX)

    def stop(self) -> None:
        self.stopped.set()
