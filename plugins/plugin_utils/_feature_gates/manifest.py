# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Merge gates into, or remove them from, the one ``--feature-gates`` flag of a static pod manifest.

Works on the manifest text (see ``yamltext``): every other argument, comment and byte stays.
Handles ``--feature-gates=A=true``, the split ``--feature-gates`` ``A=true`` form, quoted items, and repeated
flags, which component-base merges key by key (later wins); we fold those into the first one, because kubeadm
never writes two and a reader of the manifest should not have to know that rule. The result is re-parsed and
compared with the original before anyone writes it.
"""

from __future__ import annotations

import copy
import typing as t

import yaml

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import gates as fg
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import yamltext as yt

FLAG = "--feature-gates"


class Occurrence(t.NamedTuple):
    list_key: str
    seq: yaml.SequenceNode
    idx: int
    split: bool  # ``--feature-gates`` ``value`` as two items
    value: str


def _container(root: yaml.MappingNode, component: str) -> yaml.MappingNode:
    kind = yt.map_get(root, "kind")
    if not kind or kind[2].value != "Pod":
        raise fg.FeatureGateError("%s manifest is not a kind: Pod document" % component)
    spec = yt.map_get(root, "spec")
    containers = yt.map_get(spec[2], "containers") if spec else None
    if not containers or not isinstance(containers[2], yaml.SequenceNode) or not containers[2].value:
        raise fg.FeatureGateError("%s manifest has no spec.containers list" % component)
    items = containers[2].value
    if len(items) == 1:
        return items[0]
    named = [c for c in items if _name(c) == component]
    if len(named) != 1:
        raise fg.FeatureGateError("%s manifest has %d containers and none (or several) named %s" % (component, len(items), component))
    return named[0]


def _name(container: yaml.Node) -> str | None:
    found = yt.map_get(container, "name")
    return found[2].value if found and isinstance(found[2], yaml.ScalarNode) else None


def _lists(container: yaml.MappingNode) -> dict[str, yaml.SequenceNode]:
    out = {}
    for key in ("command", "args"):
        found = yt.map_get(container, key)
        if found is None:
            continue
        seq = found[2]
        if not isinstance(seq, yaml.SequenceNode) or not all(isinstance(i, yaml.ScalarNode) for i in seq.value):
            raise fg.FeatureGateError("container %s is not a list of strings" % key)
        out[key] = seq
    if not out:
        raise fg.FeatureGateError("container has neither command nor args")
    return out


def _occurrences(lists: dict[str, yaml.SequenceNode]) -> list[Occurrence]:
    out = []
    for key, seq in lists.items():
        items = seq.value
        for i, item in enumerate(items):
            if item.value.startswith(FLAG + "="):
                out.append(Occurrence(key, seq, i, False, item.value[len(FLAG) + 1:]))
            elif item.value == FLAG:
                if i + 1 >= len(items):
                    raise fg.FeatureGateError("%s is the last %s item and has no value" % (FLAG, key))
                out.append(Occurrence(key, seq, i, True, items[i + 1].value))
    return out


def _target_list(lists: dict[str, yaml.SequenceNode]) -> str:
    """Where a new flag goes: the list that already holds the flags (kubeadm: command)."""
    def flags(key: str) -> int:
        return sum(1 for i in lists[key].value if i.value.startswith("--"))
    return max(lists, key=lambda k: (flags(k), k == "command"))


def strip_flags(argv: list[str]) -> list[str]:
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == FLAG:
            skip = True
        elif not arg.startswith(FLAG + "="):
            out.append(arg)
    return out


def _read(text: str, component: str) -> tuple[yaml.MappingNode, dict[str, yaml.SequenceNode], list[Occurrence], list[fg.Pair]]:
    """The component's container node, its command/args lists, every flag in them, and the flags' folded pairs."""
    container = _container(yt.compose(text), component)
    lists = _lists(container)
    occ = _occurrences(lists)
    return container, lists, occ, fg.fold(o.value for o in occ)


def inspect(text: str, component: str) -> dict[str, t.Any]:
    """Read-only facts: container, image, lists, current gates, flag count, liveness probe URL."""
    container, dummy, occ, folded = _read(text, component)
    data = yaml.safe_load(text)
    obj = _find_container(data, container)
    return {
        "name": (data.get("metadata") or {}).get("name"),
        "namespace": (data.get("metadata") or {}).get("namespace", "default"),
        "container": obj.get("name"),
        "image": obj.get("image", ""),
        "flags": len(occ),
        "gates": fg.as_dict(folded),
        "value": fg.join(folded),
        "probe_url": _probe_url(obj),
        "probe_base": _probe_url(obj, path=False),
    }


def _find_container(data: dict, node: yaml.MappingNode) -> dict:
    name = yt.map_get(node, "name")
    containers = data["spec"]["containers"]
    if len(containers) == 1 or name is None:
        return containers[0]
    return next(c for c in containers if c.get("name") == name[2].value)


def _probe_url(container: dict, path: bool = True) -> str:
    """The liveness probe as a URL; kubeadm's probes use host 127.0.0.1 (or the advertise address) and a numeric port."""
    get = ((container.get("livenessProbe") or container.get("readinessProbe") or {}).get("httpGet")) or {}
    if not get or not isinstance(get.get("port"), int):
        return ""
    base = "%s://%s:%d" % (str(get.get("scheme", "HTTP")).lower(), get.get("host") or "127.0.0.1", get["port"])
    return base + (get.get("path", "/") if path else "")


def edit(text: str, component: str, gates: t.Mapping[str, t.Any], state: str = "present") -> dict[str, t.Any]:
    """Return ``{changed, text, gates_before, gates_after, flags_before, flag_after, diff}``."""
    want = fg.normalise_gates(gates)
    dummy, lists, occ, folded = _read(text, component)
    if state == "present":
        pairs = fg.apply(folded, want, ())
    elif state == "absent":
        pairs = fg.apply(folded, {}, want)
    else:
        raise fg.FeatureGateError("state must be present or absent, not %r" % state)
    new_value = fg.join(pairs)
    flags_before = [FLAG + "=" + o.value for o in occ]
    flag_after = FLAG + "=" + new_value if pairs else None
    unchanged = (len(occ) <= 1 and [o.value for o in occ] == ([new_value] if pairs else [])) or (
        state == "absent" and not any(p.key in want for p in folded))
    before = fg.as_dict(folded)
    after = fg.as_dict(pairs) if not unchanged else before
    result = {
        "changed": not unchanged,
        "text": text,
        "component": component,
        "gates_before": before,
        "gates_after": after,
        "flags_before": flags_before,
        "flag_after": flag_after if not unchanged else (flags_before[0] if flags_before else None),
        "diff": {k: {"before": before.get(k), "after": after.get(k)}
                 for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)},
    }
    if unchanged:
        return result
    edits = []
    if not occ:
        key = _target_list(lists)
        seq = lists[key]
        edits.append(yt.seq_insert_after(text, seq, len(seq.value) - 1, flag_after))
    for n, o in enumerate(occ):
        if n == 0 and pairs:
            if o.split:
                edits.append(yt.replace_scalar(o.seq.value[o.idx + 1], new_value, o.seq.flow_style))
            else:
                edits.append(yt.replace_scalar(o.seq.value[o.idx], flag_after, o.seq.flow_style))
        else:
            edits.append(yt.seq_delete(text, o.seq, o.idx, 2 if o.split else 1))
    result["text"] = yt.apply_edits(text, edits)
    validate(text, result["text"], component, after)
    return result


def validate(old: str, new: str, component: str, gates: dict[str, bool]) -> None:
    """Refuse a result that changed anything but the feature gates, or that has more than one flag."""
    try:
        before, after = yaml.safe_load(old), yaml.safe_load(new)
    except yaml.YAMLError as exc:
        raise fg.FeatureGateError("internal error: the edited %s manifest is not valid YAML: %s" % (component, exc)) from exc
    info = inspect(new, component)
    if info["flags"] != (1 if gates else 0):
        raise fg.FeatureGateError("internal error: the edited %s manifest has %d %s flags" % (component, info["flags"], FLAG))
    if info["gates"] != gates:
        raise fg.FeatureGateError("internal error: the edited %s manifest sets %s, not %s" % (component, info["gates"], gates))
    if len(before["spec"]["containers"]) != len(after["spec"]["containers"]):
        raise fg.FeatureGateError("internal error: the edited %s manifest changed the number of containers" % component)
    b, a = copy.deepcopy(before), copy.deepcopy(after)
    for doc in (b, a):
        for c in doc["spec"]["containers"]:
            argv = list(c.pop("command", None) or []) + ["\0"] + list(c.pop("args", None) or [])
            c["\0argv"] = strip_flags(argv)
    if a != b:
        raise fg.FeatureGateError("internal error: the edit of the %s manifest changed more than its feature gates" % component)
