# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.mirror_pod import identity
from ansible_collections.kubedebug.ephemeral.tests.unit.pod_factories import mirror_pod_json as pod

EMPTY = {"hash": "", "ready": "", "restarts": None}


def test_fields_by_name() -> None:
    text = pod({"kubernetes.io/config.hash": "3f2a", "kubernetes.io/config.source": "file"},
               [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "False"}],
               [{"name": "kube-apiserver", "restartCount": 2}])
    assert identity(text) == {"hash": "3f2a", "ready": "False", "restarts": 2}


def test_status_not_posted_yet() -> None:
    """Right after the swap the new mirror pod has its hash but no Ready condition and no container status; a
    positional read of jsonpath output would take the restart count for the Ready status here."""
    assert identity(pod({"kubernetes.io/config.hash": "9c1d"})) == {"hash": "9c1d", "ready": "", "restarts": None}
    assert identity(pod({"kubernetes.io/config.hash": "9c1d"}, [], [{"restartCount": 0}])) == {"hash": "9c1d", "ready": "", "restarts": 0}


@pytest.mark.parametrize("text", ["", "  \n", "Error from server (NotFound): pods \"x\" not found", "[]", "null"])
def test_no_pod_is_an_empty_identity(text: str) -> None:
    assert identity(text) == EMPTY
