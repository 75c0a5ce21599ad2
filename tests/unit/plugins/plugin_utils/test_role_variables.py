# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import UserError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._role_variables import known_variables, unknown_variables

ROLES = Path(__file__).resolve().parents[4] / "roles"


@pytest.mark.parametrize("role, prefix, typo, meant", [
    ("diagnostics", "diagnostics_", "diagnostics_image", "diagnostics_jdk_image"),
    ("diagnostics", "diagnostics_", "diagnostics_artifact_dir", "diagnostics_artifacts_dir"),
    ("diagnostics", "diagnostics_", "diagnostics_wait_timout", "diagnostics_wait_timeout"),
    ("feature_gates", "feature_gates_", "feature_gates_component", "feature_gates_components"),
    ("feature_gates", "feature_gates_", "feature_gates_wait_timout", "feature_gates_wait_timeout"),
])
def test_a_misspelt_variable_names_the_one_meant(role, prefix, typo, meant) -> None:
    specs = (ROLES / role / "meta" / "argument_specs.yml").read_text()
    known = known_variables(specs)
    assert meant in known and typo not in known
    assert unknown_variables(known + [typo, "unrelated_var"], specs, prefix) == [
        "{0} is not a variable of the role, so it has no effect (did you mean {1}?)".format(typo, meant)]


def test_every_variable_the_roles_define_is_declared() -> None:
    """Defaults without a declaration would be reported as unknown on every run."""
    for role, prefix in (("diagnostics", "diagnostics_"), ("feature_gates", "feature_gates_")):
        specs = (ROLES / role / "meta" / "argument_specs.yml").read_text()
        defaults = yaml.safe_load((ROLES / role / "defaults" / "main.yml").read_text())
        assert unknown_variables(defaults, specs, prefix) == [], role


def test_unreadable_specs() -> None:
    with pytest.raises(UserError, match="cannot read the role's argument specs"):
        known_variables("argument_specs: {}")


def test_names_known_besides_the_specs_are_not_reported() -> None:
    specs = (ROLES / "feature_gates" / "meta" / "argument_specs.yml").read_text()
    assert unknown_variables(["feature_gates_kubelet_serial"], specs, "feature_gates_", ["feature_gates_kubelet_serial"]) == []
    assert len(unknown_variables(["feature_gates_kubelet_serial"], specs, "feature_gates_")) == 1
