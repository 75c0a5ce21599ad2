"""Session fixtures: the test bed's clusters, started once per run and stopped afterwards.

With KUBECONFIG set, tests marked ``cluster`` run against that cluster instead of the test
bed's current era; tests that need the test bed itself (audit log, gate switching, the legacy
era) are marked ``testbed`` and fail when it cannot be started.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support import clusters
from support.audit import AuditLog
from support.ephemeral import delete_namespace
from support.pods import new_namespace

KEEP = os.environ.get("KUBEDEBUG_TESTBED_KEEP") == "1"


def _session_cluster(request: pytest.FixtureRequest, era: str, gate: bool = False):
    cluster, started = clusters.start_testbed(era, gate=gate)

    def stop() -> None:
        if started and not KEEP:
            left = clusters.stop_testbed(cluster)
            assert not left, f"the test bed left behind: {left}"

    request.addfinalizer(stop)
    return cluster


@pytest.fixture(scope="session")
def current_cluster(request: pytest.FixtureRequest) -> clusters.Cluster:
    if os.environ.get("KUBECONFIG"):
        return clusters.Cluster("external", Path(os.environ["KUBECONFIG"]), None)
    return _session_cluster(request, "current")


@pytest.fixture(scope="session")
def testbed_current(request: pytest.FixtureRequest) -> clusters.Cluster:
    """The test bed's current era even when KUBECONFIG is set (audit log, kubectl built here)."""
    return _session_cluster(request, "current")


@pytest.fixture(scope="session")
def scale_cluster(request: pytest.FixtureRequest) -> clusters.Cluster:
    """The scale bed: kwok nodes in front of a real control plane (tests/cluster/testbed/scale.py)."""
    return _session_cluster(request, "scale")


@pytest.fixture(scope="session")
def legacy_cluster(request: pytest.FixtureRequest) -> clusters.Cluster:
    return _session_cluster(request, "legacy")


@pytest.fixture(scope="module")
def kubelet_era(request: pytest.FixtureRequest) -> clusters.Cluster:
    """A kubelet era (legacy-1.16, legacy-1.19: parametrise indirectly with its name), started once per test module
    that uses it and stopped afterwards unless KUBEDEBUG_TESTBED_KEEP=1."""
    return _session_cluster(request, request.param)


@pytest.fixture(scope="module")
def legacy_ha(request: pytest.FixtureRequest) -> clusters.Cluster:
    """The multi-node legacy cluster (3 control planes behind haproxy, 2 workers), gate off as started. Stopped after
    each module that uses it (a start takes about 30 s): left running, its 5 kubelets and 3 apiservers would take CPU
    from the rest of the suite."""
    from support import multinode  # imports the test bed's multi-node mode

    cluster, started = multinode.start()

    def stop() -> None:
        if started and not KEEP:
            multinode.ha.down()
            left = multinode.ha.leftovers()
            assert not left, f"legacy-ha left behind: {left}"

    request.addfinalizer(stop)
    return cluster


@pytest.fixture
def ha_off(legacy_ha: clusters.Cluster):
    """legacy-ha with the gate off everywhere, and put back so afterwards (only when needed)."""
    from support import multinode

    if not multinode.gate_off_everywhere():
        multinode.ha.set_gate(False)
    assert multinode.gate_off_everywhere()
    yield legacy_ha
    if not multinode.gate_off_everywhere() or not all(multinode.ha.apiservers_ready().values()):
        multinode.ha.set_gate(False)


@pytest.fixture
def ha_namespace(legacy_ha: clusters.Cluster):
    name = new_namespace(legacy_ha.core(), "fg-ha")
    yield name
    delete_namespace(legacy_ha, name)


@pytest.fixture
def legacy_gate_on(legacy_cluster: clusters.Cluster) -> clusters.Cluster:
    if not legacy_cluster.gate_enabled():
        legacy_cluster.set_gate(True)
    return legacy_cluster


@pytest.fixture
def legacy_gate_off(legacy_cluster: clusters.Cluster) -> clusters.Cluster:
    if legacy_cluster.gate_enabled():
        legacy_cluster.set_gate(False)
    return legacy_cluster


@pytest.fixture
def audit_of():
    """audit_of(cluster) -> an AuditLog marked now; fails loudly off the test bed."""

    def make(cluster: clusters.Cluster) -> AuditLog:
        assert cluster.audit_log is not None, "proving 'no write' needs the test bed's audit log"
        log = AuditLog(cluster.audit_log)
        log.mark()
        return log

    return make


@pytest.fixture
def namespace_in():
    def make(cluster: clusters.Cluster, prefix: str = "it") -> str:
        return new_namespace(cluster.core(), prefix)

    return make


@pytest.fixture
def cluster(request: pytest.FixtureRequest) -> clusters.Cluster:
    """The cluster a test file is about: the current era unless the file sets ``CLUSTER`` to the name
    of another cluster fixture (``legacy_gate_on``, ...)."""
    return request.getfixturevalue(getattr(request.module, "CLUSTER", "testbed_current"))


@pytest.fixture
def ns(cluster: clusters.Cluster, namespace_in, request: pytest.FixtureRequest):
    """A fresh namespace on ``cluster`` (named after the test file), deleted afterwards."""
    prefix = request.module.__name__.rsplit(".", 1)[-1].replace("test_", "").replace("_", "-")[:20].strip("-")
    namespace = namespace_in(cluster, prefix)
    yield namespace
    delete_namespace(cluster, namespace)
