# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.kubedebug.ephemeral.plugins.modules.ephemeral_container_info import main
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import FakeApiServer, make_pod, run_module

TERMINATED = {"name": "dbg", "image": "busybox:1.36", "ready": False, "restartCount": 0,
              "state": {"terminated": {"exitCode": 2, "reason": "Error", "startedAt": "s", "finishedAt": "f"}}}


def cluster(era="Pod"):
    server = FakeApiServer(era=era)
    web = server.add(make_pod("web", ephemeral=[{"name": "dbg", "image": "busybox:1.36"}, {"name": "new", "image": "busybox:1.36"}]))
    web["status"]["ephemeralContainerStatuses"] = [TERMINATED]
    server.add(make_pod("db", labels={"app": "db"}))
    server.add(make_pod("other", namespace="default"))
    return server


def test_lists_specs_merged_with_status():
    server = cluster()
    result = run_module(main, server, {"namespace": "shop"})
    assert result["changed"] is False
    assert [p["pod"] for p in result["pods"]] == ["db", "web"]
    web = result["pods"][1]
    assert (web["node"], web["phase"], web["ephemeral_container_count"]) == ("node-1", "Running", 2)
    dbg, new = web["ephemeral_containers"]
    assert dbg["image"] == "busybox:1.36" and dbg["status"]["exit_code"] == 2 and dbg["status"]["state"] == "terminated"
    assert new["status"] is None
    assert result["server"] == {"git_version": "v1.37.3", "major": 1, "minor": 37, "api_era": "pod", "subresource_enabled": True}
    assert server.patches() == []


def test_name_filter_logs_and_single_pod():
    result = run_module(main, cluster(), {"namespace": "shop", "pod": "web", "name": "dbg", "logs": True, "logs_tail_lines": 10})
    (web,) = result["pods"]
    assert [c["name"] for c in web["ephemeral_containers"]] == ["dbg"] and web["ephemeral_container_count"] == 2
    assert web["ephemeral_containers"][0]["logs"] == "thread dump\n"


def test_missing_pod_is_an_empty_list():
    assert run_module(main, cluster(), {"namespace": "shop", "pod": "nope"})["pods"] == []


def test_all_namespaces_and_selectors():
    result = run_module(main, cluster(), {"all_namespaces": True, "label_selectors": ["app=web"]})
    assert [(p["namespace"], p["pod"]) for p in result["pods"]] == [("default", "other"), ("shop", "web")]


def test_gate_off_is_reported_not_failed():
    result = run_module(main, cluster(era=None), {"namespace": "shop"})
    assert not result["failed"] and result["server"]["subresource_enabled"] is False and result["server"]["api_era"] == "unsupported"
