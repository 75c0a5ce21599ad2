# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.ha import (
    go_duration_seconds, report, shutdown_delay, warnings)


def manifest(*flags: str, in_args: bool = False) -> str:
    lines = "".join(f"    - {flag}\n" for flag in flags)
    key = "args" if in_args else "command"
    head = "    - kube-apiserver\n" if not in_args else ""
    return ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\nspec:\n"
            f"  containers:\n  - name: kube-apiserver\n    image: k8s.gcr.io/kube-apiserver:v1.21.14\n    {key}:\n{head}{lines}")


@pytest.mark.parametrize("text, seconds", [("0", 0.0), ("5s", 5.0), ("1m10s", 70.0), ("1.5s", 1.5), ("250ms", 0.25),
                                           ("1h", 3600.0), ("-2s", -2.0), ("", None), ("5", None), ("5x", None),
                                           ("s", None), ("5s5", None)])
def test_go_durations(text: str, seconds: float | None) -> None:
    assert go_duration_seconds(text) == seconds


def test_shutdown_delay_absent_is_zero_as_on_kubeadm() -> None:
    assert shutdown_delay(manifest("--advertise-address=10.0.0.1", "--secure-port=6443")) == 0.0


def test_shutdown_delay_from_command_args_and_separate_value() -> None:
    assert shutdown_delay(manifest("--shutdown-delay-duration=5s")) == 5.0
    assert shutdown_delay(manifest("--shutdown-delay-duration=10s", in_args=True)) == 10.0
    assert shutdown_delay(manifest("--shutdown-delay-duration", "20s")) == 20.0
    assert shutdown_delay(manifest("--shutdown-delay-duration=soon")) is None


def test_kubeadm_defaults_warn_twice_unknown_check_and_zero_delay() -> None:
    found = warnings(manifest("--secure-port=6443"), "")
    assert len(found) == 2
    assert "health check is unknown" in found[0] and "feature_gates_lb_health_check" in found[0]
    assert "--shutdown-delay-duration is 0" in found[1] and "/readyz" in found[1]


@pytest.mark.parametrize("check, shown", [("tcp", "an open TCP port"), ("none", "nothing"), ("healthz", "/healthz"),
                                          ("livez", "/livez")])
def test_checks_that_miss_a_shutdown(check: str, shown: str) -> None:
    found = warnings(manifest("--shutdown-delay-duration=5s"), check)
    assert len(found) == 1 and f"checks the apiservers by {shown}, which does not notice" in found[0]


def test_readyz_and_a_delay_need_no_warning() -> None:
    assert warnings(manifest("--shutdown-delay-duration=5s"), "readyz") == []
    assert report(manifest("--shutdown-delay-duration=5s"), "readyz") == {
        "lb_health_check": "readyz", "shutdown_delay_s": 5.0, "warnings": []}


def test_a_delay_that_is_no_duration_is_said() -> None:
    found = warnings(manifest("--shutdown-delay-duration=soon"), "readyz")
    assert len(found) == 1 and "not a duration" in found[0]


def test_unknown_check_names_the_option() -> None:
    with pytest.raises(ValueError, match="feature_gates_lb_health_check is 'http'.*'readyz'"):
        warnings(manifest(), "http")


def test_report_says_unknown() -> None:
    assert report(manifest(), "")["lb_health_check"] == "unknown"
