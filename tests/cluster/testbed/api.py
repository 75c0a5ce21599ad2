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


def request(era: Era, path: str, timeout: float = 5, base: str | None = None) -> tuple[int, str]:
    """GET ``path`` as the admin, from the era's API (``base``: another apiserver of it)."""
    url = f"{base or era.api_base}{path}"
    try:
        with urllib.request.urlopen(url, context=_context(era), timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def get_json(era: Era, path: str, base: str | None = None) -> Any:
    status, body = request(era, path, base=base)
    if status != 200:
        raise RuntimeError(f"GET {path}: {status} {body[:200]}")
    return json.loads(body)


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
