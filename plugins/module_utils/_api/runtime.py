# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Whether a node's container runtime can put an ephemeral container into a target container's
process namespace (``target``, the CRI's NamespaceMode TARGET). Runtimes that cannot silently give
the container the pod's (or its own) PID namespace instead, so the target's processes are not there.

From the runtimes' changelogs: containerd 1.5.0 (containerd #5203, for #5008); CRI-O 1.23.0
(cri-o #5440); dockershim, which lives in the kubelet, from Kubernetes 1.18 (k/k #84731) until it was
removed in 1.24. Pure: reads the Node's ``status.nodeInfo``."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.versions import find_version

YES, NO, UNKNOWN = "yes", "no", "unknown"

# runtime name in containerRuntimeVersion -> first version that supports TARGET, and where that is written
_FIRST_SUPPORTING: t.Dict[str, t.Tuple[t.Tuple[int, int, int], str]] = {
    "containerd": ((1, 5, 0), "containerd 1.5.0 added the TARGET PID namespace mode (containerd #5203)"),
    "cri-o": ((1, 23, 0), "CRI-O 1.23.0 added the TARGET namespace mode (cri-o #5440)"),
}


def parse_version(text: str) -> t.Optional[t.Tuple[int, int, int]]:
    found = find_version(text, anywhere=False)
    return found.triple if found else None


def targeting(node_info: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    """``{runtime, runtime_version, kubelet_version, targeting: yes|no|unknown, reason}`` for one node."""
    runtime_field = str(node_info.get("containerRuntimeVersion") or "")
    runtime, _sep, version = runtime_field.partition("://")
    kubelet = str(node_info.get("kubeletVersion") or "")
    result = {"runtime": runtime or None, "runtime_version": version or None, "kubelet_version": kubelet or None}
    parsed = parse_version(version)
    if runtime == "docker":
        kubelet_version = parse_version(kubelet)
        if kubelet_version is None:
            return dict(result, targeting=UNKNOWN, reason="dockershim's support depends on the kubelet version, which the node does not report")
        supported = kubelet_version >= (1, 18, 0)
        return dict(result, targeting=YES if supported else NO,
                    reason="dockershim (in the kubelet) supports TARGET from Kubernetes 1.18 (k/k #84731); this kubelet is {0}".format(kubelet))
    if runtime in _FIRST_SUPPORTING:
        first, why = _FIRST_SUPPORTING[runtime]
        if parsed is None:
            return dict(result, targeting=UNKNOWN, reason="cannot read the version {0!r}; {1}".format(version, why))
        return dict(result, targeting=YES if parsed >= first else NO, reason=why)
    return dict(result, targeting=UNKNOWN,
                reason="runtime {0!r} is not one whose changelog we know (containerd, CRI-O, dockershim)".format(runtime or runtime_field))
