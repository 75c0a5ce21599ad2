# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Parse and edit ``--feature-gates`` values the way Kubernetes reads them.

component-base ``featuregate.Set`` splits on ``,``, then each pair on the first ``=``, trims both sides and
parses the value with Go's ``strconv.ParseBool``; a repeated flag merges into the same map, so for each key the
last value wins. Edits keep the user's own spelling of every pair they do not touch (``A=True`` stays ``A=True``),
so removing what we added gives the original text back byte for byte.
"""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import UserError

# strconv.ParseBool accepts exactly these spellings.
_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))
_FALSE = frozenset(("0", "f", "F", "FALSE", "false", "False"))

GATE = "EphemeralContainers"


class FeatureGateError(UserError, ValueError):
    """A feature-gate value, file or layout the role must not touch; the message says what to do."""


def parse_bool(key: str, raw: str) -> bool:
    value = raw.strip()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise FeatureGateError("invalid value of %s=%s: not a boolean (component-base would refuse to start)" % (key, raw))


class Pair(t.NamedTuple):
    key: str
    raw: str  # the pair as written, e.g. " A=True"

    @property
    def value(self) -> bool:
        return parse_bool(self.key, self.raw.split("=", 1)[1])


def parse_pairs(value: str) -> list[Pair]:
    """Split one flag value into pairs, keeping how each was written."""
    pairs = []
    for chunk in value.split(","):
        if not chunk.strip():
            continue
        if "=" not in chunk:
            raise FeatureGateError("missing bool value for %s in --feature-gates=%s" % (chunk.strip(), value))
        pair = Pair(chunk.split("=", 1)[0].strip(), chunk)
        pair.value  # validate now, so a bad pair fails before anything is written
        pairs.append(pair)
    return pairs


def as_dict(pairs: t.Iterable[Pair]) -> dict[str, bool]:
    """The effective map: later pairs win, like SetFromMap."""
    return {p.key: p.value for p in pairs}


def fold(values: t.Iterable[str]) -> list[Pair]:
    """Fold several flag values into one list: first position of a key, last value of it."""
    out: dict[str, Pair] = {}
    for value in values:
        for pair in parse_pairs(value):
            if pair.key in out and pair.value != out[pair.key].value:
                out[pair.key] = out[pair.key]._replace(raw=pair.raw)
            elif pair.key not in out:
                out[pair.key] = pair
    return list(out.values())


def _spell(key: str, value: bool) -> str:
    return "%s=%s" % (key, "true" if value else "false")


def apply(pairs: list[Pair], want: t.Mapping[str, bool], remove: t.Iterable[str]) -> list[Pair]:
    """Set ``want`` (in place, or appended) and drop ``remove``; untouched pairs keep their text."""
    drop = set(remove)
    out = []
    seen = set()
    for pair in pairs:
        if pair.key in drop:
            continue
        if pair.key in want:
            seen.add(pair.key)
            if pair.value != want[pair.key]:
                pair = Pair(pair.key, _spell(pair.key, want[pair.key]))
        out.append(pair)
    out.extend(Pair(k, _spell(k, v)) for k, v in want.items() if k not in seen)
    return out


def join(pairs: t.Iterable[Pair]) -> str:
    return ",".join(p.raw for p in pairs)


def normalise_gates(gates: t.Mapping[str, t.Any] | None) -> dict[str, bool]:
    """Role input (``{Name: true}``) to a clean map; refuse names that would break the flag syntax."""
    out = {}
    for key, value in (gates or {}).items():
        key = str(key)
        if not key or any(c in key for c in ",= \t\"'"):
            raise FeatureGateError("feature gate name %r is not valid" % key)
        if isinstance(value, bool):
            out[key] = value
        else:
            out[key] = parse_bool(key, str(value))
    return out
