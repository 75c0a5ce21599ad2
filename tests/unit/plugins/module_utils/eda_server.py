# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A scripted API server for the pod_events source's tests, plugged in at ``_rest.open_response``: each request
gets the next answer (a pod list, a watch stream, an error). A real apiserver answers 410 Gone only when its watch
cache has moved past the version asked for, which a test cannot bring about on demand."""

from __future__ import annotations

import json
import typing as t

from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import Response


class ScriptedServer:
    """Answers requests in order and records each (path, query). After the script: ``when_done()``, then an empty
    watch (the tests stop the watch there)."""

    def __init__(self, answers: t.List[t.Any], when_done: t.Callable[[], None] = lambda: None) -> None:
        self.answers = list(answers)
        self.requests: t.List[t.Tuple[str, t.Dict[str, t.Any]]] = []
        self.when_done = when_done

    def __call__(self, api_client, method, path, query=None, body=None, content_type=None, accept=None, timeout=None):
        self.requests.append((path, dict(query or [])))
        if not self.answers:
            self.when_done()
            return Response(events=[])
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def pod_list(resource_version: str, *pods: dict) -> Response:
    return Response(data=json.dumps({"kind": "PodList", "metadata": {"resourceVersion": resource_version}, "items": list(pods)}).encode())


def watch_events(*events: dict) -> Response:
    return Response(events=list(events))


def modified(obj: dict, resource_version: str) -> dict:
    obj = json.loads(json.dumps(obj))
    obj["metadata"]["resourceVersion"] = resource_version
    return {"type": "MODIFIED", "object": obj}


GONE = {"type": "ERROR", "object": {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 410, "reason": "Expired",
                                    "message": "too old resource version: 100 (250)"}}
