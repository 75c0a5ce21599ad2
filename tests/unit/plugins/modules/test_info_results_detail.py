# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""results_detail on ephemeral_container_info: full entries for one named pod, compact ones (name, image, status
without the runtime's details, logs, added_by) when selectors or a namespace choose the pods, unless the task says
otherwise; an empty value is refused by name before any request."""

from __future__ import annotations

import re
import typing as t
from pathlib import Path

import pytest
import yaml

from ansible_collections.kubedebug.ephemeral.plugins.modules import ephemeral_container, ephemeral_container_info
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import FakeApiServer, make_pod, run_module

ROOT = Path(__file__).resolve().parents[4]
INFO = ephemeral_container_info.main
COMPACT_KEYS = {"name", "image", "status", "logs", "logs_truncated", "added_by"}
COMPACT_STATUS_KEYS = {"state", "reason", "message", "exit_code", "signal", "started_at", "finished_at"}
FULL_STATUS_KEYS = COMPACT_STATUS_KEYS | {"container_id", "image", "image_id", "ready", "restart_count"}
# What the collection's own readers take from compact entries (selectors or a namespace, no results_detail): the docs'
# "Inspecting" and info examples (pod, ephemeral_container_count), tests/integration/test_ephemeral_container_info.py
# (name, logs, state, exit code) and the fleet guide (reason, finished_at). Compact must keep every one of them.
READ_FROM_COMPACT = {
    "pod": ("pod",), "namespace": ("namespace",), "count": ("ephemeral_container_count",),
    "name": ("ephemeral_containers", "name"), "image": ("ephemeral_containers", "image"),
    "state": ("ephemeral_containers", "status", "state"), "exit_code": ("ephemeral_containers", "status", "exit_code"),
    "reason": ("ephemeral_containers", "status", "reason"), "finished_at": ("ephemeral_containers", "status", "finished_at"),
    "logs": ("ephemeral_containers", "logs"), "logs_truncated": ("ephemeral_containers", "logs_truncated"),
}
# Keys only a full entry has: the spec's other fields (as ephemeral_container writes them here) and the record.
FULL_ONLY_WORDS = ("annotation", "added_by_this_run", "command", "targetContainerName", "securityContext",
                   "container_id", "image_id", "restart_count", "terminationMessagePath")


def fleet(*names: str) -> FakeApiServer:
    """Pods with one terminated, annotated ephemeral container each, added by ephemeral_container itself."""
    server = FakeApiServer()
    for name in names:
        server.add(make_pod(name))
    added = run_module(ephemeral_container.main, server, {
        "namespace": "shop", "label_selectors": ["app=web"], "image": "busybox:1.36", "command": ["ps"],
        "target": "app", "run_id": "r1", "annotate": True, "wait": True, "wait_for": "terminated"})
    assert not added["failed"], added.get("msg")
    return server


def containers(result: dict) -> list:
    assert not result["failed"], result.get("msg")
    return [entry for pod in result["pods"] for entry in pod["ephemeral_containers"]]


def assert_full(entry: dict) -> None:
    assert COMPACT_KEYS | {"annotation", "command", "targetContainerName"} <= set(entry)
    assert entry["command"] == ["ps"] and entry["annotation"]["run_id"] == "r1"
    assert set(entry["status"]) == FULL_STATUS_KEYS


def assert_compact(entry: dict) -> None:
    assert set(entry) == COMPACT_KEYS, sorted(set(entry) ^ COMPACT_KEYS)
    assert set(entry["status"]) == COMPACT_STATUS_KEYS, sorted(entry["status"])
    assert entry["image"] == "busybox:1.36" and entry["status"]["state"] == "terminated"


def test_a_named_pod_gets_full_entries_by_default():
    (entry,) = containers(run_module(INFO, fleet("a"), {"namespace": "shop", "pod": "a"}))
    assert_full(entry)


@pytest.mark.parametrize("choose", [{"label_selectors": ["app=web"]}, {}, {"field_selectors": ["metadata.name=a"]}],
                         ids=["labels", "namespace", "one-match"])
def test_selectors_or_a_namespace_get_compact_entries_by_default(choose):
    server = fleet("a", "b")
    writes = len(server.patches())
    result = run_module(INFO, server, dict(choose, namespace="shop", logs=True, logs_limit_bytes=6))
    entries = containers(result)
    assert len(entries) == (1 if "field_selectors" in choose else 2)
    for entry in entries:
        assert_compact(entry)
        # The logs options still apply to compact entries.
        assert entry["logs"] == "thread" and entry["logs_truncated"] is True
    assert len(server.patches()) == writes
    assert result["changed"] is False


def test_forced_full_for_a_selection_and_compact_for_a_named_pod():
    server = fleet("a", "b")
    for entry in containers(run_module(INFO, server, {"namespace": "shop", "label_selectors": ["app=web"],
                                                      "results_detail": "full"})):
        assert_full(entry)
    (entry,) = containers(run_module(INFO, server, {"namespace": "shop", "pod": "a", "results_detail": "compact"}))
    assert_compact(entry)


def test_compact_is_the_full_entry_cut_down_never_changed():
    server = fleet("a", "b")
    args = {"namespace": "shop", "label_selectors": ["app=web"], "logs": True}
    full = containers(run_module(INFO, server, dict(args, results_detail="full")))
    compact = containers(run_module(INFO, server, args))
    for big, small in zip(full, compact):
        assert {k: v for k, v in big.items() if k in small and k != "status"} == {k: v for k, v in small.items() if k != "status"}
        assert {k: big["status"][k] for k in small["status"]} == small["status"]


def test_compact_keeps_what_the_collections_own_readers_read():
    result = run_module(INFO, fleet("a", "b"), {"namespace": "shop", "logs": True})
    for pod in result["pods"]:
        for what, path in READ_FROM_COMPACT.items():
            values = [pod] if path[0] != "ephemeral_containers" else pod["ephemeral_containers"]
            for value in values:
                for key in path[1:] if path[0] == "ephemeral_containers" else path:
                    assert key in value, "compact dropped {0} ({1}), which a reader reads".format(what, "/".join(path))
                    value = value[key]


def _info_tasks_and_what_follows(text: str):
    """Each ephemeral_container_info task in YAML (a code block of a guide, or a role/playbook file): its arguments
    (the lines indented below the module's name) and the text after it up to the next task of that module."""
    parts = re.split(r"(?m)^([ \t]*(?:-[ \t]+)?kubedebug\.ephemeral\.ephemeral_container_info:[ \t]*\n)", text)
    for index in range(1, len(parts) - 1, 2):
        lines = parts[index + 1].splitlines()
        indent = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
        args = []
        for line in lines:
            if line.strip() and len(line) - len(line.lstrip()) < indent or not indent:
                break
            args.append(line[indent:])
        yield "\n".join(args), parts[index + 1]


def _yaml_with_what_follows(path: Path) -> t.List[t.Tuple[str, str]]:
    """(YAML, what is shown after it): a role's or playbook's file whole; of a guide, each code block with the next
    one (the output a guide shows after a task), not the prose that explains the options."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".md":
        return [(text, "")]
    blocks = re.findall(r"(?ms)^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", text)
    return [(block, blocks[index + 1] if index + 1 < len(blocks) else "") for index, block in enumerate(blocks)]


def test_every_reader_of_full_only_keys_in_roles_playbooks_and_guides_asks_for_them():
    # A task that chooses pods by selectors or namespace and then shows or reads a key only full entries have must
    # say results_detail: full; otherwise that reader would find nothing once compact is the default.
    files = [p for d in ("roles", "playbooks", "extensions") for p in (ROOT / d).rglob("*.yml")]
    files += list((ROOT / "docs").rglob("*.md"))
    checked, wrong = 0, []
    for path in files:
        for text, shown_after in _yaml_with_what_follows(path):
            for args_text, rest in _info_tasks_and_what_follows(text):
                args = yaml.safe_load(args_text) or {}
                checked += 1
                if args.get("pod") or args.get("results_detail") == "full":
                    continue
                read = [word for word in FULL_ONLY_WORDS if re.search(r"\b{0}\b".format(word), rest + shown_after)]
                if read:
                    wrong.append("{0}: reads {1} without results_detail: full".format(path.relative_to(ROOT), read))
    assert checked >= 4 and wrong == []


@pytest.mark.parametrize("main,args", [
    (INFO, {"namespace": "shop", "label_selectors": ["app=web"]}),
    (ephemeral_container.main, {"namespace": "shop", "label_selectors": ["app=web"], "image": "busybox:1.36"}),
], ids=["info", "ephemeral_container"])
def test_an_empty_detail_is_refused_by_name_before_any_request(main, args):
    server = FakeApiServer()
    server.add(make_pod("a"))
    result = run_module(main, server, dict(args, results_detail=""))
    assert result["failed"]
    assert ("results_detail: an empty string cannot be told apart from leaving results_detail out, when auto applies "
            "(full entries for one named pod, compact ones for a selection); remove results_detail if that is what "
            "you want, or give it one of auto, full, compact") in result["msg"]
    assert server.requests == []


def test_an_unknown_detail_is_refused_by_its_choices_before_any_request():
    server = FakeApiServer()
    result = run_module(INFO, server, {"namespace": "shop", "results_detail": "wide"})
    assert result["failed"] and "results_detail" in result["msg"] and "auto, full, compact" in result["msg"]
    assert server.requests == []
