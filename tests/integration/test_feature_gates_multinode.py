"""playbooks/enable_feature_gates.yml across a real multi-node 1.21 cluster: the rollout keeps the API available.

The test bed's legacy-ha mode: three control-plane nodes, each a kubelet running kube-apiserver and kube-scheduler as
static pods from its own kubeadm-layout files, two workers, all v1.21.14, each node in its own network namespace with
its own address; haproxy in front of the apiservers. The playbook runs with the inventory the test bed generates,
exactly as an operator would run it. Every scenario starts from the gate-off state (no flag, no featureGates key, as on
a stock 1.21 cluster) and leaves the cluster in it.

Every scenario here runs with `make test-multinode` (about 15 min each, too long for CI's budget); `make test` runs a
smoke of the bed itself (tests/integration/test_testbed_multinode.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from support import multinode as mn
from support.ansible import REPO, environment, run_module
from support.figures import record
from support.pods import IMAGES, create_and_wait, tools_pod

pytestmark = pytest.mark.legacy

GATE_FLAG = "    - --feature-gates=EphemeralContainers=true\n"
SUBRESOURCE = "pods/ephemeralcontainers"
BAD_GATE = "KubedebugNoSuchGate"
FIGURES = "feature_gates_multinode"


# --- helpers ------------------------------------------------------------------------------------------------------

def pinned(manifest: dict, node: mn.topology.Node) -> dict:
    """The pod on ``node``, placed there by the (highly available) scheduler."""
    manifest["spec"]["nodeSelector"] = {"kubernetes.io/hostname": node.node_name}
    return manifest


def effective_kubelet_gates(cluster, node: mn.topology.Node) -> dict:
    raw = cluster.kubectl("get", "--raw", f"/api/v1/nodes/{node.node_name}/proxy/configz").stdout
    return json.loads(raw)["kubeletconfig"].get("featureGates") or {}


def mirror_identity(cluster, component: str, node: mn.topology.Node) -> tuple[str, str]:
    pod = json.loads(cluster.kubectl("-n", "kube-system", "get", "pod", f"{component}-{node.node_name}",
                                     "-o", "json").stdout)
    statuses = pod.get("status", {}).get("containerStatuses") or [{}]
    return pod["metadata"]["annotations"]["kubernetes.io/config.hash"], statuses[0].get("containerID", "")


def mtimes(paths: list[Path]) -> list[int]:
    return [path.stat().st_mtime_ns for path in paths]


def apiserver_manifest(node: mn.topology.Node) -> Path:
    return node.manifests_dir / "kube-apiserver.yaml"


def scheduler_manifest(node: mn.topology.Node) -> Path:
    return node.manifests_dir / "kube-scheduler.yaml"


def most_down_at_once(watch: mn.NodeWatch) -> int:
    return max((sum(not up for up in state.values()) for _t, state in watch.samples), default=0)


def down_together(watch: mn.NodeWatch) -> list[str]:
    """The samples (seconds into the watch) in which more than one apiserver did not answer /readyz, with the
    samples either side, for the message of a failed assertion."""
    start = watch.samples[0][0] if watch.samples else 0.0
    lines = []
    for index, (when, state) in enumerate(watch.samples):
        if sum(not up for up in state.values()) > 1:
            for near in watch.samples[max(0, index - 2):index + 3]:
                down = sorted(name for name, up in near[1].items() if not up)
                lines.append(f"{near[0] - start:.1f} s: down {', '.join(down) or 'none'}")
    return lines


def assert_enabled(cluster, original: dict[Path, bytes]) -> None:
    """Every file is the original plus the gate, and every component runs with it."""
    for node in mn.NODES:
        config = yaml.safe_load(node.kubelet_config.read_text())
        assert config.pop("featureGates") == {"EphemeralContainers": True}, node.node_name
        assert config == yaml.safe_load(original[node.kubelet_config]), node.node_name
        assert effective_kubelet_gates(cluster, node).get("EphemeralContainers") is True, node.node_name
    for node in mn.CONTROL_PLANE:
        for manifest in (apiserver_manifest(node), scheduler_manifest(node)):
            text = manifest.read_text()
            assert text.count(GATE_FLAG) == 1 and text.replace(GATE_FLAG, "", 1).encode() == original[manifest]
        assert mn.ha.gate_served(node), f"{node.node_name}'s apiserver does not serve {SUBRESOURCE}"


def inject_on_each_worker(cluster, namespace: str) -> None:
    """An ephemeral container in the pod on each worker starts (that worker's kubelet runs it)."""
    core = cluster.core()
    for worker in mn.WORKERS:
        result = run_module("kubedebug.ephemeral.ephemeral_container",
                            {"namespace": namespace, "pod": f"app-{worker.short}", "name": "debugger",
                             "image": IMAGES["tools"], "command": ["sh", "-c", "while true; do sleep 1; done"],
                             "target": "app", "wait": True, "wait_timeout": 90}, kubeconfig=cluster.kubeconfig)
        assert not result.get("failed"), result.get("msg")
        entry = result["results"][0]
        assert entry["created"] is True and entry["status"]["state"] == "running", entry["status"]
        pod = core.read_namespaced_pod(f"app-{worker.short}", namespace)
        assert pod.spec.node_name == worker.node_name
        assert [s.name for s in pod.status.ephemeral_container_statuses if s.state.running] == ["debugger"]


def assert_removed_in_reverse(cluster, original: dict[Path, bytes]) -> None:
    """Control planes first (apiservers node by node, then the schedulers), the kubelets last; every byte back."""
    apiservers = mtimes([apiserver_manifest(node) for node in mn.CONTROL_PLANE])
    kubelets = mtimes([node.kubelet_config for node in mn.NODES])
    assert apiservers == sorted(apiservers) and max(apiservers) < min(kubelets)
    assert max(mtimes([scheduler_manifest(node) for node in mn.CONTROL_PLANE])) < min(kubelets)
    assert mn.snapshot() == original, "after state absent some files are not the originals"
    assert not any(mn.ha.gate_served(node) for node in mn.CONTROL_PLANE)
    for node in mn.NODES:
        assert "EphemeralContainers" not in effective_kubelet_gates(cluster, node), node.node_name
        assert not (node.backup_dir / ".lock").exists() and not list(node.backup_dir.glob("pending-*"))


# --- scenarios ----------------------------------------------------------------------------------------------------

@pytest.mark.multinode
def test_rollout_in_order_with_the_api_up_then_a_second_run_then_removal_byte_for_byte(ha_off, ha_namespace):
    """Must show: the playbook with the generated inventory enables the gate on every node in the documented order,
    one apiserver at a time behind the load balancer (probed at 4 requests/s); an ephemeral container starts in a pod
    on each worker; a second run changes nothing and rewrites no file; state absent runs in reverse and gives back
    every file byte for byte."""
    cluster = ha_off
    original = mn.snapshot()
    for worker in mn.WORKERS:
        create_and_wait(cluster.core(), ha_namespace, pinned(tools_pod(f"app-{worker.short}"), worker))

    # 1. enable, with the API probed through the load balancer
    with mn.ApiProbe() as probe, mn.NodeWatch() as watch:
        enable = mn.run()
    assert enable.proc.returncode == 0 and enable.failed == 0, enable.text()
    assert all(enable.recap[node.node_name]["changed"] > 0 for node in mn.NODES), enable.recap
    enable_probe, enable_down = probe.summary(), watch.down_seconds()
    assert most_down_at_once(watch) <= 1, f"two apiservers were down at once: {down_together(watch)}"

    # The documented order: every kubelet first (inventory order), then kube-apiserver node by node, then the schedulers.
    kubelets = mtimes([node.kubelet_config for node in mn.NODES])
    apiservers = mtimes([apiserver_manifest(node) for node in mn.CONTROL_PLANE])
    schedulers = mtimes([scheduler_manifest(node) for node in mn.CONTROL_PLANE])
    assert kubelets == sorted(kubelets) and apiservers == sorted(apiservers) and schedulers == sorted(schedulers)
    assert max(kubelets) < min(apiservers) and max(apiservers) < min(schedulers)

    assert_enabled(cluster, original)
    inject_on_each_worker(cluster, ha_namespace)

    # 2. a second run: changed=0 on every host, and no file rewritten (same inode, same mtime)
    enabled, enabled_stats = mn.snapshot(), mn.stats()
    again = mn.run()
    assert again.proc.returncode == 0 and again.failed == 0 and again.changed == 0, again.text()
    assert mn.snapshot() == enabled and mn.stats() == enabled_stats

    # 3. removal: control planes first (apiserver node by node, then schedulers), the kubelets last
    with mn.ApiProbe() as probe, mn.NodeWatch() as watch:
        remove = mn.run(feature_gates_state="absent")
    assert remove.proc.returncode == 0 and remove.failed == 0, remove.text()
    remove_probe, remove_down = probe.summary(), watch.down_seconds()
    assert most_down_at_once(watch) <= 1, f"two apiservers were down at once: {down_together(watch)}"
    changed = [path for path in mn.all_files() if mn.stats()[path] != enabled_stats[path]]
    assert sorted(changed) == sorted(mn.all_files()), "removal left a file alone"
    assert_removed_in_reverse(cluster, original)
    apiservers = mtimes([apiserver_manifest(node) for node in mn.CONTROL_PLANE])
    per_node = {f"kube-apiserver {n.node_name} (write to next write)": round((b - a) / 1e9, 1) for n, a, b in zip(
        mn.CONTROL_PLANE, apiservers, [*apiservers[1:], min(mtimes([scheduler_manifest(mn.CONTROL_PLANE[0])]))])}
    figures = {"enable_s": round(enable.seconds, 1), "second_run_s": round(again.seconds, 1),
               "remove_s": round(remove.seconds, 1), "enable_probe": enable_probe, "remove_probe": remove_probe,
               "enable_apiserver_down_s": enable_down, "remove_apiserver_down_s": remove_down,
               "remove_per_node_s": per_node}
    record(FIGURES, **figures)
    assert enable_probe["per_second"] >= 2 and remove_probe["per_second"] >= 2, (enable_probe, remove_probe)
    assert enable_probe["failed"] == 0 and remove_probe["failed"] == 0, (enable_probe, remove_probe)


@pytest.mark.multinode
def test_a_crash_on_the_second_control_plane_is_rolled_back_then_the_rollout_completes_and_is_removed(ha_off, tmp_path, ha_namespace):
    """Must show, in one pass (the part that runs in `make test`): the second control-plane node's apiserver gets a
    flag it dies of - that node gets its exact previous manifest back, the third node is never touched, the run fails
    naming the node and the reason, 3/3 apiservers are ready. The same playbook without the fault then completes the
    rollout (the first node is left as it is); an ephemeral container starts in a pod on each worker; a second run
    changes nothing and rewrites no file; state absent runs in reverse and gives back every file byte for byte.
    The API is probed through the load balancer at 4 requests/s all along. Kubelets go five at a time here
    (feature_gates_kubelet_serial) to save CI time; the multinode-marked test runs them one by one."""
    cluster = ha_off
    cp1, cp2, cp3 = mn.CONTROL_PLANE
    original, original_stats = mn.snapshot(), mn.stats()
    core = cluster.core()
    for worker in mn.WORKERS:
        create_and_wait(core, ha_namespace, pinned(tools_pod(f"app-{worker.short}"), worker))
    cp3_pods = {c: mirror_identity(cluster, c, cp3) for c in ("kube-apiserver", "kube-scheduler")}
    # Only the apiserver play of kd-cp2 gets the bad gate (its kubelet would otherwise take it too).
    faulty = mn.inventory_with(tmp_path / "inventory.json", {cp2.node_name: {
        "feature_gates_extra_gates": f"{{{{ {{'{BAD_GATE}': true}} if feature_gates_components == ['kube-apiserver'] "
                                     f"else {{}} }}}}"}})

    # Earlier scenarios of the same bed leave their backup directories: only this run's count.
    staged_before = set(cp2.backup_dir.glob("*/kube-apiserver.yaml.new"))
    cp3_backups_before = set(cp3.backup_dir.glob("*/kube-*.yaml"))
    # 1. the fault on the second control-plane node
    with mn.ApiProbe() as probe, mn.NodeWatch() as watch:
        fault = mn.run(faulty, feature_gates_wait_timeout=40, feature_gates_kubelet_serial=5)
    fault_probe = probe.summary()
    assert fault.proc.returncode != 0 and fault.recap[cp2.node_name]["failed"] == 1, fault.text()
    assert fault.recap[cp2.node_name]["rescued"] == 1, fault.text()
    out = " ".join(fault.proc.stdout.split())
    assert f"kube-apiserver on {cp2.node_name} failed (" in out, fault.text()
    assert "The original files were restored" in out and "the component is healthy again" in out, fault.text()
    assert "The rollout stops here" in out
    assert apiserver_manifest(cp2).read_bytes() == original[apiserver_manifest(cp2)]
    staged = sorted(set(cp2.backup_dir.glob("*/kube-apiserver.yaml.new")) - staged_before)
    assert len(staged) == 1 and f"{BAD_GATE}=true".encode() in staged[0].read_bytes(), "the bad flag was not written"
    assert GATE_FLAG.encode() in apiserver_manifest(cp1).read_bytes(), "the first node was not changed before"
    for path in (apiserver_manifest(cp3), scheduler_manifest(cp3)):
        assert path.read_bytes() == original[path] and path.stat().st_mtime_ns == original_stats[path][1], path
    assert set(cp3.backup_dir.glob("*/kube-*.yaml")) == cp3_backups_before, "kd-cp3's static pods were backed up: it was touched"
    assert {c: mirror_identity(cluster, c, cp3) for c in cp3_pods} == cp3_pods, "kd-cp3's pods were restarted"
    assert all(scheduler_manifest(n).read_bytes() == original[scheduler_manifest(n)] for n in mn.CONTROL_PLANE)
    ready = mn.ha.apiservers_ready()
    assert all(ready.values()), ready
    assert most_down_at_once(watch) <= 1, f"two apiservers were down at once: {down_together(watch)}"
    kubelets = mtimes([node.kubelet_config for node in mn.NODES])
    assert max(kubelets) < apiserver_manifest(cp1).stat().st_mtime_ns, "an apiserver changed before a kubelet"

    # 2. the same playbook without the fault completes the rollout
    after_fault = mn.stats()
    with mn.ApiProbe() as probe, mn.NodeWatch() as watch:
        enable = mn.run(feature_gates_kubelet_serial=5)
    enable_probe, enable_down = probe.summary(), watch.down_seconds()
    assert enable.proc.returncode == 0 and enable.failed == 0, enable.text()
    assert most_down_at_once(watch) <= 1, f"two apiservers were down at once: {down_together(watch)}"
    now = mn.stats()
    untouched = [node.kubelet_config for node in mn.NODES] + [apiserver_manifest(cp1)]
    assert all(now[path] == after_fault[path] for path in untouched), "a finished node was rewritten"
    apiservers = mtimes([apiserver_manifest(node) for node in (cp2, cp3)])
    schedulers = mtimes([scheduler_manifest(node) for node in mn.CONTROL_PLANE])
    assert apiservers == sorted(apiservers) and schedulers == sorted(schedulers) and max(apiservers) < min(schedulers)
    assert_enabled(cluster, original)
    inject_on_each_worker(cluster, ha_namespace)

    # 3. a second run: changed=0 on every host, and no file rewritten (same inode, same mtime)
    enabled, enabled_stats = mn.snapshot(), mn.stats()
    again = mn.run(feature_gates_kubelet_serial=5)
    assert again.proc.returncode == 0 and again.failed == 0 and again.changed == 0, again.text()
    assert mn.snapshot() == enabled and mn.stats() == enabled_stats

    # 4. removal: apiservers node by node, then the schedulers, the kubelets last; every byte as before
    with mn.ApiProbe() as probe, mn.NodeWatch() as watch:
        remove = mn.run(feature_gates_state="absent", feature_gates_kubelet_serial=5)
    remove_probe, remove_down = probe.summary(), watch.down_seconds()
    assert remove.proc.returncode == 0 and remove.failed == 0, remove.text()
    assert most_down_at_once(watch) <= 1, f"two apiservers were down at once: {down_together(watch)}"
    assert_removed_in_reverse(cluster, original)

    record(FIGURES, fault_run_s=round(fault.seconds, 1), fault_probe=fault_probe, fault_ready=ready,
           completion_run_s=round(enable.seconds, 1), completion_probe=enable_probe,
           completion_apiserver_down_s=enable_down, completion_second_run_s=round(again.seconds, 1),
           completion_remove_s=round(remove.seconds, 1), completion_remove_probe=remove_probe,
           completion_remove_apiserver_down_s=remove_down)
    for summary in (enable_probe, remove_probe):
        assert summary["per_second"] >= 2 and summary["failed"] == 0, summary
    # While kd-cp2's apiserver crashes and is restored, a request may meet it as it exits: the bed runs kubeadm's
    # --shutdown-delay-duration of 0, which the HA preflight warns about (1 of 900 failed once, 0 of 784 before).
    assert fault_probe["per_second"] >= 2 and fault_probe["failed"] <= fault_probe["requests"] // 100, fault_probe


@pytest.mark.multinode
def test_diagnose_collects_from_pods_on_both_workers(ha_off, ha_namespace, tmp_path):
    """Must show: a diagnose.yml run with pods spread over both workers collects from every pod."""
    cluster = ha_off
    mn.ha.set_gate(True)
    core = cluster.core()
    pods = [f"web-{worker.short}-{i}" for worker in mn.WORKERS for i in (1, 2)]
    for name in pods:
        worker = next(w for w in mn.WORKERS if f"-{w.short}-" in name)
        create_and_wait(core, ha_namespace, pinned(tools_pod(name, labels={"app": "web"}), worker))
    assert {core.read_namespaced_pod(p, ha_namespace).spec.node_name for p in pods} == {w.node_name for w in mn.WORKERS}
    artifacts = tmp_path / "artifacts"
    run_id = "ha1"
    variables = {
        "diagnostics_artifacts_dir": str(artifacts),
        "diagnostics_run_id": run_id,
        "diagnostics_process_list_image": IMAGES["tools"],
        "diagnostics_network_image": IMAGES["tools"],
        "diagnostics_jdk_image": IMAGES["jdk"],
        "diagnostics_wait_timeout": 90,
        "diagnostics_timeout": 120,
        "diagnostics_connection": {"kubeconfig": str(cluster.kubeconfig)},
        "diagnostics_targets": [{"namespace": ha_namespace, "label_selector": "app=web", "container": "app",
                                 "recipe": "process_list"}],
    }
    vars_file = tmp_path / "vars.yml"
    vars_file.write_text(yaml.safe_dump(variables))
    argv = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,",
            "-e", f"ansible_python_interpreter={sys.executable}", "kubedebug.ephemeral.diagnose", "-e", f"@{vars_file}"]
    started = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, env=environment(), timeout=600, cwd=REPO, check=False)
    seconds = time.monotonic() - started
    assert proc.returncode == 0, f"{proc.stdout[-5000:]}\n{proc.stderr[-2000:]}"
    summary = json.loads((artifacts / run_id / "summary.json").read_text())
    assert summary["status"] == "ok" and summary["totals"]["pods"] == len(pods), summary
    assert sorted(entry["pod"] for entry in summary["pods"] if entry["outcome"] == "ok") == sorted(pods), summary
    for name in pods:
        log = (artifacts / run_id / ha_namespace / name / f"ps-{run_id}.log").read_text()
        assert "PID" in log and "while true" in log, (name, log)
    record(FIGURES, diagnose_pods=len(pods), diagnose_workers=len(mn.WORKERS), diagnose_s=round(seconds, 1))
