# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The feature_gates tests' fixtures: copies of real kubeadm manifests, kubelet files and a ClusterConfiguration in
tests/unit/fixtures/feature_gates/, read byte for byte (the editors must keep every other byte)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "feature_gates"


def fixture(*parts: str) -> str:
    """The text of ``tests/unit/fixtures/feature_gates/<parts>``, newlines as stored."""
    with open(ROOT.joinpath(*parts), encoding="utf-8", newline="") as handle:
        return handle.read()
