# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where our error handling ends. Answers a real kube-apiserver never gives (a body that is not JSON,
a discovery document of another shape, a connection reset while a body is read) come from a small
HTTP server on 127.0.0.1 through the real kubernetes client and urllib3: each must end the task with
a clear message and no traceback. A bug in our own code must not: it has to surface as an exception,
not as one pod's error string that hides it."""

from __future__ import annotations

import json
import socket
import threading
import typing as t
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject import inject as _inject
from ansible_collections.kubedebug.ephemeral.plugins.modules import ephemeral_container, ephemeral_container_info
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import make_pod, run_main

DISCOVERY = {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
    {"name": "pods", "kind": "Pod"}, {"name": "pods/ephemeralcontainers", "kind": "Pod", "verbs": ["get", "patch", "update"]}]}
VERSION = {"major": "1", "minor": "37", "gitVersion": "v1.37.2"}
PODS = {"kind": "PodList", "metadata": {"resourceVersion": "7"}, "items": [make_pod("web"), make_pod("api")]}

Answer = t.Callable[[BaseHTTPRequestHandler], None]


def send(body: t.Any, status: int = 200) -> Answer:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    return answer


def reset_mid_body(handler: BaseHTTPRequestHandler) -> None:
    """Promise 4096 bytes, send a few, then reset the connection (RST, not a clean close)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "4096")
    handler.end_headers()
    handler.wfile.write(b'{"kind": "Pod", "meta')
    handler.wfile.flush()
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    handler.close_connection = True
    handler.connection.close()


class ApiServer:
    """Answers by (method, path prefix); the first match wins. Records every request line."""

    def __init__(self, routes: t.Dict[t.Tuple[str, str], Answer]) -> None:
        self.routes = routes
        self.requests: t.List[t.Tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                server.requests.append((self.command, path))
                for (method, prefix), answer in server.routes.items():
                    if method == self.command and path.startswith(prefix):
                        answer(self)
                        return
                send({"kind": "Status", "code": 404, "reason": "NotFound", "message": "not here"}, 404)(self)

            do_GET = do_PATCH = _handle

            def log_message(self, *args: t.Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.httpd.server_address[1]

    def writes(self) -> t.List[t.Tuple[str, str]]:
        return [r for r in self.requests if r[0] != "GET"]


@pytest.fixture
def apiserver():
    servers = []

    def start(extra: t.Dict[t.Tuple[str, str], Answer]) -> ApiServer:
        routes = dict(extra)
        routes.setdefault(("GET", "/api/v1/namespaces/shop/pods/web"), send(make_pod("web")))
        routes.setdefault(("GET", "/api/v1/namespaces/shop/pods"), send(PODS))
        routes.setdefault(("GET", "/version"), send(VERSION))
        routes.setdefault(("GET", "/api/v1"), send(DISCOVERY))
        server = ApiServer(routes)
        server.thread.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.httpd.shutdown()
        server.httpd.server_close()


def run(main, server: ApiServer, args: dict) -> dict:
    return run_main(main, dict({"host": server.url, "api_key": "t", "namespace": "shop"}, **args))


INJECT = {"pod": "web", "image": "busybox:1.36", "command": ["sh"]}


@pytest.mark.parametrize("main,args", [(ephemeral_container.main, INJECT), (ephemeral_container_info.main, {})])
def test_discovery_that_is_not_json_fails_clearly(apiserver, main, args):
    server = apiserver({("GET", "/api/v1"): send(b"<html>Sign in to continue</html>")})
    result = run(main, server, args)
    assert result["failed"] is True
    assert result["msg"].startswith("The API server's answer to GET /api/v1 is not JSON")
    assert "<html>Sign in" in result["msg"] and "exception" not in result
    assert server.writes() == []


@pytest.mark.parametrize("discovery,expected", [
    ({"kind": "Status", "message": "hello"}, "did not return an APIResourceList"),
    ({"resources": [{"name": "pods/ephemeralcontainers", "kind": "EphemeralContainerSet"}]},
     "with kind 'EphemeralContainerSet'; expected Pod (Kubernetes 1.22+) or EphemeralContainers (1.16-1.21)"),
    ([1, 2, 3], "is JSON but not an object (got list)"),
])
def test_unexpected_discovery_documents_fail_clearly(apiserver, discovery, expected):
    server = apiserver({("GET", "/api/v1"): send(discovery)})
    result = run(ephemeral_container.main, server, INJECT)
    assert result["failed"] is True and expected in result["msg"], result["msg"]
    assert "exception" not in result and server.writes() == []


def test_connection_reset_while_reading_a_pod_fails_clearly(apiserver):
    server = apiserver({("GET", "/api/v1/namespaces/shop/pods/web"): reset_mid_body})
    result = run(ephemeral_container.main, server, INJECT)
    assert result["failed"] is True
    assert result["msg"].startswith("Could not reach the Kubernetes API server: ProtocolError"), result["msg"]
    assert "exception" not in result and server.writes() == []


def test_connection_reset_while_reading_the_write_answer_is_reported_for_the_pod(apiserver):
    server = apiserver({("PATCH", "/api/v1/namespaces/shop/pods/web/ephemeralcontainers"): reset_mid_body})
    result = run(ephemeral_container.main, server, INJECT)
    assert result["failed"] is True
    assert "pod shop/web: Could not reach the Kubernetes API server: ProtocolError" in result["msg"], result["msg"]
    assert result["results"][0]["error"].startswith("Could not reach")
    assert "exception" not in result


def test_a_bug_in_our_code_is_raised_not_reported_as_a_pod_error(apiserver, monkeypatch):
    server = apiserver({})

    def broken_write(*args, **kwargs):
        raise TypeError("a bug in kubedebug.ephemeral")

    monkeypatch.setattr(_inject, "write", broken_write)
    with pytest.raises(TypeError, match="a bug in kubedebug.ephemeral"):
        run(ephemeral_container.main, server, {"label_selectors": ["app=web"], "image": "busybox:1.36", "max_concurrency": 2})
