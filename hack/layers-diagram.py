# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Draw docs/images/layers.png: the layers of plugins/module_utils from the real import graph (hack/import_graph.py).

One box per package with its files, lowest layer at the top; one arrow from importer to imported per pair of packages that import each
other (the number says how many imports), plus the modules and the controller-side plugins that use them.
Needs graphviz's ``dot`` (Debian: apt-get install graphviz). Usage: python3 hack/layers-diagram.py [out.png] [--dot]
"""

from __future__ import annotations

import collections
import hashlib
import struct
import subprocess
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_graph as ig  # noqa: E402  (a sibling script, not a package)

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "plugins"
DIAGRAM = ROOT / "docs" / "images" / "layers.png"
# The PNG carries the hash of the graph it was drawn from, so a unit test can tell when it is stale.
STAMP_KEY = b"kubedebug-graph-sha256"


def node_of_file(source: str) -> str:
    package = ig.package_of_file(source)
    if package:
        return package
    return source.split("/")[0]  # modules, plugin_utils, filter


def dot_source() -> str:
    files = collections.defaultdict(list)
    for path in sorted((PLUGINS / "module_utils").rglob("*.py")):
        relative = path.relative_to(PLUGINS).as_posix()
        if path.name != "__init__.py":
            files[ig.package_of_file(relative)].append(path.stem)
    edges = collections.Counter()
    for edge in ig.graph(PLUGINS):
        source, target = node_of_file(edge.source), ig.package_of_module(edge.target)
        if target and source != target:
            edges[(source, target)] += 1
    lines = [
        "digraph layers {",
        '  graph [rankdir=BT, fontname="Helvetica", fontsize=12, nodesep=0.4, ranksep=0.55, newrank=true,',
        '         label="plugins/module_utils: layers from the import graph (hack/layers-diagram.py)", labelloc=t];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f6fb", fontname="Helvetica", fontsize=10];',
        '  edge [color="#7a8499", fontname="Helvetica", fontsize=8, arrowsize=0.6];',
    ]
    for rank, (name, packages, job) in enumerate(ig.LAYERS):
        lines.append('  subgraph cluster_{rank} {{ label="{rank}. {name}: {job}"; style="rounded"; color="#b8c0d0"; fontsize=10;'.format(
            rank=rank, name=name, job=job))
        for package in packages:
            lines.append('    "{0}" [label="{0}/\\n{1}"];'.format(package, "\\n".join(files.get(package, []))))
        lines.append("  }")
    lines.append('  "modules" [label="plugins/modules/\\n(thin main()s)", fillcolor="#e8f3e8"];')
    lines.append('  "plugin_utils" [label="plugins/plugin_utils/\\n(roles\' helpers)", fillcolor="#fbf2e4"];')
    lines.append('  "filter" [label="plugins/filter/", fillcolor="#fbf2e4"];')
    for (source, target), count in sorted(edges.items()):
        lines.append('  "{0}" -> "{1}" [label="{2}"];'.format(source, target, count))
    lines.append("}")
    return "\n".join(lines) + "\n"


def graph_hash(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def stamped(png: bytes, digest: str) -> bytes:
    """``png`` with a tEXt chunk holding ``digest``, put just before IEND (the last 12 bytes)."""
    return png[:-12] + _chunk(b"tEXt", STAMP_KEY + b"\0" + digest.encode()) + png[-12:]


def stamp_of(png: bytes) -> str:
    """The digest stamped into ``png``; "" when there is none."""
    offset = 8  # the PNG signature
    while offset + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[offset:offset + 8])
        data = png[offset + 8:offset + 8 + length]
        if kind == b"tEXt" and data.startswith(STAMP_KEY + b"\0"):
            return data[len(STAMP_KEY) + 1:].decode()
        offset += 12 + length
    return ""


def main(argv: list[str]) -> int:
    source = dot_source()
    if "--dot" in argv:
        sys.stdout.write(source)
        return 0
    out = Path(argv[0]) if argv else DIAGRAM
    png = subprocess.run(["dot", "-Tpng", "-Gdpi=110"], input=source.encode(), check=True, capture_output=True).stdout
    out.write_bytes(stamped(png, graph_hash(source)))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
