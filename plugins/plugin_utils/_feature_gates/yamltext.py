# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Edit YAML as text, at the positions PyYAML's composer reports, so every other byte stays as it was.

Dumping a parsed manifest would reorder keys, requote values and drop comments, and hand-edited
files would no longer match their backups. So we compose the document only to learn where each scalar sits
(``start_mark``/``end_mark`` are character offsets) and then splice the text. Block and flow style are handled;
anything more exotic (a block scalar as an argument, an item sharing its line with a parent) is refused.
"""

from __future__ import annotations

import json
import re
import typing as t

import yaml

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.gates import FeatureGateError

Edit = t.Tuple[int, int, str]

_ITEM_PREFIX = re.compile(r"^[ \t]*-[ \t]+$")
_KEY_PREFIX = re.compile(r"^[ \t]*$")


def compose(text: str) -> yaml.Node:
    try:
        docs = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise FeatureGateError("not valid YAML: %s" % exc) from exc
    docs = [d for d in docs if d is not None]
    if len(docs) != 1 or not isinstance(docs[0], yaml.MappingNode):
        raise FeatureGateError("expected exactly one YAML document holding a mapping, found %d" % len(docs))
    return docs[0]


def apply_edits(text: str, edits: t.Iterable[Edit]) -> str:
    last = len(text) + 1
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        if end > last:
            raise FeatureGateError("internal error: overlapping text edits")
        text = text[:start] + new + text[end:]
        last = start
    return text


def line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def line_end(text: str, index: int) -> int:
    """Offset just past the newline that ends the line holding ``index`` (or the end of the text)."""
    nl = text.find("\n", index)
    return len(text) if nl < 0 else nl + 1


def last_end(node: yaml.Node) -> int:
    """End of the last scalar inside ``node``; block collections' own end marks point past trailing lines."""
    if isinstance(node, yaml.ScalarNode) or node.flow_style:
        return node.end_mark.index
    if isinstance(node, yaml.MappingNode):
        return last_end(node.value[-1][1]) if node.value else node.end_mark.index
    return last_end(node.value[-1]) if node.value else node.end_mark.index


def map_get(node: yaml.Node, key: str) -> tuple[int, yaml.Node, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for i, (k, v) in enumerate(node.value):
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return i, k, v
    return None


def render(value: t.Any, style: str | None = None, flow: bool = False) -> str:
    """A scalar in the requested quote style; plain when that reads back as the same string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    value = str(value)
    if style == "'":
        return "'%s'" % value.replace("'", "''")
    if style != '"' and _plain_ok(value, flow):
        return value
    return json.dumps(value)


def _plain_ok(value: str, flow: bool) -> bool:
    if flow and any(c in value for c in ",[]{}"):
        return False
    return bool(value) and value == value.strip() and _loads_same(value)


def _loads_same(value: str) -> bool:
    try:
        return yaml.safe_load(value) == value
    except yaml.YAMLError:
        return False


def _block_prefix(text: str, node: yaml.Node, pattern: re.Pattern[str], what: str) -> str:
    prefix = text[line_start(text, node.start_mark.index):node.start_mark.index]
    if not pattern.match(prefix):
        raise FeatureGateError("cannot edit %s at line %d: it shares its line with other YAML" % (what, node.start_mark.line + 1))
    return prefix


def replace_scalar(node: yaml.ScalarNode, value: t.Any, flow: bool = False) -> Edit:
    if node.style in ("|", ">"):
        raise FeatureGateError("cannot edit a block scalar at line %d" % (node.start_mark.line + 1))
    return node.start_mark.index, node.end_mark.index, render(value, node.style, flow)


def seq_delete(text: str, seq: yaml.SequenceNode, idx: int, count: int = 1) -> Edit:
    """Delete ``count`` adjacent items starting at ``idx`` (a split ``--flag value`` pair is two)."""
    items = seq.value
    first, last = items[idx], items[idx + count - 1]
    if seq.flow_style:
        if idx + count < len(items):
            return first.start_mark.index, items[idx + count].start_mark.index, ""
        if idx > 0:
            return last_end(items[idx - 1]), last_end(last), ""
        return first.start_mark.index, last_end(last), ""
    for item in items[idx:idx + count]:
        _block_prefix(text, item, _ITEM_PREFIX, "a list item")
    return line_start(text, first.start_mark.index), line_end(text, last_end(last)), ""


def seq_insert_after(text: str, seq: yaml.SequenceNode, idx: int, value: str) -> Edit:
    item = seq.value[idx]
    if seq.flow_style:
        at = last_end(item)
        return at, at, ", " + render(value, '"' if getattr(item, "style", None) == '"' else None, flow=True)
    prefix = _block_prefix(text, item, _ITEM_PREFIX, "a list item")
    at = line_end(text, last_end(item))
    lead = "" if text[at - 1:at] == "\n" else "\n"
    return at, at, "%s%s%s\n" % (lead, prefix, render(value, getattr(item, "style", None)))


def map_delete(text: str, mapping: yaml.MappingNode, idx: int) -> Edit:
    key, value = mapping.value[idx]
    if mapping.flow_style:
        if idx + 1 < len(mapping.value):
            return key.start_mark.index, mapping.value[idx + 1][0].start_mark.index, ""
        if idx > 0:
            return last_end(mapping.value[idx - 1][1]), last_end(value), ""
        return key.start_mark.index, last_end(value), ""
    _block_prefix(text, key, _KEY_PREFIX, "a mapping key")
    return line_start(text, key.start_mark.index), line_end(text, last_end(value)), ""


def map_insert(text: str, mapping: yaml.MappingNode, entries: t.Sequence[tuple[str, bool]], nest_under: str | None = None) -> Edit:
    """Append ``key: bool`` entries as the mapping's last items, or a new ``nest_under:`` map holding them."""
    if mapping.flow_style:
        items = ["%s: %s" % (json.dumps(k), render(v)) for k, v in entries]
        if nest_under is not None:
            items = ["%s: {%s}" % (json.dumps(nest_under), ", ".join(items))]
        if not mapping.value:
            at = mapping.start_mark.index + 1
            return at, at, ", ".join(items)
        at = last_end(mapping.value[-1][1])
        # A flow map written one key per line (pretty-printed JSON, as the test bed's and many generated kubelet
        # configs are) gets each new key on a line of its own, indented like the last key.
        last_key = mapping.value[-1][0]
        prefix = text[line_start(text, last_key.start_mark.index):last_key.start_mark.index]
        if _KEY_PREFIX.match(prefix) and last_key.start_mark.line > mapping.start_mark.line:
            return at, at, "".join(",\n%s%s" % (prefix, item) for item in items)
        return at, at, ", " + ", ".join(items)
    if not mapping.value:
        raise FeatureGateError("cannot add to an empty block mapping")
    indent = _block_prefix(text, mapping.value[0][0], _KEY_PREFIX, "a mapping key")
    at = line_end(text, last_end(mapping.value[-1][1]))
    lead = "" if at == 0 or text[at - 1:at] == "\n" else "\n"
    if nest_under is not None:
        body = "%s%s:\n" % (indent, nest_under) + "".join("%s  %s: %s\n" % (indent, k, render(v)) for k, v in entries)
    else:
        body = "".join("%s%s: %s\n" % (indent, k, render(v)) for k, v in entries)
    return at, at, lead + body


def flow_map_keep(text: str, mapping: yaml.MappingNode, keep: t.Sequence[int]) -> list[Edit]:
    """Delete every entry of a flow mapping not at ``keep``, with its separator; all other bytes stay.

    Each entry goes as map_delete would take it alone (up to the next kept key, or from the previous kept value
    when it is the last one), so one key per line stays one key per line; the spans are merged where they meet.
    """
    kept = list(range(len(mapping.value)))
    spans = []
    for idx in sorted(set(kept) - set(keep), reverse=True):
        pos = kept.index(idx)
        key, value = mapping.value[idx]
        if pos + 1 < len(kept):
            spans.append((key.start_mark.index, mapping.value[kept[pos + 1]][0].start_mark.index))
        elif pos > 0:
            spans.append((last_end(mapping.value[kept[pos - 1]][1]), last_end(value)))
        else:
            spans.append((key.start_mark.index, last_end(value)))
        kept.remove(idx)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end, "") for start, end in merged]
