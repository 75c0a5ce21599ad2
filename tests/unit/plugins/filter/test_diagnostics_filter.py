# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.kubedebug.ephemeral.plugins.filter.diagnostics import FilterModule

FILTERS = FilterModule().filters()
FILTER_DIR = Path(__file__).resolve().parents[4] / "plugins" / "filter"
ROLE = Path(__file__).resolve().parents[4] / "roles" / "diagnostics"


def test_all_filters_registered_and_documented() -> None:
    assert sorted(FILTERS) == ["diagnostics_index", "diagnostics_index_md", "diagnostics_outcomes", "diagnostics_plan",
                               "diagnostics_report_md", "diagnostics_retention", "diagnostics_summary"]
    for name in FILTERS:
        doc = yaml.safe_load((FILTER_DIR / f"{name}.yml").read_text())
        assert doc["DOCUMENTATION"]["name"] == name


def test_errors_become_filter_errors() -> None:
    with pytest.raises(AnsibleFilterError, match="diagnostics_keep_runs"):
        FILTERS["diagnostics_retention"]([], "/x", "lots", "r1")


def test_built_in_recipes_plan_cleanly() -> None:
    """The recipes in vars/main.yml (with their Jinja replaced by plain values) give usable module options."""
    recipes = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())["__diagnostics_builtin_recipes"]
    for recipe in recipes.values():
        for key in ("image",):
            if key in recipe:
                recipe[key] = "image:1"
        recipe["options"] = {k: "1" for k in recipe.get("options") or {}}
        if recipe.get("command") == "{{ diagnostics_process_list_command }}":
            recipe["command"] = ["ps", "-ef"]
    targets = [{"namespace": "n", "label_selector": "a=b", "container": "app", "recipe": name} for name in sorted(recipes) if name != "custom"]
    targets.append({"namespace": "n", "label_selector": "a=b", "recipe": "custom", "image": "x", "command": ["true"]})
    result = FILTERS["diagnostics_plan"](targets, recipes, {"run_id": "r1"})
    assert result["problems"] == []
    names = sorted(g["args"]["name"] for g in result["groups"])
    assert names == ["capture-r1", "custom-r1", "ps-r1", "thread-dump-r1"]
