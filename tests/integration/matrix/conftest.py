"""The version matrix's fixtures: every test here runs once per minor (KUBEDEBUG_MATRIX_MINORS, default all 13),
grouped by minor, so that one minor's etcd and kube-apiserver run at a time; a test marked
``minors(predicate)`` runs only on the minors the predicate accepts."""

from __future__ import annotations

import os

import pytest

from support import matrix as support
from support.audit import AuditLog
from support.clusters import Cluster
from testbed import matrix

KEEP = os.environ.get("KUBEDEBUG_TESTBED_KEEP") == "1"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "minor" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("minors")
        wanted = [m for m in support.selected_minors() if marker is None or marker.args[0](m)]
        metafunc.parametrize("minor", wanted, ids=[f"1.{m}" for m in wanted], scope="session")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test here is marked ``matrix``; a test none of the chosen minors applies to is deselected (pytest would
    report it as skipped, and a skip is no result)."""
    unused = [item for item in items if any(
        mark.name == "skip" and "empty parameter set" in str(mark.kwargs.get("reason", "")) for mark in item.iter_markers())]
    if unused:
        config.hook.pytest_deselected(items=unused)
        items[:] = [item for item in items if item not in unused]
    for item in items:
        if "/matrix/" in str(item.fspath):
            item.add_marker(pytest.mark.matrix)


@pytest.fixture(scope="session")
def matrix_era(minor: int):
    """1.<minor>'s etcd and kube-apiserver, stopped when the run moves on to the next minor."""
    yield minor
    if not KEEP:
        left = matrix.down(minor)
        assert not left, f"matrix 1.{minor} left behind: {left}"


@pytest.fixture
def served(matrix_era: int) -> Cluster:
    """The minor with the subresource served: gate =true while alpha, as shipped from 1.23."""
    return support.start(matrix_era, support.serving_gate(matrix_era))


@pytest.fixture
def gate_off(matrix_era: int) -> Cluster:
    """The minor with the subresource not served: as shipped while alpha, =false while beta."""
    return support.start(matrix_era, support.off_gate(matrix_era))


@pytest.fixture
def audit(request: pytest.FixtureRequest):
    """audit(cluster) -> the era's audit log, marked now."""

    def make(cluster: Cluster) -> AuditLog:
        log = AuditLog(cluster.era.audit_log)
        log.mark()
        return log

    return make
