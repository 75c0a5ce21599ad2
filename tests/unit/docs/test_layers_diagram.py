# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/images/layers.png is drawn from today's import graph: it carries the hash of the graph it shows."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def diagram_script():
    spec = importlib.util.spec_from_file_location("kubedebug_layers_diagram", ROOT / "hack" / "layers-diagram.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_layers_diagram_shows_the_current_import_graph():
    script = diagram_script()
    drawn = script.stamp_of(script.DIAGRAM.read_bytes())
    assert drawn == script.graph_hash(script.dot_source()), (
        "docs/images/layers.png is stale (the imports or files of plugins/ changed): run python3 hack/layers-diagram.py")


def test_the_stamp_round_trips_and_a_png_without_one_reads_as_empty():
    script = diagram_script()
    bare = b"\x89PNG\r\n\x1a\n" + script._chunk(b"IEND", b"")
    assert script.stamp_of(bare) == ""
    assert script.stamp_of(script.stamped(bare, "abc")) == "abc"
