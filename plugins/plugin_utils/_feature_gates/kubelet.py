# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The kubelet's two places for gates: the KubeletConfiguration ``featureGates`` map, and ``--feature-gates``
inside ``KUBELET_EXTRA_ARGS`` of ``/etc/default/kubelet`` or ``/etc/sysconfig/kubelet``.

Flags beat the config file key by key (``kubeletConfigFlagPrecedence``), so a stale ``EphemeralContainers=false``
in the env file silently cancels the config file; the role therefore also fixes ("fix" mode) the key wherever a flag
already sets it. Both editors keep every other byte.
"""

from __future__ import annotations

import copy
import re
import typing as t

import yaml

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import gates as fg
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import yamltext as yt

FLAG = "--feature-gates"
# Written above a KUBELET_EXTRA_ARGS line the role had to create, so removal can take both lines away again.
MARKER = "# Added by kubedebug.ephemeral.feature_gates; removed again by feature_gates_state=absent"


def _targets(before: dict[str, bool], want: dict[str, bool], state: str, mode: str) -> tuple[dict[str, bool], list[str]]:
    if mode not in ("add", "fix"):
        raise fg.FeatureGateError("mode must be add or fix, not %r" % mode)
    if state == "absent":
        return {}, list(want)
    if state != "present":
        raise fg.FeatureGateError("state must be present or absent, not %r" % state)
    if mode == "fix":
        return {k: v for k, v in want.items() if k in before}, []
    return want, []


def _result(changed: bool, text: str, before: dict[str, bool], after: dict[str, bool], **extra: t.Any) -> dict[str, t.Any]:
    return dict(
        changed=changed, text=text, gates_before=before, gates_after=after,
        diff={k: {"before": before.get(k), "after": after.get(k)}
              for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)},
        **extra)


def config_edit(text: str, gates: t.Mapping[str, t.Any], state: str = "present", mode: str = "add") -> dict[str, t.Any]:
    """Merge into or remove from ``featureGates`` of a KubeletConfiguration (YAML or JSON) text."""
    want = fg.normalise_gates(gates)
    root = yt.compose(text)
    kind = yt.map_get(root, "kind")
    if not kind or kind[2].value != "KubeletConfiguration":
        raise fg.FeatureGateError("the kubelet config file is not a kind: KubeletConfiguration document")
    found = yt.map_get(root, "featureGates")
    node = found[2] if found else None
    if node is not None and not isinstance(node, yaml.MappingNode):
        raise fg.FeatureGateError("featureGates in the kubelet config is not a mapping (line %d); make it a map or remove it" % (node.start_mark.line + 1))
    entries = [(k.value, fg.parse_bool(k.value, v.value), i) for i, (k, v) in enumerate(node.value)] if node else []
    before = {e[0]: e[1] for e in entries}
    setv, drop = _targets(before, want, state, mode)
    edits = []
    after = dict(before)
    for key, value, i in entries:
        if key in drop:
            after.pop(key)
        elif key in setv and setv[key] != value:
            edits.append(yt.replace_scalar(node.value[i][1], setv[key]))
            after[key] = setv[key]
    new = [(k, v) for k, v in setv.items() if k not in before]
    after.update(new)
    removed = [e[2] for e in entries if e[0] in drop]
    if removed:
        if not after:
            edits = [yt.map_delete(text, root, found[0])]
        elif node.flow_style:
            edits = yt.flow_map_keep(text, node, [e[2] for e in entries if e[2] not in removed])
        else:
            edits.extend(yt.map_delete(text, node, i) for i in removed)
    if new:
        edits.append(yt.map_insert(text, node, new) if node else yt.map_insert(text, root, new, nest_under="featureGates"))
    if not edits:
        return _result(False, text, before, before)
    out = yt.apply_edits(text, edits)
    _validate_config(text, out, after)
    return _result(True, out, before, after)


def _validate_config(old: str, new: str, gates: dict[str, bool]) -> None:
    before, after = yaml.safe_load(old), yaml.safe_load(new)
    if (after.get("featureGates") or {}) != gates:
        raise fg.FeatureGateError("internal error: the edited kubelet config sets featureGates %s, not %s" % (after.get("featureGates"), gates))
    b, a = copy.deepcopy(before), copy.deepcopy(after)
    b.pop("featureGates", None)
    a.pop("featureGates", None)
    if a != b:
        raise fg.FeatureGateError("internal error: the edit of the kubelet config changed more than featureGates")


_TOKEN = re.compile(r"\S+")


def _line_re(variable: str) -> re.Pattern[str]:
    return re.compile(r"^(?P<head>[ \t]*(?:export[ \t]+)?%s[ \t]*=)(?P<value>[^\r\n]*)$" % re.escape(variable), re.M)


def _unquote(raw: str) -> tuple[str, str, str]:
    """Split ``"…"``/``'…'`` into (open, inner, close); systemd strips the quotes before the shell-style split."""
    stripped = raw.rstrip()
    for q in ('"', "'"):
        if len(stripped) >= 2 and stripped[0] == q and stripped[-1] == q:
            return q, stripped[1:-1], q + raw[len(stripped):]
    return "", raw, ""


def env_gates(text: str, variable: str = "KUBELET_EXTRA_ARGS") -> dict[str, bool]:
    matches = list(_line_re(variable).finditer(text))
    if not matches:
        return {}
    inner = _unquote(matches[-1].group("value"))[1]
    return fg.as_dict(fg.fold(o[3] for o in _env_occurrences(inner)))


def _env_occurrences(inner: str) -> list[tuple[int, int, bool, str]]:
    """(start, end, split, value) per ``--feature-gates`` in the args; end covers the value token when split."""
    tokens = list(_TOKEN.finditer(inner))
    out = []
    for i, tok in enumerate(tokens):
        word = tok.group(0)
        if word.startswith(FLAG + "="):
            out.append((tok.start(), tok.end(), False, word[len(FLAG) + 1:]))
        elif word == FLAG:
            if i + 1 >= len(tokens):
                raise fg.FeatureGateError("%s is the last word of the kubelet args and has no value" % FLAG)
            out.append((tok.start(), tokens[i + 1].end(), True, tokens[i + 1].group(0)))
    return out


def env_edit(text: str, gates: t.Mapping[str, t.Any], state: str = "present", mode: str = "add",
             variable: str = "KUBELET_EXTRA_ARGS") -> dict[str, t.Any]:
    """Merge into or remove from ``--feature-gates`` in ``VARIABLE=…`` of a systemd EnvironmentFile."""
    want = fg.normalise_gates(gates)
    matches = list(_line_re(variable).finditer(text))
    # systemd applies assignments in order, so the last line is the one the kubelet sees.
    match = matches[-1] if matches else None
    opening, inner, closing = _unquote(match.group("value")) if match else ("", "", "")
    occ = _env_occurrences(inner)
    folded = fg.fold(o[3] for o in occ)
    before = fg.as_dict(folded)
    setv, drop = _targets(before, want, state, mode)
    pairs = fg.apply(folded, setv, drop)
    new_value = fg.join(pairs)
    if (len(occ) <= 1 and [o[3] for o in occ] == ([new_value] if pairs else [])) or (not setv and not any(k in before for k in drop)):
        return _result(False, text, before, before, line_found=match is not None)
    after = fg.as_dict(pairs)
    flag = FLAG + "=" + new_value
    if match is None:
        lead = "" if not text or text.endswith("\n") else "\n"
        out = text + lead + "%s\n%s=%s\n" % (MARKER, variable, flag)
        return _result(True, out, before, after, line_found=False)
    new_inner = inner
    for n, (start, end, split, dummy) in reversed(list(enumerate(occ))):
        if n == 0 and pairs:
            new_inner = new_inner[:start] + (FLAG + " " + new_value if split else flag) + new_inner[end:]
        else:
            # Take the blank before the flag with it (or after it, when the flag comes first).
            lo = len(new_inner[:start].rstrip(" \t"))
            hi = end
            if lo == 0:
                hi = end + len(new_inner[end:]) - len(new_inner[end:].lstrip(" \t"))
            new_inner = new_inner[:lo] + new_inner[hi:]
    if not occ:
        new_inner = new_inner.rstrip(" \t") + (" " if new_inner.strip() else "") + flag
    start, end = match.span()
    line_begin = start
    if not new_inner.strip() and not opening:
        marker_line = MARKER + "\n"
        if text[:start].endswith(marker_line):
            # We created this line; take it and the marker away so the file is byte for byte the original.
            line_begin = start - len(marker_line)
            out = text[:line_begin] + text[line_end_after(text, end):]
            return _result(True, out, before, after, line_found=True)
    out = text[:start] + match.group("head") + opening + new_inner + closing + text[end:]
    if env_gates(out, variable) != after:
        raise fg.FeatureGateError("internal error: the edited %s does not set %s" % (variable, after))
    return _result(True, out, before, after, line_found=True)


def line_end_after(text: str, index: int) -> int:
    return index + 1 if text[index:index + 1] == "\n" else index


def plan(files: t.Mapping[str, str | None], config_path: str, env_paths: t.Sequence[str], gates: t.Mapping[str, t.Any],
         state: str = "present", method: str = "auto", variable: str = "KUBELET_EXTRA_ARGS") -> dict[str, t.Any]:
    """Which kubelet files change, for one node. ``files``: {path: text} of the files that exist.

    config (kubeadm layout, the default when the file exists): add to ``featureGates`` and fix any env file whose flag
    already names a gate. env: add to the first existing env file (or create ``env_paths[0]``) and fix the others.
    absent: remove from every file. A file the role would create is ``exists: false``.
    """
    if method not in ("auto", "config", "env"):
        raise fg.FeatureGateError("feature_gates_kubelet_method must be auto, config or env, not %r" % method)
    existing = {p: text for p, text in files.items() if text is not None}
    use_config = method == "config" or (method == "auto" and config_path in existing)
    if use_config and config_path not in existing:
        raise fg.FeatureGateError("kubelet config %s does not exist; set feature_gates_kubelet_config or feature_gates_kubelet_method=env" % config_path)
    if not use_config and not env_paths:
        raise fg.FeatureGateError("no kubelet config file and feature_gates_kubelet_env_files is empty; nowhere to set the gate")
    add_env = None
    if not use_config:
        add_env = next((p for p in env_paths if p in existing), env_paths[0])
    out = []
    if use_config:
        out.append(dict(config_edit(existing[config_path], gates, state, "add"), path=config_path, kind="config", exists=True,
                        original=existing[config_path]))
    for path in env_paths:
        if path not in existing and path != add_env:
            continue
        original = existing.get(path, "")
        if path not in existing and state == "absent":
            continue
        edit_ = env_edit(original, gates, state, "add" if path == add_env else "fix", variable)
        out.append(dict(edit_, path=path, kind="env", exists=path in existing, original=original))
    return {"mode": "config" if use_config else "env", "files": out, "changed": any(f["changed"] for f in out),
            "gates_after": _effective(out)}


def _effective(files: list[dict[str, t.Any]]) -> dict[str, bool]:
    """What the kubelet will run with: config first, then flags win key by key."""
    merged: dict[str, bool] = {}
    for f in sorted(files, key=lambda f: f["kind"] != "config"):
        merged.update(f["gates_after"])
    return merged
