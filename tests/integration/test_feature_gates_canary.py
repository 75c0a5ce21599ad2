"""The canary on legacy-ha: a pod on the first node that restarts after the change stops the rollout,
naming the pod and its restarts.

A gate that restarts containers cannot be had on 1.21 at will, so the restart is made by hand: once the kubelet of
kd-w1 runs with the new file, the test kills the container of a pod there (SIGKILL through the node's containerd) and
the kubelet restarts it, which is what the canary sees after a gate change that restarts containers.
"""

from __future__ import annotations

import re
import threading

import pytest
import yaml

from support import multinode as mn
from support.pods import create_and_wait, tools_pod
from testbed import containerd, processes
from test_feature_gates_multinode import pinned

# With make test-multinode: make test keeps the HA regression test and stays inside its 75 cold minutes.
pytestmark = [pytest.mark.legacy, pytest.mark.multinode]


def test_a_pod_restarting_after_the_kubelet_change_stops_the_rollout(ha_off, ha_namespace, tmp_path):
    cluster = ha_off
    w1 = mn.WORKERS[0]
    core = cluster.core()
    create_and_wait(core, ha_namespace, pinned(tools_pod("app-w1"), w1))
    container_id = core.read_namespaced_pod("app-w1", ha_namespace).status.container_statuses[0].container_id
    inventory = mn.inventory_of(tmp_path / "inventory.json", w1)

    run_result = {}

    def kill_once_the_kubelet_restarted() -> None:
        assert processes.wait_for(lambda: b"featureGates" in w1.kubelet_config.read_bytes(), 120, interval=0.2)
        assert processes.wait_for(lambda: mn.ha.nodes_ready()[w1.node_name], 120, interval=1)
        containerd.ctr(w1, "tasks", "kill", "-s", "SIGKILL", container_id.split("://", 1)[1], check=True)

    killer = threading.Thread(target=lambda: run_result.update(error=_guard(kill_once_the_kubelet_restarted)))
    killer.start()
    run = mn.run(inventory, feature_gates_canary_seconds=20)
    killer.join(130)
    assert not run_result.get("error"), run_result["error"]

    out = " ".join(run.proc.stdout.split())
    assert run.proc.returncode != 0 and run.recap[w1.node_name]["failed"] == 1, run.text()
    assert f"{w1.node_name}: canary after kubelet: Pods on this node restarted after the change" in out, run.text()
    # One kill; the kubelet has been seen to restart the container twice within the canary's window (0 -> 2).
    assert re.search(rf"{ha_namespace}/app-w1 \(container app restarts 0 -> [1-9]\d*\)", out), run.text()
    assert "the rollout stops here" in out
    restarts = core.read_namespaced_pod("app-w1", ha_namespace).status.container_statuses[0].restart_count
    assert restarts >= 1
    # The node keeps the change (the canary does not roll back): its kubelet runs with the gate.
    assert yaml.safe_load(w1.kubelet_config.read_text())["featureGates"] == {"EphemeralContainers": True}


def _guard(step) -> str:
    try:
        step()
    except BaseException as failure:  # reported by the test's thread, not lost in the killer's
        return f"{type(failure).__name__}: {failure}"
    return ""
