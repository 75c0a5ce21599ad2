# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pathlib

import pytest
import yaml

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.common import DiagnosticsError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.plan import module_args, plan, run_id_problems

# The built-in recipes as roles/diagnostics/vars/main.yml defines them, after templating.
RECIPES = {
    "jvm_thread_dump": {"stem": "thread-dump", "image": "jdk:17", "needs_target": True, "mount_target_volumes": True,
                        "run_as_target_user": True, "profile": "legacy", "options": {"tool": "jstack", "pid": "auto"},
                        "command": ["sh", "-c", "SCRIPT", "thread-dump", "{tool}", "{pid}"]},
    "network_capture": {"stem": "capture", "image": "netshoot", "needs_target": False, "profile": "netadmin",
                        "options": {"packets": 200, "seconds": 30, "interface": "any", "filter": ""},
                        "command": ["sh", "-c", "SCRIPT", "capture", "{interface}", "{packets}", "{seconds}", "{filter}"]},
    "process_list": {"stem": "ps", "image": "busybox", "needs_target": True, "profile": "legacy", "command": ["ps", "-ef"]},
    "custom": {"stem": "custom", "profile": "legacy"},
}
SETTINGS = {"run_id": "20261123t140501z", "wait_timeout": 120, "max_concurrency": 5, "max_ephemeral_containers": 10}


def test_jvm_thread_dump_group_becomes_module_options() -> None:
    result = plan([{"namespace": "payments", "label_selector": "app=payments", "container": "app", "recipe": "jvm_thread_dump"}],
                  RECIPES, SETTINGS)
    assert result["problems"] == []
    group = result["groups"][0]
    assert group["wait_timeout"] == 120 and group["recipe"] == "jvm_thread_dump"
    assert group["label"] == "#1 jvm_thread_dump in namespace payments (app=payments)"
    args = group["args"]
    assert args["name"] == "thread-dump-20261123t140501z"
    assert args["command"] == ["sh", "-c", "SCRIPT", "thread-dump", "jstack", "auto"]
    assert args["target"] == "app" and args["mount_target_volumes"] is True
    assert args["namespace"] == "payments" and args["all_namespaces"] is False
    assert args["label_selectors"] == ["app=payments"] and args["field_selectors"] == []
    # No explicit user: the script finds the JVM's user at run time, so no securityContext is set.
    assert args["security_context"] is None
    assert args["max_ephemeral_containers"] == 10 and args["max_concurrency"] == 5


def test_run_as_user_from_the_role_and_from_the_group() -> None:
    groups = [{"namespace": "a", "label_selector": "x=1", "container": "app", "recipe": "jvm_thread_dump"},
              {"namespace": "b", "label_selector": "x=1", "container": "app", "recipe": "jvm_thread_dump", "run_as_user": 2000}]
    result = plan(groups, RECIPES, dict(SETTINGS, run_as_user=1000, run_as_group=1000))
    assert result["groups"][0]["args"]["security_context"] == {"runAsUser": 1000, "runAsGroup": 1000}
    assert result["groups"][1]["args"]["security_context"] == {"runAsUser": 2000, "runAsGroup": 1000}


def test_role_run_as_user_only_applies_to_recipes_that_run_as_the_target_user() -> None:
    result = plan([{"namespace": "a", "label_selector": "x=1", "container": "app", "recipe": "process_list"}], RECIPES,
                  dict(SETTINGS, run_as_user=1000))
    assert result["groups"][0]["args"]["security_context"] is None


def test_group_options_fill_placeholders_as_separate_arguments() -> None:
    result = plan([{"all_namespaces": True, "label_selectors": ["app=web", "tier=front"], "recipe": "network_capture",
                    "options": {"packets": 5, "filter": "tcp port 80; rm -rf /"}}], RECIPES, SETTINGS)
    args = result["groups"][0]["args"]
    assert args["command"] == ["sh", "-c", "SCRIPT", "capture", "any", "5", "30", "tcp port 80; rm -rf /"]
    assert args["namespace"] is None and args["all_namespaces"] is True
    assert args["profile"] == "netadmin" and args["target"] is None and args["mount_target_volumes"] is False
    assert result["groups"][0]["label"] == "#1 network_capture in all namespaces (app=web, tier=front)"


def test_custom_recipe_takes_image_and_command_from_the_group() -> None:
    result = plan([{"name": "probe", "namespace": "a", "label_selector": "x=1", "recipe": "custom", "image": "busybox",
                    "command": ["sh", "-c", "exit 7"], "profile": "general", "wait_timeout": 30,
                    "container_name_stem": "probe"}], RECIPES, SETTINGS)
    group = result["groups"][0]
    assert group["label"] == "probe" and group["wait_timeout"] == 30
    assert group["args"]["image"] == "busybox" and group["args"]["command"] == ["sh", "-c", "exit 7"]
    assert group["args"]["name"] == "probe-20261123t140501z" and group["args"]["profile"] == "general"


@pytest.mark.parametrize("group, message", [
    ({"namespace": "a", "label_selector": "x=1", "recipe": "nope"}, "recipe 'nope' is not one of"),
    ({"namespace": "a", "recipe": "process_list", "container": "app"}, "give label_selector(s) or field_selectors"),
    ({"namespace": "a", "label_selector": "x=1", "recipe": "jvm_thread_dump"}, "needs container"),
    ({"namespace": "a", "label_selector": "x=1", "recipe": "custom", "command": ["x"]}, "needs an image"),
    ({"namespace": "a", "label_selector": "x=1", "recipe": "custom", "image": "x"}, "needs a command"),
    ({"namespace": "a", "all_namespaces": True, "label_selector": "x=1", "recipe": "network_capture"}, "not both"),
    ({"namespace": "a", "label_selector": "x=1", "recipe": "network_capture", "colour": "red"}, "unknown keys colour"),
    ({"namespace": "a", "label_selector": "x=1", "recipe": "network_capture", "profile": "root"}, "profile 'root'"),
    ({"namespace": "a", "label_selector": "x=1", "recipe": "network_capture", "container_name_stem": "Big"}, "DNS label"),
    ({"namespace": "a", "label_selector": "x=1", "recipe": "network_capture", "mount_target_volumes": True}, "needs container"),
    ({"namespace": "a", "label_selector": "x=1", "recipe": "network_capture", "container_name_stem": "x" * 50}, "longer than 63"),
    ("not a dict", "must be a dict"),
])
def test_group_problems(group, message) -> None:
    result = plan([group], RECIPES, SETTINGS)
    assert result["groups"] == []
    assert any(message in p for p in result["problems"]), result["problems"]


def test_same_container_name_in_the_same_scope_is_refused() -> None:
    group = {"namespace": "a", "label_selector": "x=1", "container": "app", "recipe": "process_list"}
    result = plan([group, dict(group, label_selector="y=2")], RECIPES, SETTINGS)
    assert result["groups"] == [] and "also used by diagnostics_targets[0]" in result["problems"][0]
    assert plan([group, dict(group, namespace="b")], RECIPES, SETTINGS)["problems"] == []


@pytest.mark.parametrize("run_id, good", [
    ("20261123t140501z", True), ("nightly-1", True), ("a", True),
    ("20261123T140501Z", False), ("-x", False), ("x-", False), ("a/b", False), ("a_b", False), ("", False), (None, False),
])
def test_run_id_must_be_a_dns_label(run_id, good) -> None:
    assert (run_id_problems(run_id) == []) is good


def test_empty_targets_and_bad_recipes_are_problems() -> None:
    assert "non-empty list" in plan([], RECIPES, SETTINGS)["problems"][0]
    result = plan([{"namespace": "a", "label_selector": "x=1", "recipe": "odd"}], {"odd": {"image": "x", "command": ["y"], "colour": 1}}, SETTINGS)
    assert any("recipe odd: unknown keys colour" in p for p in result["problems"])


def test_placeholder_without_option_is_an_error() -> None:
    with pytest.raises(DiagnosticsError, match=r"placeholder \{missing\}"):
        module_args({"recipe": "r"}, {"image": "x", "command": ["{missing}"]}, SETTINGS, "here")


def test_none_option_becomes_an_empty_argument() -> None:
    args = module_args({"recipe": "r", "namespace": "n", "label_selector": "a=b"}, {"image": "x", "command": ["a", "{f}"], "options": {"f": None}},
                       SETTINGS, "here")
    assert args["command"] == ["a", ""] and args["name"] == "r-20261123t140501z"


@pytest.mark.parametrize("profile", ["legacy", "general", "baseline", "restricted", "netadmin", "sysadmin"])
def test_every_module_profile_is_accepted(profile) -> None:
    group = {"namespace": "a", "label_selector": "x=1", "recipe": "network_capture", "profile": profile}
    assert plan([group], RECIPES, SETTINGS)["groups"][0]["args"]["profile"] == profile


def test_the_role_passes_every_module_argument_the_plan_makes() -> None:
    """run_target.yml's ephemeral_container task reads each key of the plan's args (a key it forgets, such as the
    guards once were, is silently never applied)."""
    recipes = dict(RECIPES, jvm_thread_dump=dict(RECIPES["jvm_thread_dump"], needs={"memory_mib": 64, "pause_seconds": 2}))
    result = plan([{"namespace": "payments", "label_selector": "app=payments", "container": "app", "recipe": "jvm_thread_dump"}],
                  recipes, dict(SETTINGS, guard_probe_image="busybox:1.36", guard_override=[]))
    args = result["groups"][0]["args"]
    assert args["guard_memory_mib"] == 64 and args["guard_pause_seconds"] == 2 and args["guard_probe_image"] == "busybox:1.36"
    role = pathlib.Path(__file__).parents[4] / "roles" / "diagnostics" / "tasks" / "run_target.yml"
    (task,) = [t for t in yaml.safe_load(role.read_text()) if "kubedebug.ephemeral.ephemeral_container" in t]
    passed = yaml.safe_dump(task["kubedebug.ephemeral.ephemeral_container"])
    assert [key for key in args if "__diagnostics_args.{0}".format(key) not in passed] == []
