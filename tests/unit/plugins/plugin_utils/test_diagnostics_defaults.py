# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The diagnostics role passes module arguments whose defaults come from ephemeral_container's options table; the
role's own variables (defaults/main.yml and meta/argument_specs.yml must state a literal default) agree with it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import default_of
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.plan import module_args, plan

ROLE = Path(__file__).resolve().parents[4] / "roles" / "diagnostics"
ROLE_VARIABLE_OF_OPTION = {"wait_timeout": "diagnostics_wait_timeout", "max_concurrency": "diagnostics_max_concurrency",
                           "fail_on_image_pull_error": "diagnostics_fail_on_image_pull_error"}


@pytest.mark.parametrize("option,variable", sorted(ROLE_VARIABLE_OF_OPTION.items()))
def test_role_defaults_are_the_options_table_defaults(option, variable):
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    specs = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    assert defaults[variable] == specs[variable]["default"] == default_of(option)


def test_unset_settings_fall_back_to_the_table():
    group = {"recipe": "r", "namespace": "shop", "label_selectors": ["app=x"]}
    recipe = {"image": "busybox:1.36", "command": ["true"]}
    args = module_args(group, recipe, {"run_id": "r1"}, "diagnostics_targets[0]")
    assert args["profile"] == default_of("profile") == "legacy"
    assert args["max_concurrency"] == default_of("max_concurrency") == 5
    assert args["fail_on_image_pull_error"] is default_of("fail_on_image_pull_error") is True
    planned = plan([group], {"r": recipe}, {"run_id": "r1"})
    assert planned["groups"][0]["wait_timeout"] == default_of("wait_timeout") == 120
