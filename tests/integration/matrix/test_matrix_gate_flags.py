"""What each GA and later kube-apiserver does with an explicit ``--feature-gates=EphemeralContainers=…``, started
for real, and that the feature_gates role's decision for that version says the same."""

from __future__ import annotations

import pytest

from support import matrix as support
from support.ansible import run_module
from testbed import matrix

UNRECOGNIZED = "unrecognized feature gate: EphemeralContainers"
LOCKED = "cannot set feature gate EphemeralContainers to false, feature is locked to true"


def _decision(minor: int) -> dict:
    """The role's decision for kube-apiserver, from the binary's own ``--version`` (as the role reads it)."""
    expression = "{{ %r | kubedebug.ephemeral.feature_gates_decision(component='kube-apiserver') }}" % support.version_output(minor)
    result = run_module("ansible.builtin.set_fact", {"decision": expression})
    assert not result.get("failed"), result.get("msg")
    return result["ansible_facts"]["decision"]


@pytest.mark.minors(lambda minor: minor >= support.REMOVED_FROM)
def test_removed_gate_stops_the_apiserver_and_the_role_refuses_the_same(minor, served):
    code, output = matrix.refusal(minor, True)
    assert code not in (0, -9) and UNRECOGNIZED in output, (code, output[-2000:])
    decision = _decision(minor)
    assert decision["action"] == "refuse" and decision["version"] == matrix.VERSIONS[minor]
    assert f"({UNRECOGNIZED})" in decision["reason"], decision["reason"]


@pytest.mark.minors(lambda minor: support.GA_FROM <= minor < support.REMOVED_FROM)
def test_locked_gate_false_stops_the_apiserver_and_the_role_never_writes_it(minor, served):
    code, output = matrix.refusal(minor, False)
    assert code not in (0, -9) and LOCKED in output, (code, output[-2000:])
    decision = _decision(minor)
    assert decision["action"] == "leave" and f"Never set it to false here (here =false stops it from starting: {LOCKED})" \
        in decision["reason"], decision["reason"]


@pytest.mark.minors(lambda minor: support.GA_FROM <= minor < support.REMOVED_FROM)
def test_locked_gate_true_is_accepted(minor, matrix_era):
    cluster = support.start(minor, True)
    assert matrix.gate_flag(minor) is True
    assert "pods/ephemeralcontainers" in {r["name"] for r in support.discovery(cluster)}


@pytest.mark.minors(lambda minor: minor < support.GA_FROM)
def test_alpha_and_beta_gates_take_both_values_and_the_role_decides_by_stage(minor, matrix_era):
    for gate in (True, False):
        cluster = support.start(minor, gate)
        served = "pods/ephemeralcontainers" in {r["name"] for r in support.discovery(cluster)}
        assert served is gate, f"1.{minor} with EphemeralContainers={gate}: subresource served {served}"
    assert _decision(minor)["action"] == ("enable" if minor < support.BETA_FROM else "leave")
