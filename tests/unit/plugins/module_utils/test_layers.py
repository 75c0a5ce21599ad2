# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The direction of the layers in plugins/module_utils, read from the imports: a lower layer never imports a higher
one, the workflows never import each other, the API facts need nothing but the standard library, and the
controller-side plugins use only the pure layers."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
PLUGINS = ROOT / "plugins"


def _load_graph_reader():
    spec = importlib.util.spec_from_file_location("kubedebug_import_graph", ROOT / "hack" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


GRAPH = _load_graph_reader()


def test_every_module_utils_file_is_in_a_layer_package():
    loose = [p.relative_to(PLUGINS).as_posix() for p in (PLUGINS / "module_utils").rglob("*.py")
             if GRAPH.package_of_file(p.relative_to(PLUGINS).as_posix()) not in GRAPH.RANK]
    assert loose == [], "put these into one of the layer packages (hack/import_graph.py LAYERS): {0}".format(loose)


def test_no_layer_imports_a_higher_one_and_workflows_stay_apart():
    wrong = []
    for edge in GRAPH.graph(PLUGINS):
        source, target = GRAPH.package_of_file(edge.source), GRAPH.package_of_module(edge.target)
        if source is None or target is None or source == target:
            continue
        if GRAPH.RANK[target] > GRAPH.RANK[source]:
            wrong.append("{0}:{1} imports the higher layer {2}".format(edge.source, edge.line, edge.target))
        elif GRAPH.RANK[target] == GRAPH.RANK[source]:
            wrong.append("{0}:{1} imports its sibling {2}".format(edge.source, edge.line, edge.target))
    assert wrong == []


def test_api_facts_import_only_the_standard_library():
    third_party = []
    for path in (PLUGINS / "module_utils" / "_api").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                own = name.startswith(GRAPH.PREFIX + "module_utils._api")
                if not own and top not in sys.stdlib_module_names and top != "__future__":
                    third_party.append("{0}: {1}".format(path.name, name))
    assert third_party == []


def test_controller_plugins_use_only_the_pure_layers():
    pure = {"_api", "_spec"}
    wrong = [
        "{0}:{1} imports {2}".format(edge.source, edge.line, edge.target)
        for edge in GRAPH.graph(PLUGINS)
        if edge.source.split("/")[0] in ("plugin_utils", "filter", "action", "lookup")
        and GRAPH.package_of_module(edge.target) not in (None, *pure)
    ]
    assert wrong == []


def test_the_checker_sees_a_wrong_import(tmp_path):
    # The rule above would pass on a graph it cannot read; prove it reads one.
    bad = tmp_path / "module_utils" / "_api"
    bad.mkdir(parents=True)
    (bad / "x.py").write_text("from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods\n")
    edges = GRAPH.graph(tmp_path)
    assert edges == [GRAPH.Edge("module_utils/_api/x.py", "module_utils._cluster.pods", 1)]
    assert GRAPH.RANK[GRAPH.package_of_module(edges[0].target)] > GRAPH.RANK[GRAPH.package_of_file(edges[0].source)]
