"""ephemeral_container against a kube-apiserver that answers 429 (tiny inflight limits) to most of a
200-pod fan-out on the scale bed: nothing lost, nothing written twice.

Every claim is checked against the API (containers per pod) and the apiserver's audit log (the
module's writes, the ones refused with 429 and the ones carried out)."""

from __future__ import annotations

from support import rbac
from support.ansible import run_module
from support.ephemeral import EC, delete_namespace, server_and_ca, succeeded
from support.fleet import LABEL, MODULE_AGENT, create_fleet, ephemeral_counts, fleet_task

from testbed import scale as testbed_scale

CLUSTER = "scale_cluster"


def test_an_apiserver_answering_429_loses_and_doubles_nothing_in_a_200_pod_fan_out(cluster, namespace_in, audit_of, tmp_path):
    """kube-apiserver with tiny inflight limits refuses most of 64 parallel writes with 429 + Retry-After;
    every one of 200 pods still gets its container exactly once. The module runs as a ServiceAccount
    with docs/examples' least Role: the apiserver never limits system:masters (the admin)."""
    ns = namespace_in(cluster, "throttled")
    core = cluster.core()
    try:
        names = create_fleet(core, ns, 200, LABEL)
        token = rbac.bind(cluster, ns, "fleet", rbac.example_rules("ephemeral-container-rbac.yaml"))
        host, ca_cert = server_and_ca(cluster, tmp_path)
        cluster.reconfigure(testbed_scale.Settings(nodes=5, max_inflight=(4, 1)))
        audit = audit_of(cluster)
        result = run_module(EC, {**fleet_task(ns, max_concurrency=64, logs=False, wait_timeout=300),
                                 "host": host, "ca_cert": ca_cert, "api_key": token})
        patches = [e for e in audit.attempts(ns, "ephemeralcontainers") if e.get("userAgent", "").startswith(MODULE_AGENT)]
        throttled = [e for e in patches if (e.get("responseStatus") or {}).get("code") == 429]
        writes = succeeded(patches)
    finally:
        cluster.reconfigure(testbed_scale.Settings(nodes=5))
    assert not result.get("failed"), result.get("msg")
    assert len(throttled) >= 20, f"only {len(throttled)} writes were refused with 429: the limits did not bite"
    assert sorted(r["pod"] for r in result["results"] if r["created"]) == names
    assert sorted(e["objectRef"]["name"] for e in writes) == names  # one carried-out write per pod
    assert ephemeral_counts(core, ns, LABEL) == {n: 1 for n in names}
    print(f"429 answers to the module's writes: {len(throttled)}; writes carried out: {len(writes)}")
    delete_namespace(cluster, ns)
