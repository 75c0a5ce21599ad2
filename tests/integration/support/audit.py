"""Reading the test bed's audit log, to prove that a task wrote nothing to the API."""

from __future__ import annotations

import json
from pathlib import Path


def complete_events(path: Path, offset: int) -> list[dict]:
    """The audit events logged after ``offset``. The apiserver may be half-way through writing the last
    line when we read, so only lines that end in a newline are parsed."""
    with open(path, "rb") as log:
        log.seek(offset)
        data = log.read()
    complete = data[: data.rfind(b"\n") + 1]
    return [json.loads(line) for line in complete.splitlines() if line.strip()]


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def mark(self) -> None:
        """Forget everything written so far."""
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def _completed_writes(self) -> list[dict]:
        """Every write request logged since mark(), whoever made it."""
        if not self.path.exists():
            return []
        events = complete_events(self.path, self.offset)
        return [e for e in events if e.get("stage") == "ResponseComplete"
                and e.get("verb") in ("create", "update", "patch", "delete", "deletecollection")]

    def writes(self, namespace: str | None = None) -> list[dict]:
        """Write requests since mark() that were really carried out (dry runs excluded)."""
        return [
            e for e in self._completed_writes()
            if "dryRun=" not in e.get("requestURI", "")
            and (namespace is None or (e.get("objectRef") or {}).get("namespace") == namespace)
            and not e.get("user", {}).get("username", "").startswith("system:")
        ]

    def ephemeral_writes(self, namespace: str | None = None) -> list[dict]:
        return [e for e in self.writes(namespace) if (e.get("objectRef") or {}).get("subresource") == "ephemeralcontainers"]

    def attempts(self, namespace: str | None = None, subresource: str | None = None) -> list[dict]:
        """Every write request since mark() by a client (users and namespaced service accounts; not the
        kubelet, controllers or kube-system), dry runs and refused ones included; see
        support.ephemeral.succeeded() for the ones carried out."""
        return [
            e for e in self._completed_writes()
            if (namespace is None or (e.get("objectRef") or {}).get("namespace") == namespace)
            and (subresource is None or (e.get("objectRef") or {}).get("subresource") == subresource)
            and _client_user(e.get("user", {}).get("username", ""))
        ]


def _client_user(username: str) -> bool:
    if username.startswith("system:serviceaccount:"):
        return not username.startswith("system:serviceaccount:kube-system:")
    return not username.startswith("system:")
