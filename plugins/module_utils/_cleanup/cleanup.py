# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ephemeral_container_cleanup's flow: select pods -> the ones whose ephemeral containers meet the
criterion, each with what may be done (_recycle) -> in check mode, report; otherwise recycle them in
batches of ``max_unavailable``, each batch evicted (or, for bare pods when asked, deleted) and its
replacements Ready before the next batch starts (_evict). The first failure stops the run: pods not
reached yet are left as they are."""

from __future__ import annotations

import datetime
import time
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup import evict as _evict
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup import recycle as _recycle
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import discovery as _discovery
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError

Clock = t.Callable[[], float]


def policy_version(server: _discovery.ServerInfo) -> str:
    # policy/v1 Eviction came with 1.22; 1.21 serves only policy/v1beta1.
    return "v1beta1" if server.version is not None and server.version < (1, 22) else "v1"


def _start(api_client: t.Any, server: _discovery.ServerInfo, candidate: _recycle.Candidate, deadline: float, clock: Clock,
           sleep: t.Callable[[float], None]) -> t.Optional[t.Tuple[str, t.Dict[str, str]]]:
    """Evict or delete one pod; for an eviction return (controller UID, its Ready pods before)."""
    if candidate.action == _recycle.DELETE:
        _evict.delete(api_client, candidate.namespace, candidate.pod, candidate.uid)
        return None
    pod = _pods.read_pod(api_client, candidate.namespace, candidate.pod)
    controller = _recycle.owner_uid(pod) or ""
    before = _evict.ready_uids(api_client, candidate.namespace, controller)
    before.setdefault(candidate.uid, candidate.pod)  # counted even when not Ready: its replacement must be
    candidate.attempts = _evict.evict(api_client, candidate.namespace, candidate.pod, candidate.uid, policy_version(server),
                                      deadline, clock, sleep)
    return controller, before


def _finish(api_client: t.Any, candidate: _recycle.Candidate, started: t.Optional[t.Tuple[str, t.Dict[str, str]]], deadline: float,
            clock: Clock, sleep: t.Callable[[float], None]) -> None:
    if started is None:
        _evict.wait_gone(api_client, candidate.namespace, candidate.pod, candidate.uid, deadline, clock, sleep)
        candidate.outcome = "deleted"
        return
    controller, before = started
    ready = _evict.wait_replaced(api_client, candidate.namespace, candidate.uid, controller, len(before), deadline, candidate.pod,
                                 clock, sleep)
    candidate.replaced_by = sorted(name for uid, name in ready.items() if uid not in before)
    candidate.outcome = "recycled"


def recycle(api_client: t.Any, server: _discovery.ServerInfo, acting: t.List[_recycle.Candidate], params: t.Mapping[str, t.Any],
            clock: Clock = time.monotonic, sleep: t.Callable[[float], None] = time.sleep) -> t.Optional[KubedebugError]:
    """Recycle ``acting`` batch by batch; return the first failure (the rest untouched) or None."""
    size = params.get("max_unavailable") or 1
    for start in range(0, len(acting), size):
        batch = acting[start:start + size]
        deadline = clock() + params["timeout"]
        current = None
        try:
            started = []
            for current in batch:
                started.append(_start(api_client, server, current, deadline, clock, sleep))
            for current, begun in zip(batch, started):
                _finish(api_client, current, begun, deadline, clock, sleep)
        except KubedebugError as exc:
            if current is not None:
                current.error, current.outcome = exc.msg, "failed"
            for rest in acting:
                rest.outcome = rest.outcome or "not_reached"
            return exc
    return None


def run(api_client: t.Any, server: _discovery.ServerInfo, selection: _pods.Selection, params: t.Mapping[str, t.Any], check_mode: bool,
        now: t.Optional[datetime.datetime] = None, clock: Clock = time.monotonic,
        sleep: t.Callable[[float], None] = time.sleep) -> t.Tuple[t.Dict[str, t.Any], t.Optional[KubedebugError]]:
    pods = _pods.select_pods(api_client, selection)
    found = _recycle.candidates(pods, params, now or datetime.datetime.now(datetime.timezone.utc))
    acting = [c for c in found if c.action != _recycle.NONE]
    if params.get("max_pods") is not None and len(acting) > params["max_pods"]:
        raise KubedebugError("{0} pods would be recycled, more than max_pods={1}: {2}. Nothing was changed; narrow the selection "
                             "or raise max_pods.".format(len(acting), params["max_pods"],
                                                         ", ".join("{0}/{1}".format(c.namespace, c.pod) for c in acting)))
    for candidate in found:
        if candidate.action == _recycle.NONE:
            candidate.outcome = "left_alone"
        elif check_mode:
            candidate.outcome = "would_" + candidate.action
    failure = None if check_mode else recycle(api_client, server, acting, params, clock, sleep)
    done = [c for c in found if c.outcome in ("recycled", "deleted", "would_evict", "would_delete")]
    result = {
        "changed": bool(done) or any(c.outcome == "failed" and c.attempts for c in found),
        "pods": [c.as_dict() for c in found],
        "recycled": ["{0}/{1}".format(c.namespace, c.pod) for c in done],
        "left_alone": ["{0}/{1}".format(c.namespace, c.pod) for c in found if c.outcome == "left_alone"],
        "api_era": server.era.name,
        "server_version": server.git_version,
    }
    return result, failure
