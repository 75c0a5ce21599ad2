# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.compare import diff_view, spec_differences

WANTED = {"name": "debugger-1", "image": "busybox:1.36", "command": ["sh"], "stdin": True, "tty": True,
          "targetContainerName": "app", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
          "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
          "securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}}}
# The same container as a 1.37 server returns it.
EXISTING = dict(WANTED, resources={}, imagePullPolicy="IfNotPresent", terminationMessagePath="/dev/termination-log",
                terminationMessagePolicy="File", stdinOnce=False,
                volumeMounts=[{"name": "tmp", "mountPath": "/tmp", "readOnly": False}])


def test_equal_after_normalisation():
    assert spec_differences(WANTED, EXISTING) == []


@pytest.mark.parametrize(
    "changes, line",
    [
        ({"command": ["sh", "-c", "ps"]}, 'command: existing ["sh"], wanted ["sh", "-c", "ps"]'),
        ({"tty": False}, "tty: existing true, wanted (unset)"),
        ({"workingDir": "/w"}, 'workingDir: existing (unset), wanted "/w"'),
        ({"imagePullPolicy": "Always"}, 'imagePullPolicy: existing "IfNotPresent", wanted "Always"'),
        ({"securityContext": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}},
         'securityContext.capabilities.add: existing ["SYS_PTRACE"], wanted ["NET_ADMIN", "NET_RAW"]'),
        ({"securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}, "privileged": True}},
         "securityContext.privileged: existing (unset), wanted true"),
        ({"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "3"}]},
         'env[B].value: existing "2", wanted "3"'),
        ({"volumeMounts": [{"name": "tmp", "mountPath": "/tmp", "readOnly": True}]},
         "volumeMounts[/tmp].readOnly: existing (unset), wanted true"),
    ],
)
def test_single_difference(changes, line):
    assert spec_differences(dict(WANTED, **changes), EXISTING) == [line]


def test_reordered_or_added_list_items_show_the_whole_list():
    swapped = dict(WANTED, env=[{"name": "B", "value": "2"}, {"name": "A", "value": "1"}])
    assert spec_differences(swapped, EXISTING) == [
        'env: existing [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}], '
        'wanted [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}]'
    ]
    added = dict(WANTED, volumeMounts=[{"name": "tmp", "mountPath": "/tmp"}, {"name": "cfg", "mountPath": "/cfg"}])
    assert spec_differences(added, EXISTING)[0].startswith("volumeMounts: existing [")


def test_several_differences_are_sorted_by_field():
    lines = spec_differences(dict(WANTED, image="busybox:1.37", args=["x"]), EXISTING)
    assert [line.split(":")[0] for line in lines] == ["args", "image"]


def test_diff_view_normalises_and_keeps_order():
    old = {"name": "debugger-0", "image": "busybox", "resources": {}, "imagePullPolicy": "Always",
           "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
    view = diff_view([old], [{"name": "debugger-0", "image": "busybox"}, WANTED])
    assert view["before"] == {"ephemeralContainers": [
        {"name": "debugger-0", "image": "busybox", "imagePullPolicy": "Always",
         "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"},
    ]}
    after = view["after"]["ephemeralContainers"]
    assert after[0] == view["before"]["ephemeralContainers"][0]
    assert after[1]["name"] == "debugger-1" and after[1]["imagePullPolicy"] == "IfNotPresent"
    assert set(view) == {"before", "after"}


def test_diff_view_empty_pod():
    assert diff_view([], []) == {"before": {"ephemeralContainers": []}, "after": {"ephemeralContainers": []}}
