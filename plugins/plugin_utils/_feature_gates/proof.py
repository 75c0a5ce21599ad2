# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The component's own proof that a gate took effect, from what ``kubectl get --raw`` printed.

The apiserver lists ``pods/ephemeralcontainers`` in core/v1 discovery only when its gate is on (storage_core.go
registers the subresource behind the gate), and the kubelet's ``/configz`` shows the featureGates it runs with.
"""

from __future__ import annotations

import json
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import UserError

SUBRESOURCE = "pods/ephemeralcontainers"


def _document(text: str, what: str) -> dict[str, t.Any]:
    try:
        document = json.loads(text)
    except (TypeError, ValueError) as error:
        raise UserError(f"{what} is not JSON ({error}): {str(text)[:200]!r}") from None
    if not isinstance(document, dict):
        raise UserError(f"{what} is not a JSON object: {str(text)[:200]!r}")
    return document


def serves_ephemeral_containers(discovery_text: str) -> bool:
    """Whether core/v1 discovery (``get --raw /api/v1``) lists the ephemeralcontainers subresource."""
    resources = _document(discovery_text, "core/v1 discovery").get("resources") or []
    return any(isinstance(r, dict) and r.get("name") == SUBRESOURCE for r in resources)


def kubelet_gates(configz_text: str) -> dict[str, bool]:
    """The featureGates the kubelet runs with (``get --raw /api/v1/nodes/<node>/proxy/configz``); {} when none."""
    config = _document(configz_text, "the kubelet's configz").get("kubeletconfig") or {}
    return dict(config.get("featureGates") or {})
