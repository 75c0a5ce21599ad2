# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What identifies a running static pod, from ``kubectl get pod <mirror pod> -o json``.

The kubelet stamps each mirror pod with ``kubernetes.io/config.hash``, the UID it derives from the decoded manifest
(pkg/kubelet/config/common.go), and creates the new mirror pod only once the old pod is gone, so a new hash means
the new manifest runs. The Ready condition and the restart count are posted later (15-45 s after /readyz on 1.21)
and may be missing, which is why they are read by name here and never by position.
"""

from __future__ import annotations

import json
import typing as t

HASH_ANNOTATION = "kubernetes.io/config.hash"


def identity(text: str) -> dict[str, t.Any]:
    """``{hash, ready, restarts}`` of the mirror pod: ``""`` for a missing hash or Ready condition, None for a missing
    restart count; all empty when kubectl printed no pod (it failed, or the mirror pod does not exist yet)."""
    try:
        pod = json.loads(text) if text and text.strip() else {}
    except ValueError:
        pod = {}
    if not isinstance(pod, dict):
        pod = {}
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    status = pod.get("status") or {}
    ready = next((c.get("status") for c in status.get("conditions") or [] if c.get("type") == "Ready"), None)
    containers = status.get("containerStatuses") or [{}]
    return {
        "hash": str(annotations.get(HASH_ANNOTATION) or ""),
        "ready": str(ready or ""),
        "restarts": containers[0].get("restartCount"),
    }
