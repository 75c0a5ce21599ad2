"""What clients of the load balancer see while one apiserver's static pod is swapped, for the figures in
docs/feature-gates.md: failed requests and the longest gap of a probe through haproxy, for

- kubeadm's defaults behind a plain TCP load balancer: --shutdown-delay-duration 0, a TCP check, no redispatch;
- the same apiserver behind haproxy checking /readyz (the bed's own load balancer);
- the suggested settings: /readyz check and --shutdown-delay-duration=5s.

A measurement, not a speed test: it asserts that each swap happened and that the probe ran, never a timing.
"""

from __future__ import annotations

import time

import pytest

from support import multinode as mn
from support.figures import record
from testbed import build, loadbalancer, processes, static_pods

pytestmark = pytest.mark.legacy

SETTINGS = {  # name: (haproxy check, apiserver's --shutdown-delay-duration)
    "kubeadm_defaults_tcp_check": ("tcp", ""),
    "readyz_check_no_delay": ("readyz", ""),
    "suggested_readyz_check_5s_delay": ("readyz", "5s"),
}


def write_apiserver(node: mn.topology.Node, *extra: str) -> None:
    static_pods.write(node, "kube-apiserver", build.component_image(mn.CLUSTER, "kube-apiserver")[0],
                      mn.ha.apiserver_args(node, None) + list(extra))


def swap(node: mn.topology.Node, *extra: str, timeout: float = 180) -> None:
    """Write ``node``'s apiserver manifest with ``extra`` flags and, when that changed it, wait until the old pod went
    and the new one is ready (its /readyz asked directly) and back in haproxy's rotation."""
    manifest = node.manifests_dir / "kube-apiserver.yaml"
    before = manifest.read_bytes()
    write_apiserver(node, *extra)
    if manifest.read_bytes() == before:
        return
    went = processes.wait_for(lambda: not mn.ha.apiservers_ready()[node.node_name], 60, interval=0.2)
    assert went, f"{node.node_name}'s apiserver never went down after the manifest changed"
    assert processes.wait_for(lambda: mn.ha.apiservers_ready()[node.node_name], timeout, interval=0.5)
    assert processes.wait_for(lambda: loadbalancer.servers_up().get(node.node_name, False), 30, interval=0.5)


@pytest.mark.multinode
def test_clients_through_the_load_balancer_during_an_apiserver_swap(ha_off):
    cp2 = mn.CONTROL_PLANE[1]
    figures = {}
    try:
        for name, (check, delay) in SETTINGS.items():
            loadbalancer.restart(check)
            base = [f"--shutdown-delay-duration={delay}"] if delay else []
            swap(cp2, *base)  # the pod that will be stopped runs with ``delay``
            time.sleep(5)
            with mn.ApiProbe(interval=0.1) as probe:
                time.sleep(3)
                swap(cp2, *base, "--v=1")  # any change makes the kubelet replace the pod
                time.sleep(5)
            summary = probe.summary()
            assert summary["requests"] > 50, summary
            figures[name] = {key: summary[key] for key in ("requests", "failed", "longest_gap_s", "first_failures")}
    finally:
        loadbalancer.restart("readyz")
        write_apiserver(cp2)
        mn.ha.wait_healthy(180)
    record("feature_gates_lb_swap", **figures)
