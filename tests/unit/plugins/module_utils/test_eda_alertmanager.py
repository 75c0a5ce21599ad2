# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Alertmanager's webhook payload (version 4, the shape its webhook_config documents) into triggers."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.alertmanager import LabelNames, PayloadError, parse

# As Alertmanager sends it for a kube-prometheus KubePodNotReady alert (two alerts in one group).
PAYLOAD = {
    "version": "4",
    "groupKey": "{}:{alertname=\"KubePodNotReady\"}",
    "truncatedAlerts": 0,
    "status": "firing",
    "receiver": "kubedebug",
    "groupLabels": {"alertname": "KubePodNotReady"},
    "commonLabels": {"alertname": "KubePodNotReady", "severity": "warning"},
    "commonAnnotations": {},
    "externalURL": "http://alertmanager.example:9093",
    "alerts": [
        {"status": "firing", "labels": {"alertname": "KubePodNotReady", "namespace": "payments", "pod": "api-0", "severity": "warning"},
         "annotations": {"summary": "Pod has been in a non-ready state for more than 15 minutes."},
         "startsAt": "2026-12-07T07:40:00.000Z", "endsAt": "0001-01-01T00:00:00Z",
         "generatorURL": "http://prometheus.example:9090/graph", "fingerprint": "5f2c1a0b9d8e7f61"},
        {"status": "resolved", "labels": {"alertname": "KubePodNotReady", "namespace": "payments", "pod": "api-1"},
         "annotations": {}, "startsAt": "2026-12-07T07:00:00Z", "endsAt": "2026-12-07T07:30:00Z", "fingerprint": "aa"},
    ],
}


def test_a_firing_alert_naming_a_pod_is_a_trigger_and_resolved_ones_are_not():
    parsed = parse(copy.deepcopy(PAYLOAD))
    assert len(parsed.triggers) == 1
    trigger = parsed.triggers[0]
    assert (trigger.namespace, trigger.pod, trigger.cause, trigger.reason, trigger.container) == ("payments", "api-0", "alert", "KubePodNotReady", "")
    assert trigger.detail == "alert KubePodNotReady firing: Pod has been in a non-ready state for more than 15 minutes."
    assert trigger.occurrence == "5f2c1a0b9d8e7f61:2026-12-07T07:40:00.000Z:firing" and trigger.at == "2026-12-07T07:40:00.000Z"
    assert parsed.ignored == ["alerts[1] KubePodNotReady: status resolved (only firing alerts trigger; include_resolved takes resolved ones too)"]
    assert [t.pod for t in parse(copy.deepcopy(PAYLOAD), include_resolved=True).triggers] == ["api-0", "api-1"]


def test_alerts_without_a_pod_or_outside_the_namespaces_are_ignored_with_the_reason():
    payload = copy.deepcopy(PAYLOAD)
    payload["alerts"] = [
        {"labels": {"alertname": "NodeDown", "instance": "node-1"}},
        {"labels": {"alertname": "X", "namespace": "shop", "pod": "web-1"}},
        {"labels": {"alertname": "Y", "namespace": "payments", "pod": "Bad_Name"}},
        "not an alert",
    ]
    parsed = parse(payload, namespaces=["payments"])
    assert parsed.triggers == []
    assert parsed.ignored == [
        "alerts[0] NodeDown: no 'namespace' and 'pod' labels naming the pod",
        "alerts[1] X: namespace shop is not in the source's namespaces",
        "alerts[2] Y: payments/Bad_Name is not a namespace and pod name",
        "alerts[3]: not an object",
    ]


def test_other_label_names_and_the_container_label():
    payload = {"alerts": [{"labels": {"alertname": "JvmStuck", "kubernetes_namespace": "shop", "kubernetes_pod_name": "web-1", "ctr": "app"},
                           "startsAt": "2026-12-07T07:40:00Z"}]}
    trigger = parse(payload, LabelNames(namespace="kubernetes_namespace", pod="kubernetes_pod_name", container="ctr")).triggers[0]
    assert (trigger.namespace, trigger.pod, trigger.container) == ("shop", "web-1", "app")
    # Without a fingerprint (older senders), the labels identify the alert.
    assert trigger.occurrence.endswith(":2026-12-07T07:40:00Z:firing") and len(trigger.occurrence.split(":")[0]) == 16


@pytest.mark.parametrize("payload, message", [
    ([], "not a JSON object"),
    ({"version": "3", "alerts": []}, "payload version '3' is not supported"),
    ({"version": "4"}, "no 'alerts' list"),
])
def test_what_is_not_a_version_4_payload_is_refused(payload, message):
    with pytest.raises(PayloadError, match=message):
        parse(payload)
