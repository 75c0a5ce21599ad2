# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import gates as fg


def test_parse_keeps_spelling_and_go_bools() -> None:
    pairs = fg.parse_pairs("A=True, B=0,,C=t")
    assert fg.as_dict(pairs) == {"A": True, "B": False, "C": True}
    assert fg.join(pairs) == "A=True, B=0,C=t"


@pytest.mark.parametrize("bad, msg", [("A", "missing bool value"), ("A=yes", "invalid value"), ("A=", "invalid value")])
def test_parse_errors(bad: str, msg: str) -> None:
    with pytest.raises(fg.FeatureGateError, match=msg):
        fg.parse_pairs(bad)


def test_fold_first_position_last_value() -> None:
    pairs = fg.fold(["A=true,B=false", "C=true,A=false"])
    assert [p.key for p in pairs] == ["A", "B", "C"]
    assert fg.as_dict(pairs) == {"A": False, "B": False, "C": True}


def test_apply_sets_in_place_and_appends() -> None:
    pairs = fg.apply(fg.parse_pairs("A=TRUE,EphemeralContainers=false"), {"EphemeralContainers": True, "Z": True}, ())
    assert fg.join(pairs) == "A=TRUE,EphemeralContainers=true,Z=true"
    assert fg.join(fg.apply(pairs, {}, ["Z", "EphemeralContainers"])) == "A=TRUE"


@pytest.mark.parametrize("gates", [{"A,B": True}, {"A=B": True}, {"": True}, {"A": "maybe"}])
def test_normalise_refuses_bad_input(gates: dict) -> None:
    with pytest.raises(fg.FeatureGateError):
        fg.normalise_gates(gates)


def test_normalise_accepts_strings() -> None:
    assert fg.normalise_gates({"A": "true", "B": False}) == {"A": True, "B": False}
