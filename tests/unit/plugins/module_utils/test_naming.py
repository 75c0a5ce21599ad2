# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
import re

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.names import derive_name
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.module_utils.samples import BUILT, RETURNED


def test_derive_name_is_deterministic_and_well_formed():
    name = derive_name(BUILT, "run-1")
    assert name == derive_name(copy.deepcopy(BUILT), "run-1")
    assert re.match(r"^debugger-[0-9a-f]{10}$", name)


def test_derive_name_ignores_name_and_server_defaults():
    assert derive_name(dict(BUILT, name="other"), "r") == derive_name(BUILT, "r")
    assert derive_name(RETURNED, "r") == derive_name(BUILT, "r")


@pytest.mark.parametrize(
    "changed",
    [
        dict(BUILT, command=["bash"]),
        dict(BUILT, image="busybox:1.37"),
        dict(BUILT, targetContainerName="sidecar"),
        dict(BUILT, tty=False),
        dict(BUILT, securityContext={"privileged": True}),
        dict(BUILT, imagePullPolicy="Always"),
    ],
)
def test_derive_name_changes_with_spec(changed):
    assert derive_name(changed, "r") != derive_name(BUILT, "r")


def test_derive_name_changes_with_run_id():
    assert derive_name(BUILT, "a") != derive_name(BUILT, "b")
    assert derive_name(BUILT, None) == derive_name(BUILT, "")


def test_derive_name_trims_long_prefix_to_63():
    name = derive_name(BUILT, prefix="a" * 50 + "-b" + "c" * 20)
    assert len(name) == 63 and name.startswith("a" * 50 + "-b-")
    # A cut that ends on "-" is stripped so the label stays valid.
    name = derive_name(BUILT, prefix="a" * 51 + "-xyz")
    assert name.startswith("a" * 51 + "-") and "--" not in name and len(name) == 62
    assert derive_name(BUILT, prefix="tool").startswith("tool-")


def test_derive_name_rejects_empty_prefix():
    with pytest.raises(ValueError, match="name_prefix"):
        derive_name(BUILT, prefix="---")
