# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The records the feature_gates tasks read back: ConfigMap values, the journal of an interrupted run, the error a
rollback reports, and how many checks fit in a timeout - each with a clear message when the input is wrong."""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.records import (
    configmap_value, failure, journal, retries,
)
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import UserError

CONFIGMAP = {"kind": "ConfigMap", "metadata": {"name": "kubeadm-config"}, "data": {"ClusterConfiguration": "kind: X\n"}}
PENDING = {"component": "kube-apiserver", "path": "/m/kube-apiserver.yaml", "run_dir": "/b/r1",
           "backup": "/b/r1/kube-apiserver.yaml", "before": "abc", "new_checksum": "f00"}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_configmap_value() -> None:
    assert configmap_value(json.dumps(CONFIGMAP), "ClusterConfiguration") == "kind: X\n"
    with pytest.raises(UserError, match=r"kube-system/kubeadm-config has no data key 'kubelet' \(it has: ClusterConfiguration\)"):
        configmap_value(json.dumps(CONFIGMAP), "kubelet")
    with pytest.raises(UserError, match="did not print a ConfigMap as JSON"):
        configmap_value("Error from server (Forbidden)", "kubelet")


def test_journal() -> None:
    assert journal(b64(json.dumps(PENDING))) == PENDING
    with pytest.raises(UserError, match="cannot be read"):
        journal(b64("{half"))
    with pytest.raises(UserError, match="misses fields"):
        journal(b64(json.dumps({"path": "/m"})))


def test_failure_names_the_task_its_message_and_the_end_of_stderr() -> None:
    stderr = "x" * 400 + " connection refused"
    text = failure({"msg": "non-zero return code", "stderr": stderr}, {"name": "Wait | health"})
    assert text.startswith("Wait | health: non-zero return code ") and text.endswith("connection refused")
    assert len(text) == len("Wait | health: non-zero return code ") + 300
    assert failure({}, None) == "?: failed"


@pytest.mark.parametrize("timeout, delay, expected", [(300, 5, 61), (0, 5, 1), ("12", "5", 3)])
def test_retries(timeout, delay, expected) -> None:
    assert retries(timeout, delay) == expected


def test_retries_refuses_what_cannot_be_waited_for() -> None:
    with pytest.raises(UserError, match="feature_gates_wait_delay must be a positive"):
        retries(300, 0)
    with pytest.raises(UserError, match="feature_gates_rollback_timeout must not be negative"):
        retries(-1, 5, "feature_gates_rollback_timeout")
