"""Tiny HTTPS client for health checks and readiness, authenticated as the test bed's admin."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from typing import Any

from .eras import Era


def _context(era: Era) -> ssl.SSLContext:
    pki = era.pki_dir
    context = ssl.create_default_context(cafile=str(pki / "ca.crt"))
    context.load_cert_chain(str(pki / "admin.crt"), str(pki / "admin.key"))
    return context


def request(era: Era, path: str, timeout: float = 5, method: str = "GET", body: Any = None,
            base: str | None = None) -> tuple[int, str]:
    """``method`` ``path`` as the admin, from the era's API (``base``: another apiserver of it)."""
    url = f"{base or era.api_base}{path}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, context=_context(era), timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def get_json(era: Era, path: str, base: str | None = None) -> Any:
    status, body = request(era, path, base=base)
    if status != 200:
        raise RuntimeError(f"GET {path}: {status} {body[:200]}")
    return json.loads(body)


def create(era: Era, path: str, body: Any) -> bool:
    """POST ``body``; True when created, False when it already exists."""
    status, text = request(era, path, method="POST", body=body, timeout=15)
    if status not in (200, 201, 409):
        raise RuntimeError(f"POST {path}: {status} {text[:300]}")
    return status != 409


def apiserver_ready(era: Era) -> bool:
    return request(era, "/readyz", timeout=3)[0] == 200


def node_ready(era: Era) -> bool:
    node = get_json(era, f"/api/v1/nodes/{era.node_name}")
    return any(c["type"] == "Ready" and c["status"] == "True" for c in node["status"].get("conditions", []))


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False
