# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The event sources' rulebook arguments: defaults, K8S_AUTH_* fallbacks, and a message naming each bad one."""

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda import arguments


def test_pod_events_defaults_and_connection_from_the_environment():
    parsed = arguments.pod_events({"namespace": "payments", "eda_feedback_queue": object()},
                                  environ={"K8S_AUTH_KUBECONFIG": "/k", "K8S_AUTH_VALIDATE_CERTS": "no"})
    assert parsed.namespace == "payments" and parsed.label_selector == ""
    assert parsed.settings.causes == frozenset(["restart", "not_ready", "oom_killed"])
    assert (parsed.settings.not_ready_seconds, parsed.settings.dedupe_seconds) == (30, 300)
    assert parsed.connection == {"kubeconfig": "/k", "validate_certs": False}
    # An argument given wins over its variable; event_reasons turns the event cause on.
    parsed = arguments.pod_events({"namespace": "p", "kubeconfig": "/mine", "event_reasons": "BackOff, Unhealthy", "not_ready_seconds": "0"},
                                  environ={"K8S_AUTH_KUBECONFIG": "/k"})
    assert parsed.connection == {"kubeconfig": "/mine"} and parsed.settings.event_reasons == ("BackOff", "Unhealthy")
    assert "event" in parsed.settings.causes and parsed.settings.not_ready_seconds == 0


@pytest.mark.parametrize("args, message", [
    ({}, "namespace is required"),
    ({"namespace": "p", "label_selector": "app in (a"}, "label_selector"),
    ({"namespace": "p", "not_ready_seconds": -1}, r"not_ready_seconds must be a number of seconds, 0 or more \(got -1\)"),
    ({"namespace": "p", "dedupe_seconds": "soon"}, "dedupe_seconds must be a number"),
    ({"namespace": "p", "not_ready_seconds": True}, "not_ready_seconds must be a number"),
    ({"namespace": "p", "causes": ["restarts"]}, "causes: restarts unknown; choose from restart, not_ready, oom_killed, event"),
    ({"namespace": "p", "causes": ["event"]}, "causes has 'event' but event_reasons is empty"),
    ({"namespace": "p", "event_reasons": [""]}, "event_reasons must be a list of non-empty strings"),
    ({"namespace": "p", "selector": "app=x"}, r"unknown argument\(s\) selector; the arguments are"),
])
def test_pod_events_bad_arguments_are_named(args, message):
    with pytest.raises(arguments.SourceArgumentError, match=r"^kubedebug\.ephemeral\.pod_events: .*" + message):
        arguments.pod_events(args, environ={})


def test_alertmanager_defaults_and_bad_arguments():
    parsed = arguments.alertmanager({})
    assert (parsed.host, parsed.port, parsed.namespaces, parsed.token, parsed.include_resolved) == ("127.0.0.1", 5001, (), "", False)
    assert (parsed.labels.namespace, parsed.labels.pod, parsed.labels.container) == ("namespace", "pod", "container")
    assert arguments.alertmanager({"port": "5002", "include_resolved": "yes"}).port == 5002
    for args, message in (({"port": 0}, "port must be a TCP port, 1-65535"), ({"port": "80x"}, "port must be a TCP port"),
                          ({"include_resolved": "maybe"}, "include_resolved must be true or false"),
                          ({"pod_label": ""}, "pod_label must be the name of an alert label"),
                          ({"namespaces": [1]}, "namespaces must be a list of non-empty strings"), ({"path": "/x"}, "unknown argument")):
        with pytest.raises(arguments.SourceArgumentError, match="^kubedebug.ephemeral.alertmanager_pods: .*" + message):
            arguments.alertmanager(args)
