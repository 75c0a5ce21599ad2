"""Reading the test bed's audit log, to prove that a task wrote nothing to the API."""

from __future__ import annotations

import json
from pathlib import Path


def complete_events(path: Path, offset: int) -> list[dict]:
    """The audit events logged after ``offset``. The apiserver may be half-way through writing the last
    line when we read, so only lines that end in a newline are parsed."""
    return _complete_events(path, offset)[0]


def _complete_events(path: Path, offset: int) -> tuple[list[dict], int]:
    """The events after ``offset`` and the offset just past the last complete line."""
    with open(path, "rb") as log:
        log.seek(offset)
        data = log.read()
    complete = data[: data.rfind(b"\n") + 1]
    return [json.loads(line) for line in complete.splitlines() if line.strip()], offset + len(complete)


def read_since(path: Path, inode: int | None, offset: int) -> tuple[list[dict], tuple[int | None, int]]:
    """The events logged after ``offset`` of the file that had ``inode``, across rotations, and where the read
    ended (inode, offset). The apiserver renames a full log to ``<name>-<time><suffix>`` beside it
    (--audit-log-maxsize) and starts a new one, so the marked file may now be a backup, followed by later backups
    and then ``path``."""
    if inode is None:
        if not path.exists():
            return [], (None, 0)
        inode, offset = path.stat().st_ino, 0
    logs = sorted(path.parent.glob(f"{path.stem}-*{path.suffix}"), key=lambda log: log.stat().st_mtime)
    if path.exists():
        logs.append(path)
    inodes = [log.stat().st_ino for log in logs]
    if inode not in inodes:
        raise AssertionError(f"the marked audit log of {path} is gone (removed by --audit-log-maxbackup?)")
    events: list[dict] = []
    for index in range(inodes.index(inode), len(logs)):
        found, offset = _complete_events(logs[index], offset if inodes[index] == inode else 0)
        events += found
    return events, (inodes[-1], offset)


def completed_writes(events: list[dict]) -> list[dict]:
    """The write requests among ``events`` (their ResponseComplete events), whoever made them."""
    return [e for e in events if e.get("stage") == "ResponseComplete"
            and e.get("verb") in ("create", "update", "patch", "delete", "deletecollection")]


def carried_out_writes(events: list[dict], namespace: str | None = None) -> list[dict]:
    """The writes among ``events`` that were not dry runs, by users (not the control plane's system: users), in
    ``namespace`` when given; refused ones included (see support.ephemeral.succeeded())."""
    return [
        e for e in completed_writes(events)
        if "dryRun=" not in e.get("requestURI", "")
        and (namespace is None or (e.get("objectRef") or {}).get("namespace") == namespace)
        and not e.get("user", {}).get("username", "").startswith("system:")
    ]


def ephemeral_writes(events: list[dict], namespace: str | None = None) -> list[dict]:
    """carried_out_writes() to pods/ephemeralcontainers."""
    return [e for e in carried_out_writes(events, namespace)
            if (e.get("objectRef") or {}).get("subresource") == "ephemeralcontainers"]


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.inode: int | None = None
        self.offset = 0

    def mark(self) -> None:
        """Forget everything written so far."""
        stat = self.path.stat() if self.path.exists() else None
        self.inode, self.offset = (stat.st_ino, stat.st_size) if stat else (None, 0)

    def take(self) -> list[dict]:
        """Every event logged since mark() or the last take(), which then marks where it stopped."""
        events, (self.inode, self.offset) = read_since(self.path, self.inode, self.offset)
        return events

    def _completed_writes(self) -> list[dict]:
        """Every write request logged since mark(), whoever made it."""
        return completed_writes(read_since(self.path, self.inode, self.offset)[0])

    def writes(self, namespace: str | None = None) -> list[dict]:
        """Write requests since mark() that were really carried out (dry runs excluded)."""
        return carried_out_writes(self._completed_writes(), namespace)

    def ephemeral_writes(self, namespace: str | None = None) -> list[dict]:
        return ephemeral_writes(self._completed_writes(), namespace)

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
