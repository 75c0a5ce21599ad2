# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Whether the user a play runs as on a node can reach the files a feature_gates run reads and writes there. kubeadm
keeps them root's (the manifests 0600, admin.conf 0600), so a play without ``become`` would otherwise stop at
whichever file it reads first with a bare "Permission denied"."""

from __future__ import annotations

import typing as t


def wanted(manifests_dir: str, kubelet_config: str, kubeconfig: str, static_pods: bool, kubelet: bool) -> list[dict[str, t.Any]]:
    """The paths to look at: what the run writes (``write``) and the kubeconfig it only reads."""
    paths = []
    if static_pods:
        paths.append({"path": manifests_dir, "write": True})
    if kubelet:
        paths.append({"path": kubelet_config, "write": True})
    if kubeconfig:
        paths.append({"path": kubeconfig, "write": False})
    return paths


def out_of_reach(stat_results: list[dict[str, t.Any]], check_mode: bool) -> list[str]:
    """The paths (of ``ansible.builtin.stat`` results looped over ``wanted``) that this user cannot look at (stat
    fails with "Permission denied" under a directory it may not enter, such as kubeadm's 0700 manifests directory's
    files), or that exist but it cannot read, or cannot write where the run writes (check mode writes nothing, so only
    reading counts there). Missing paths are left to the checks that name them."""
    refused = []
    for result in stat_results:
        stat, item = result.get("stat"), result.get("item") or {}
        writes = bool(item.get("write")) and not check_mode
        if stat is None or (stat.get("exists") and (not stat.get("readable") or (writes and not stat.get("writeable")))):
            refused.append(str(item.get("path")))
    return refused
