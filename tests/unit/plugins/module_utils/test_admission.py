# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster.admission import (
    matching_webhooks,
    pod_security_labels,
)


def test_pod_security_labels_with_and_without_versions():
    labels = {"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "baseline",
              "pod-security.kubernetes.io/warn-version": "v1.30", "other": "x"}
    assert pod_security_labels(labels) == {"enforce": {"level": "restricted", "version": "latest"},
                                           "warn": {"level": "baseline", "version": "v1.30"}, "audit": None}


def _config(rule):
    return {"metadata": {"name": "cfg"}, "webhooks": [{"name": "hook.example.com", "failurePolicy": "Fail", "rules": [rule]}]}


@pytest.mark.parametrize("resources,operations,matches", [
    (["pods/ephemeralcontainers"], ["UPDATE"], True),
    (["pods/*"], ["*"], True),
    (["*/*"], ["UPDATE"], True),
    (["pods"], ["CREATE", "UPDATE"], False),  # kyverno #2821: pods alone never sees these writes
    (["*"], ["UPDATE"], False),  # "*" is every resource but no subresource
    (["pods/ephemeralcontainers"], ["CREATE"], False),  # adding one is an UPDATE of the subresource
])
def test_webhook_rules_that_see_the_subresource(resources, operations, matches):
    rule = {"apiGroups": [""], "apiVersions": ["v1"], "resources": resources, "operations": operations}
    found = matching_webhooks([_config(rule)], "validating")
    assert bool(found) == matches
    if matches:
        assert found[0]["configuration"] == "cfg" and found[0]["webhook"] == "hook.example.com" and found[0]["failure_policy"] == "Fail"


def test_other_groups_do_not_match():
    rule = {"apiGroups": ["apps"], "apiVersions": ["v1"], "resources": ["*/*"], "operations": ["*"]}
    assert matching_webhooks([_config(rule)], "mutating") == []
