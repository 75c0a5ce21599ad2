# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The public filter: registered under its documented name, errors as filter errors (the matrix itself is tested in
plugin_utils/test_feature_gates_version.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.kubedebug.ephemeral.plugins.filter.feature_gates_decision import FilterModule

FILTERS = FilterModule().filters()
DOC = Path(__file__).resolve().parents[4] / "plugins" / "filter" / "feature_gates_decision.yml"


def test_registered_and_documented() -> None:
    assert sorted(FILTERS) == ["feature_gates_decision"]
    assert yaml.safe_load(DOC.read_text())["DOCUMENTATION"]["name"] == "feature_gates_decision"


def test_decision() -> None:
    result = FILTERS["feature_gates_decision"]("v1.21.14", "present", "kubelet")
    assert (result["action"], result["version"], result["minor"], result["component"]) == ("enable", "v1.21.14", "1.21", "kubelet")
    assert FILTERS["feature_gates_decision"]("registry.local:5000/kube-apiserver:v1.27.1")["action"] == "refuse"
    assert FILTERS["feature_gates_decision"]("v1.25.0", "absent")["action"] == "remove"


def test_errors_become_filter_errors() -> None:
    with pytest.raises(AnsibleFilterError, match="feature_gates_component_versions"):
        FILTERS["feature_gates_decision"]("latest")
    with pytest.raises(AnsibleFilterError, match="present or absent"):
        FILTERS["feature_gates_decision"]("v1.21.0", "enabled")


def test_result_keys_are_the_documented_ones() -> None:
    doc = yaml.safe_load(DOC.read_text())["RETURN"]["_value"]["description"]
    for key in FILTERS["feature_gates_decision"]("v1.21.14"):
        assert "C(%s)" % key in doc
