# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Derived container names are a contract: a scheduled run that derives another name than the night
before adds a new, permanent container to every pod. These names are literal on purpose; if a change
to building, defaulting or canonicalisation breaks this test, it renames containers for every user,
which needs a changelog entry under breaking_changes, not an updated literal."""

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.modules.ephemeral_container import main
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import FakeApiServer, make_pod, run_module

ERAS = [("Pod", "1.37"), ("EphemeralContainers", "1.21")]

GOLDEN = [
    # (options, expected name); no securityContext anywhere, so every case is valid in both eras.
    ({"image": "busybox:1.36", "command": ["sh"], "target": "app", "stdin": True, "tty": True}, "debugger-53e0cf8748"),
    ({"image": "busybox:1.36", "command": ["sh"], "target": "app", "stdin": True, "tty": True, "run_id": "2026-12-02"},
     "debugger-369684308f"),
    ({"image": "kubedebug.local/jdk:17", "command": ["jstack", "1"], "target": "app", "mount_target_volumes": True,
      "run_id": "nightly-1"}, "debugger-fe1152789c"),
    ({"image": "nicolaka/netshoot:v0.13", "command": ["tcpdump", "-c", "10"], "name_prefix": "capture",
      "profile": "baseline"}, "capture-279b15118f"),
    ({"image": "busybox", "env": [{"name": "MODE", "value": "debug"}], "working_dir": "/tmp",
      "volume_mounts": [{"name": "tmp", "mount_path": "/scratch", "read_only": True}]}, "debugger-8e7982b91d"),
]


@pytest.mark.parametrize("era,version", ERAS)
@pytest.mark.parametrize("options,expected", GOLDEN)
def test_derived_name_is_pinned(era, version, options, expected):
    server = FakeApiServer(era=era, version=version)
    server.add(make_pod("web"))
    result = run_module(main, server, {"namespace": "shop", "pod": "web", **options})
    assert not result["failed"], result.get("msg")
    assert result["results"][0]["container"] == expected


def test_golden_names_are_distinct():
    assert len({expected for _options, expected in GOLDEN}) == len(GOLDEN)


def _replica(name: str, token_volume: str) -> dict:
    """A Deployment replica: its app container mounts /tmp and its own projected API token volume."""
    pod = make_pod(name, containers=[{"name": "app", "image": "distroless/app:1", "volumeMounts": [
        {"name": "tmp", "mountPath": "/tmp"},
        {"name": token_volume, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True}]}],
        volumes=[{"name": "tmp", "emptyDir": {}}, {"name": token_volume, "projected": {"sources": [
            {"serviceAccountToken": {"path": "token", "expirationSeconds": 3607}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}}])
    return pod


JSTACK = {"image": "kubedebug.local/jdk:17", "command": ["jstack", "1"], "target": "app", "mount_target_volumes": True,
          "run_id": "nightly-1"}


@pytest.mark.parametrize("era,version", ERAS)
def test_replicas_get_one_name_and_no_token_by_default(era, version):
    server = FakeApiServer(era=era, version=version)
    server.add(_replica("web-1", "kube-api-access-abcde"))
    server.add(_replica("web-2", "kube-api-access-fghij"))
    result = run_module(main, server, {"namespace": "shop", "label_selectors": ["app=web"], "results_detail": "full", **JSTACK})
    assert not result["failed"], result.get("msg")
    # The same name as for a pod without any token volume: the token never enters the spec.
    assert [entry["container"] for entry in result["results"]] == ["debugger-fe1152789c"] * 2
    for entry in result["results"]:
        assert [m["mountPath"] for m in entry["spec"]["volumeMounts"]] == ["/tmp"]


def test_the_token_is_mounted_only_when_asked():
    server = FakeApiServer()
    server.add(_replica("web-1", "kube-api-access-abcde"))
    result = run_module(main, server, {"namespace": "shop", "pod": "web-1", "mount_service_account_token": True, **JSTACK})
    mounts = [m["mountPath"] for m in result["results"][0]["spec"]["volumeMounts"]]
    assert mounts == ["/tmp", "/var/run/secrets/kubernetes.io/serviceaccount"]
    assert result["results"][0]["container"] != "debugger-fe1152789c"
