# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The layers of plugins/module_utils and the imports between them, read from the source (no import is run).

Used by the layer test (tests/unit/plugins/module_utils/test_layers.py) and by hack/layers-diagram.py, which draws
docs/images/layers.png from the same graph.
"""

from __future__ import annotations

import ast
import typing as t
from pathlib import Path

PREFIX = "ansible_collections.kubedebug.ephemeral.plugins."

# Lowest first. A package may import its own modules and any package of a lower layer, never a higher one;
# the workflows share a layer and never import each other.
LAYERS: t.Tuple[t.Tuple[str, t.Tuple[str, ...], str], ...] = (
    ("api facts", ("_api",), "pure facts about the Kubernetes API: no I/O, stdlib only"),
    ("core", ("_core",), "errors, REST client, connection, bounded concurrency, the option record"),
    ("container spec", ("_spec",), "the options table and the container built, checked and compared from it; pure"),
    ("cluster access", ("_cluster",), "one kind of request each: discovery, pods, the write, watch, logs, audit, access, admission"),
    ("workflows", ("_inject", "_preflight", "_cleanup", "_info", "_isolate", "_eda", "_sink"),
     "one package per module's flow (and the event sources', and the diagnostics S3 sink's), with its planning and result shape"),
    ("module template", ("_module",), "options check, selection, connect, run, one error boundary"),
)
RANK: t.Dict[str, int] = {package: rank for rank, (_name, packages, _job) in enumerate(LAYERS) for package in packages}


class Edge(t.NamedTuple):
    source: str  # a file, relative to plugins/ ("module_utils/_cluster/pods.py")
    target: str  # a module below plugins/ ("module_utils._api.pod")
    line: int


def imports_of(path: Path, plugins: Path) -> t.List[Edge]:
    """Every import of this collection's plugins/ code in one file, at any depth (also inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    source = path.relative_to(plugins).as_posix()
    edges = []
    for node in ast.walk(tree):
        names: t.List[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PREFIX):
            names = [node.module + "." + alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.startswith(PREFIX)]
        for name in names:
            edges.append(Edge(source, name[len(PREFIX):], node.lineno))
    return edges


def graph(plugins: Path) -> t.List[Edge]:
    return [edge for path in sorted(plugins.rglob("*.py")) for edge in imports_of(path, plugins)]


def package_of_file(source: str) -> t.Optional[str]:
    """``_cluster`` for module_utils/_cluster/pods.py; None outside module_utils' packages."""
    parts = source.split("/")
    return parts[1] if parts[0] == "module_utils" and len(parts) > 2 else None


def package_of_module(target: str) -> t.Optional[str]:
    """``_api`` for module_utils._api.pod (or module_utils._api.pod.key); None outside module_utils."""
    parts = target.split(".")
    return parts[1] if parts[0] == "module_utils" and len(parts) > 1 else None
