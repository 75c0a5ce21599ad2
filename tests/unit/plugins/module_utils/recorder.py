# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A stand-in for ``_rest.request_json`` that records calls and answers from a list."""

from __future__ import annotations

import json

from kubernetes.client.exceptions import ApiException


class Recorder:
    """Records (method, path, kwargs); answers with the next item, raising it if it is an exception."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, api_client, method, path, **kwargs):
        self.calls.append((method, path, kwargs))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def api_error(code: int, message: str, reason: str = "", details: dict | None = None) -> ApiException:
    exc = ApiException(status=code, reason=reason or str(code))
    exc.body = json.dumps({"kind": "Status", "code": code, "reason": reason, "message": message, "details": details or {}})
    return exc


class ByPath(Recorder):
    """A Recorder for requests sent at the same time (in any order): answers by path."""

    def __init__(self, answers):
        super().__init__()
        self.by_path = dict(answers)

    def __call__(self, api_client, method, path, **kwargs):
        self.calls.append((method, path, kwargs))
        answer = self.by_path[path]
        if isinstance(answer, Exception):
            raise answer
        return answer
