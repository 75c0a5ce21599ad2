# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input to preflight, cleanup and the audit options is refused before any API call, naming the option."""

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.modules import (
    ephemeral_container,
    ephemeral_container_cleanup,
    ephemeral_container_preflight,
)
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import FakeApiServer, make_pod, run_module

CLEANUP_CASES = [
    ({"min_ephemeral_containers": 0}, "min_ephemeral_containers: 0 is out of range; use 1 to 100000"),
    ({"min_ephemeral_containers": -3}, "min_ephemeral_containers: -3 is out of range"),
    ({"terminated_for": -1}, "terminated_for: -1 is out of range"),
    ({"run_id": ""}, "run_id: an empty string cannot be told apart"),
    ({"name_prefix": ""}, "name_prefix: an empty string cannot be told apart"),
    ({"run_id": "r", "timeout": 0}, "timeout: 0 is out of range; use 1 to 86400"),
    ({"run_id": "r", "timeout": -5}, "timeout: -5 is out of range"),
    ({"run_id": "r", "max_unavailable": 0}, "max_unavailable: 0 is out of range; use 1 to 100"),
    ({"run_id": "r", "max_pods": -1}, "max_pods: -1 is out of range"),
    ({}, "give one of min_ephemeral_containers, terminated_for, run_id, name_prefix"),
    ({"run_id": "r", "name_prefix": "d"}, "run_id and name_prefix cannot be combined"),
    ({"min_ephemeral_containers": 2, "terminated_for": 60}, "min_ephemeral_containers and terminated_for cannot be combined"),
    ({"run_id": "r", "namespace": ""}, "namespace: an empty string is not a namespace"),
    ({"run_id": "r", "label_selectors": ["app in (a"]}, "label_selectors[0]"),
    ({"run_id": "r", "pod": "web", "label_selectors": ["app=web"]}, "pod cannot be combined with label_selectors"),
]

PREFLIGHT_CASES = [
    ({"field_manager": ""}, "field_manager: an empty string cannot be told apart"),
    ({"field_manager": "x" * 129}, "field_manager: 129 bytes is too long"),
    ({"namespace": ""}, "namespace: an empty string is not a namespace"),
    ({"field_selectors": ["status.phase"]}, "field_selectors[0]"),
]

INJECT_CASES = [
    ({"field_manager": ""}, "field_manager: an empty string cannot be told apart"),
    ({"field_manager": "bad\tmanager"}, "field_manager: 'bad\\tmanager' holds characters that are not printable"),
    ({"annotate": "perhaps"}, "annotate"),
    ({"profile": "auto", "security_context": {"runAsUser": 0}}, "security_context: profile 'auto'"),
]


def _refused(main, args, fragment):
    server = FakeApiServer()
    server.add(make_pod("web"))
    result = run_module(main, server, args)
    assert result["failed"], args
    assert fragment in result["msg"], (fragment, result["msg"])
    assert server.requests == [], "an API call was made"


@pytest.mark.parametrize("args,fragment", CLEANUP_CASES)
def test_cleanup_refuses_before_any_call(args, fragment):
    _refused(ephemeral_container_cleanup.main, dict({"namespace": "shop"}, **args), fragment)


@pytest.mark.parametrize("args,fragment", PREFLIGHT_CASES)
def test_preflight_refuses_before_any_call(args, fragment):
    _refused(ephemeral_container_preflight.main, args, fragment)


@pytest.mark.parametrize("args,fragment", INJECT_CASES)
def test_audit_options_refused_before_any_call(args, fragment):
    _refused(ephemeral_container.main, dict({"namespace": "shop", "pod": "web", "image": "busybox:1.36"}, **args), fragment)
