# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from kubernetes.client.exceptions import ApiException
from urllib3.exceptions import MaxRetryError, NewConnectionError

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import Operation, translate


class RefusingClient:
    """A kubernetes>=37 ApiClient whose connection is refused (seen against a closed port)."""

    def param_serialize(self, **kwargs):
        return ("GET", "https://127.0.0.1:9/api/v1", {}, None, [])

    def call_api(self, *args, **kwargs):
        cause = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
        raise MaxRetryError(None, "/api/v1", reason=cause)


def test_transport_failure_becomes_status_0_and_a_could_not_reach_message():
    with pytest.raises(ApiException) as info:
        _rest.request_json(RefusingClient(), "GET", "/api/v1")
    assert info.value.status == 0
    assert "Connection refused" in info.value.reason
    error = translate(info.value, Operation("get", "API discovery (/api/v1)"))
    assert error.msg.startswith("Could not reach the Kubernetes API server: MaxRetryError: ")
    assert "Connection refused" in error.msg


class Answer:
    """What the client's REST layer gets: status, headers, a body read on demand."""

    def __init__(self, status, headers=None, data=b"{}"):
        self.status, self.reason, self.data = status, "status %d" % status, data
        self.headers = headers or {}
        self.response = self

    def read(self):
        return self.data

    def getheaders(self):
        return self.headers


class ScriptedClient:
    """An ApiClient of the installed generation answering each call with the next scripted Answer:
    kubernetes>=37 returns non-2xx answers, older ones raise ApiException from the REST layer."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0
        if hasattr(ApiException, "from_response"):
            self.param_serialize = lambda **kwargs: (kwargs["method"], kwargs["resource_path"], {}, None, [])

    def call_api(self, *args, **kwargs):
        self.calls += 1
        answer = self.answers.pop(0)
        if not hasattr(self, "param_serialize") and not 200 <= answer.status <= 299:
            raise ApiException(http_resp=answer)
        return answer


@pytest.fixture
def pauses(monkeypatch):
    slept = []
    monkeypatch.setattr(_rest, "_pause", slept.append)
    return slept


@pytest.mark.parametrize("method", ["GET", "PATCH", "POST", "DELETE"])
def test_a_429_is_sent_again_after_its_retry_after_on_every_verb(method, pauses):
    client = ScriptedClient(Answer(429, {"Retry-After": "2"}), Answer(429, {"Retry-After": "1"}), Answer(200, data=b'{"ok": 1}'))
    assert _rest.request_json(client, method, "/api/v1/namespaces/shop/pods/web/ephemeralcontainers") == {"ok": 1}
    assert client.calls == 3
    assert 2.0 <= pauses[0] <= 2.5 and 1.0 <= pauses[1] <= 1.25  # the server's wait, plus at most 25 % jitter


def test_retry_after_is_capped_and_defaults_to_one_second(pauses):
    client = ScriptedClient(Answer(429, {"Retry-After": "3600"}), Answer(429), Answer(429, {"Retry-After": "soon"}), Answer(200))
    _rest.request_json(client, "GET", "/api/v1")
    assert _rest.THROTTLE_MAX_WAIT <= pauses[0] <= _rest.THROTTLE_MAX_WAIT * 1.25
    assert 1.0 <= pauses[1] <= 1.25 and 1.0 <= pauses[2] <= 1.25


def test_throttling_gives_up_after_the_bounded_retries(pauses):
    client = ScriptedClient(*[Answer(429, {"Retry-After": "1"}) for _unused in range(_rest.THROTTLE_RETRIES + 5)])
    with pytest.raises(ApiException) as info:
        _rest.request_json(client, "GET", "/api/v1")
    assert info.value.status == 429
    assert client.calls == _rest.THROTTLE_RETRIES + 1 and len(pauses) == _rest.THROTTLE_RETRIES


@pytest.mark.parametrize("status", [409, 422, 500, 503])
def test_other_refusals_are_not_sent_again_here(status, pauses):
    # A 5xx may come after the server applied a write; _write decides (its patch's test operation).
    client = ScriptedClient(Answer(status, {"Retry-After": "1"}), Answer(200))
    with pytest.raises(ApiException):
        _rest.request_json(client, "PATCH", "/api/v1/namespaces/shop/pods/web/ephemeralcontainers")
    assert client.calls == 1 and pauses == []


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_rate_limiter_lets_a_burst_through_then_spaces_requests_at_qps():
    clock = FakeClock()
    limiter = _rest.RateLimiter(qps=5, burst=3, clock=clock)
    assert [limiter.delay() for _unused in range(3)] == [0.0, 0.0, 0.0]
    assert [round(limiter.delay(), 3) for _unused in range(3)] == [0.2, 0.4, 0.6]  # reserved in turn
    clock.now += 10  # idle: the bucket refills, never above burst
    assert [limiter.delay() for _unused in range(3)] == [0.0, 0.0, 0.0]
    assert round(limiter.delay(), 3) == 0.2


def test_the_rate_limit_applies_to_every_request_of_the_client(pauses):
    client = ScriptedClient(*[Answer(200) for _unused in range(4)])
    _rest.set_rate_limit(client, qps=2, burst=None)  # burst: qps rounded up
    for _unused in range(4):
        _rest.request_json(client, "GET", "/api/v1")
    assert len(pauses) == 2 and all(0.0 < p <= 1.0 for p in pauses)
    _rest.set_rate_limit(client, qps=None)
    client.answers.append(Answer(200))
    _rest.request_json(client, "GET", "/api/v1")
    assert len(pauses) == 2
