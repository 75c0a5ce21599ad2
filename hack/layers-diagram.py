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
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_graph as ig  # noqa: E402  (a sibling script, not a package)

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "plugins"


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
    lines.append('  "modules" [label="plugins/modules/\\n(four thin main()s)", fillcolor="#e8f3e8"];')
    lines.append('  "plugin_utils" [label="plugins/plugin_utils/\\n(roles\' helpers)", fillcolor="#fbf2e4"];')
    lines.append('  "filter" [label="plugins/filter/", fillcolor="#fbf2e4"];')
    for (source, target), count in sorted(edges.items()):
        lines.append('  "{0}" -> "{1}" [label="{2}"];'.format(source, target, count))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    source = dot_source()
    if "--dot" in argv:
        sys.stdout.write(source)
        return 0
    out = Path(argv[0]) if argv else ROOT / "docs" / "images" / "layers.png"
    subprocess.run(["dot", "-Tpng", "-Gdpi=110", "-o", str(out)], input=source.encode(), check=True)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
