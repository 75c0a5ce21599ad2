# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The diagnostics role's guard settings become module options, bad ones stop the plan before any API call, and
isolate/recycle/pod groups are checked; the heap dump's copy through the log is decoded; the report's section."""

from __future__ import annotations

import base64
import gzip
import importlib.util
import pathlib

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.guard_report import guards_markdown
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.outcomes import heap_dump_file
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.plan import plan

ROLE_FILES = pathlib.Path(__file__).resolve().parents[4] / "roles" / "diagnostics" / "files"
RECIPES = {
    "jvm_thread_dump": {"stem": "thread-dump", "image": "jdk:17", "needs_target": True, "mount_target_volumes": True,
                        "command": ["jstack", "1"], "needs": {"memory_mib": 64, "pause_seconds": 2}},
    "jvm_heap_dump": {"stem": "heap-dump", "image": "jdk:17", "needs_target": True, "command": ["jcmd", "1"],
                      "needs": {"memory_mib": 256, "pause_seconds": 30}},
    "process_list": {"stem": "ps", "image": "busybox", "needs_target": True, "command": ["ps"]},
}
SETTINGS = {"run_id": "r1", "wait_timeout": 120, "max_concurrency": 5, "guard_override": [], "guard_probe_image": "busybox:1.36"}
GROUP = {"namespace": "shop", "label_selector": "app=web", "container": "app", "recipe": "jvm_heap_dump"}


def args_of(group: dict, settings: dict | None = None) -> dict:
    result = plan([group], RECIPES, settings or SETTINGS)
    assert result["problems"] == []
    return result["groups"][0]["args"]


def problems_of(group: dict, settings: dict | None = None) -> list:
    result = plan([group], RECIPES, settings or SETTINGS)
    assert result["groups"] == []  # nothing planned, so the role stops before any API call
    return result["problems"]


def test_a_recipes_needs_become_the_module_guard_options():
    args = args_of(GROUP)
    assert (args["guard_memory_mib"], args["guard_pause_seconds"]) == (256, 30)
    assert args["guard_probe_image"] == "busybox:1.36" and args["guard_override"] is None


def test_a_group_overrides_needs_and_null_turns_a_guard_off():
    args = args_of(dict(GROUP, needs={"memory_mib": 32, "pause_seconds": None}))
    assert (args["guard_memory_mib"], args["guard_pause_seconds"]) == (32, None)


def test_a_recipe_without_needs_sets_no_guard_and_no_probe():
    args = args_of(dict(GROUP, recipe="process_list"), dict(SETTINGS, guard_override=["memory"]))
    assert args["guard_memory_mib"] is None and args["guard_probe_image"] is None and args["guard_override"] is None


def test_the_groups_override_wins_over_the_roles():
    assert args_of(GROUP, dict(SETTINGS, guard_override=["liveness"]))["guard_override"] == ["liveness"]
    assert args_of(dict(GROUP, guard_override=["memory"]), dict(SETTINGS, guard_override=["liveness"]))["guard_override"] == ["memory"]


@pytest.mark.parametrize("needs, words", [
    ({"memory_mib": -1}, "needs.memory_mib: -1 is out of range; use 0 to 1048576"),
    ({"pause_seconds": 86401}, "needs.pause_seconds: 86401 is out of range; use 0 to 86400"),
    ({"memory_mib": ""}, "needs.memory_mib must be a whole number of MiB, not ''"),
    ({"pause_seconds": True}, "needs.pause_seconds must be a whole number of seconds"),
    ({"memory": 5}, "needs has unknown keys memory"),
    ("big", "needs must be a mapping"),
])
def test_bad_needs_are_refused_with_the_key_and_the_range(needs, words):
    found = problems_of(dict(GROUP, needs=needs))
    assert any(words in p and p.startswith("diagnostics_targets[0]") for p in found), found


@pytest.mark.parametrize("settings, words", [
    ({"guard_probe_image": ""}, "diagnostics_guard_probe_image: an empty value is not an image; set it to null"),
    ({"guard_probe_image": "  "}, "diagnostics_guard_probe_image: an empty value"),
    ({"guard_override": ["memroy"]}, "diagnostics_guard_override must be a list of guards to ignore, each one of memory, liveness"),
    ({"guard_override": "memory"}, "diagnostics_guard_override must be a list"),
])
def test_bad_role_guard_settings_are_refused(settings, words):
    found = problems_of(GROUP, dict(SETTINGS, **settings))
    assert any(words in p for p in found), found


def test_null_probe_image_and_empty_override_are_valid():
    args = args_of(GROUP, dict(SETTINGS, guard_probe_image=None, guard_override=[]))
    assert args["guard_probe_image"] is None and args["guard_override"] is None


def test_bad_needs_in_a_users_recipe_are_refused():
    recipes = dict(RECIPES, mine={"stem": "mine", "image": "x", "command": ["x"], "needs": {"memory_mib": -5}})
    result = plan([{"namespace": "a", "label_selector": "x=1", "recipe": "mine"}], recipes, SETTINGS)
    assert any(p.startswith("recipe mine: needs.memory_mib: -5 is out of range") for p in result["problems"])


def test_an_isolate_group_names_one_pod_selected_by_field_selector():
    group = {"namespace": "shop", "pod": "web-7d9c6b5f4-x2x9k", "container": "app", "recipe": "jvm_thread_dump",
             "isolate": True, "recycle": True}
    result = plan([group], RECIPES, SETTINGS)
    assert result["problems"] == []
    planned = result["groups"][0]
    assert planned["args"]["field_selectors"] == ["metadata.name=web-7d9c6b5f4-x2x9k"]
    assert planned["args"]["label_selectors"] == []
    assert planned["isolate"] == {"namespace": "shop", "pod": "web-7d9c6b5f4-x2x9k"} and planned["recycle"] is True
    assert planned["label"] == "#1 jvm_thread_dump in namespace shop (pod web-7d9c6b5f4-x2x9k)"


@pytest.mark.parametrize("group, words", [
    ({"isolate": True}, "isolate needs pod"),
    ({"isolate": True, "pod": "p", "label_selector": "app=web"}, "isolate takes the pod alone"),
    ({"pod": "p", "recycle": True}, "recycle is for an isolated pod"),
    ({"pod": "Not_A_Pod"}, "pod 'Not_A_Pod' must be a pod name"),
])
def test_isolate_and_recycle_mistakes_are_refused(group, words):
    base = {"namespace": "shop", "container": "app", "recipe": "jvm_thread_dump"}
    assert any(words in p for p in problems_of(dict(base, **group)))


def _heap_module():
    spec = importlib.util.spec_from_file_location("heap_dump_from_log", ROLE_FILES / "heap_dump_from_log.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_heap_dump_copied_through_the_log_is_decoded_and_checked(tmp_path):
    dump = gzip.compress(b"JAVA PROFILE 1.0.2\0" + bytes(range(256)) * 50)
    encoded = base64.encodebytes(dump).decode()
    log = "kubedebug: jcmd 1 GC.heap_dump\nkubedebug-heap-dump-begin x.hprof.gz {0}\n{1}kubedebug-heap-dump-end\n".format(len(dump), encoded)
    source, target = tmp_path / "heap-dump-r1.log", tmp_path / "heap-dump-r1.hprof.gz"
    source.write_text(log)
    module = _heap_module()
    assert module.main(["x", str(source), str(target)]) == 0
    assert target.read_bytes() == dump
    source.write_text(log.replace("kubedebug-heap-dump-end\n", ""))
    assert module.main(["x", str(source), str(tmp_path / "cut.gz")]) == 1 and not (tmp_path / "cut.gz").exists()
    with pytest.raises(ValueError, match="announced"):
        module.decode(log.replace(" {0}\n".format(len(dump)), " 7\n"))
    assert heap_dump_file("shop/p/heap-dump-r1.log", log) == "shop/p/heap-dump-r1.hprof.gz"
    assert heap_dump_file("shop/p/thread-dump-r1.log", "Full thread dump") is None


def test_the_report_shows_each_guard_and_the_isolation():
    guards = {"container": "app", "memory": {"needed_bytes": 256 << 20, "headroom_bytes": 10 << 20, "source": "cgroup"},
              "liveness": {"pause_seconds": 30, "probe": True, "budget_seconds": 4}, "overridden": []}
    data = {"pods": [{"namespace": "shop", "pod": "p", "outcome": "skipped", "reason": "memory guard: ...", "guards": guards}],
            "groups": [{"index": 0, "isolation": {"pod": "p", "labels_removed": {"app": "web"}, "services": ["web"],
                                                  "owner": {"kind": "ReplicaSet", "name": "web-1"}},
                        "recycle": {"recycled": ["shop/p"]}}]}
    text = "\n".join(guards_markdown(data, str))
    assert "| shop | p | app | 10 MiB headroom (cgroup), needs 256 MiB | budget 4 s, pause 30 s | - | memory guard: ... |" in text
    assert "isolated p (removed app=web; out of Services web; former owner ReplicaSet web-1); recycled: shop/p" in text
    assert guards_markdown({"pods": [{"guards": None}], "groups": [{}]}, str) == []
