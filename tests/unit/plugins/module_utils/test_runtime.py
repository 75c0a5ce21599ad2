# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.runtime import NO, UNKNOWN, YES, targeting


@pytest.mark.parametrize("runtime,kubelet,expected", [
    ("containerd://1.6.20", "v1.37.2", YES),
    ("containerd://1.5.0", "v1.21.0", YES),
    ("containerd://1.4.13", "v1.21.0", NO),
    ("containerd://v1.7.2-k3s1", "v1.27.0", YES),
    ("cri-o://1.23.0", "v1.23.0", YES),
    ("cri-o://1.22.5", "v1.22.0", NO),
    ("docker://20.10.7", "v1.18.0", YES),
    ("docker://20.10.7", "v1.17.4", NO),
    ("docker://20.10.7", "", UNKNOWN),
    ("containerd://dev", "v1.30.0", UNKNOWN),
    ("frakti://1.0", "v1.30.0", UNKNOWN),
    ("", "v1.30.0", UNKNOWN),
])
def test_targeting_from_the_changelogs(runtime, kubelet, expected):
    answer = targeting({"containerRuntimeVersion": runtime, "kubeletVersion": kubelet})
    assert answer["targeting"] == expected, answer
    assert answer["reason"]


def test_runtime_name_and_version_are_split():
    answer = targeting({"containerRuntimeVersion": "containerd://1.6.20", "kubeletVersion": "v1.37.2"})
    assert (answer["runtime"], answer["runtime_version"], answer["kubelet_version"]) == ("containerd", "1.6.20", "v1.37.2")
