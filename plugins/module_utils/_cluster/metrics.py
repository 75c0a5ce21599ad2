# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Containers' working sets from the resource metrics API (metrics.k8s.io, served by metrics-server), one LIST per
namespace. Its ``usage.memory`` is the kubelet's working set, the figure the OOM killer and evictions go by."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.quantity import parse_bytes
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import ApiException, parse_status

PATH = "/apis/metrics.k8s.io/v1beta1/namespaces/{0}/pods"

# (namespace, pod) -> container -> working set in bytes
WorkingSets = t.Dict[t.Tuple[str, str], t.Dict[str, int]]


def working_sets(api_client: t.Any, namespace: str) -> t.Tuple[WorkingSets, t.Optional[str]]:
    """Every pod's container working sets in the namespace, or ({}, why there are none)."""
    try:
        data = _rest.request_json(api_client, "GET", PATH.format(namespace))
    except ApiException as exc:
        status = parse_status(exc)
        code = status.get("code")
        if code == 404:
            return {}, "the metrics API (metrics.k8s.io) is not served; install metrics-server for it"
        if code == 403:
            return {}, "no permission to list pods.metrics.k8s.io in {0}".format(namespace)
        return {}, "the metrics API answered {0}: {1}".format(code, status.get("message") or status.get("reason"))
    found: WorkingSets = {}
    for item in data.get("items") or []:
        meta = item.get("metadata") or {}
        containers = {}
        for container in item.get("containers") or []:
            value = parse_bytes((container.get("usage") or {}).get("memory"))
            if value is not None:
                containers[container.get("name", "")] = value
        found[(meta.get("namespace") or namespace, meta.get("name", ""))] = containers
    return found, None
