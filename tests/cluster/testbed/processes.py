"""Starting, finding and stopping the test bed's host processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Callable

from .eras import Era


def start(era: Era, name: str, argv: list[str]) -> int:
    """Start ``argv`` detached in its own session; its output goes to log/<name>.log."""
    log_dir = era.state_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    era.run_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"{name}.log", "ab") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, close_fds=True)
    (era.run_dir / f"{name}.pid").write_text(str(proc.pid))
    return proc.pid


def pid_of(era: Era, name: str) -> int | None:
    pid_file = era.run_dir / f"{name}.pid"
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        return None
    return pid if alive(pid) else None


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def stop(era: Era, name: str, timeout: float = 15) -> None:
    pid = pid_of(era, name)
    if pid is not None:
        _signal_group(pid, signal.SIGTERM)
        if not wait_for(lambda: not alive(pid), timeout, interval=0.2):
            _signal_group(pid, signal.SIGKILL)
            wait_for(lambda: not alive(pid), 5, interval=0.1)
    (era.run_dir / f"{name}.pid").unlink(missing_ok=True)


def kill(era: Era, name: str) -> None:
    """SIGKILL, as a crash would: no graceful shutdown, nothing flushed."""
    pid = pid_of(era, name)
    if pid is not None:
        _signal_group(pid, signal.SIGKILL)
        wait_for(lambda: not alive(pid), 10, interval=0.1)
    (era.run_dir / f"{name}.pid").unlink(missing_ok=True)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    for kill in (lambda: os.killpg(pid, sig), lambda: os.kill(pid, sig)):
        try:
            kill()
        except (ProcessLookupError, PermissionError):
            pass


def pids_rooted_under(prefixes: list[Path]) -> list[int]:
    """Processes whose root or command line points into the era's directories.

    Container processes have their root in a rootfs under containerd's state dir, and
    shims name containerd's socket on their command line; both outlive a killed parent.
    """
    # Whole path components only: legacy's /run/kubedebug-testbed/legacy is not a prefix of legacy-ha's dirs.
    wanted = [re.compile(re.escape(str(p).rstrip("/")) + r"(/|\s|$)") for p in prefixes]
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            root = os.readlink(f"/proc/{entry}/root")
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(w.match(root) or w.search(cmdline) for w in wanted):
            found.append(int(entry))
    return found


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    wait_for(lambda: not any(alive(p) for p in pids), 10, interval=0.1)


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():
                return True
        except Exception:  # a service that is still starting answers with anything
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no {path})"
