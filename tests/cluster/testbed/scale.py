"""The scale era: up to hundreds of kwok nodes in front of a real control plane of the current version.

etcd 3.6 (built here: Debian's 3.4 answers no watch progress requests, so kwok's watch-lists end at
once and status changes only arrive on re-lists, ~20 s per pod), kube-apiserver, kube-scheduler and
kube-controller-manager (its node lifecycle controller lifts the not-ready taint new nodes get; kwok
renews the node leases, so nothing is evicted), and kwok instead of kubelets and containerd.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import time

from . import api, build, control_plane, kwok, pki, processes
from .eras import Era


@dataclasses.dataclass(frozen=True)
class Settings:
    nodes: int = 5
    delay_ms: tuple[int, int] = (800, 1500)  # an ephemeral container's write -> terminated, with jitter
    # kube-apiserver --max-requests-inflight / --max-mutating-requests-inflight; None: its defaults
    max_inflight: tuple[int, int] | None = None

    def as_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def saved(cls, era: Era) -> "Settings | None":
        try:
            data = json.loads((era.state_dir / "scale.json").read_text())
        except (OSError, ValueError):
            return None
        inflight = data.get("max_inflight")
        return cls(data["nodes"], tuple(data["delay_ms"]), tuple(inflight) if inflight else None)


def apiserver_args(era: Era, settings: Settings) -> list[str]:
    args = control_plane.apiserver_args(era, era.state_dir / "pki", None)
    if settings.max_inflight:
        reads, writes = settings.max_inflight
        # The legacy inflight limiter answers 429 past these; API Priority and Fairness, on by default,
        # replaces it, so it is turned off for the limits to apply as given.
        args += [f"--max-requests-inflight={reads}", f"--max-mutating-requests-inflight={writes}",
                 "--enable-priority-and-fairness=false"]
    return args


def controller_manager_args(era: Era) -> list[str]:
    return control_plane.controller_manager_args(era, era.state_dir / "pki")


def _restart(era: Era, name: str, argv: list[str]) -> None:
    processes.stop(era, name)
    processes.start(era, name, argv)


def start_kwok(era: Era, settings: Settings) -> None:
    config = kwok.write_config(era, settings.delay_ms)
    _restart(era, "kwok", kwok.argv(era, config))
    time.sleep(1)  # a bad flag or config ends it at once; nodes turning Ready prove the rest
    if not processes.pid_of(era, "kwok"):
        raise RuntimeError("kwok did not start:\n" + processes.tail(era.state_dir / "log" / "kwok.log"))


def ensure_nodes(era: Era, count: int, timeout: float = 120) -> None:
    """Nodes kwok-node-000 ... up to ``count`` (more are never removed), all Ready."""
    names = [kwok.node_name(i) for i in range(count)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda name: api.create(era, "/api/v1/nodes", kwok.node(name)), names))

    def all_ready() -> bool:
        listed = api.get_json(era, "/api/v1/nodes?labelSelector=type%3Dkwok")["items"]
        ready = {n["metadata"]["name"] for n in listed
                 if any(c["type"] == "Ready" and c["status"] == "True" for c in n["status"].get("conditions", []))}
        return set(names) <= ready

    if not processes.wait_for(all_ready, timeout, interval=0.5):
        raise RuntimeError(f"not all {count} kwok nodes Ready after {timeout:.0f} s:\n"
                           + processes.tail(era.state_dir / "log" / "kwok.log"))


def up(era: Era, settings: Settings) -> float:
    """Start the scale era, or bring a running one to ``settings`` (restarting kube-apiserver for other
    inflight limits, kwok for other delays); returns the seconds it took, after builds."""
    build.ensure_binaries(era)
    for tool in build.TOOLS:
        build.ensure_tool(tool)
    started = time.monotonic()
    before = Settings.saved(era) if running(era) else None
    if before is None:
        pki_dir = pki.ensure_pki(era)
        for user in ("admin", "controller-manager", "scheduler", "kwok"):
            pki.write_kubeconfig(era.state_dir / ("admin.kubeconfig" if user == "admin" else f"{user}.kubeconfig"),
                                 era, pki_dir, user)
        control_plane.start_etcd(era)
        control_plane.start_host_process(era, "kube-apiserver", apiserver_args(era, settings))
        control_plane.wait_apiserver(era)
        control_plane.start_host_process(era, "kube-scheduler", control_plane.scheduler_args(era))
        control_plane.start_host_process(era, "kube-controller-manager", controller_manager_args(era))
        start_kwok(era, settings)
    else:
        if before.max_inflight != settings.max_inflight:
            _restart(era, "kube-apiserver", [str(era.bin_dir / "kube-apiserver"), *apiserver_args(era, settings)])
            control_plane.wait_apiserver(era)
        if before.delay_ms != settings.delay_ms:
            start_kwok(era, settings)
    settings = dataclasses.replace(settings, nodes=max(settings.nodes, before.nodes if before else 0))
    ensure_nodes(era, settings.nodes)
    (era.state_dir / "scale.json").write_text(settings.as_json())
    if not processes.wait_for(lambda: api.get_json(era, "/api/v1/namespaces/default/serviceaccounts/default"), 60):
        raise RuntimeError("no default ServiceAccount:\n" + processes.tail(era.state_dir / "log" / "kube-controller-manager.log"))
    return time.monotonic() - started


def running(era: Era) -> bool:
    try:
        return processes.pid_of(era, "kwok") is not None and api.apiserver_ready(era)
    except OSError:
        return False
