# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shards: the pods a task selects, divided among ``count`` runs so that each pod belongs to exactly one.

A pod's shard is a stable hash of its UID, so it keeps its shard across runs, whatever node it runs on and whatever
other pods come and go: the first 8 hexadecimal digits of the SHA-256 of the UID (as UTF-8), read as an unsigned
32-bit number, modulo ``count``. In a shell: ``echo $(( 16#$(printf %s "$UID" | sha256sum | cut -c1-8) % COUNT ))``.
"""

from __future__ import annotations

import hashlib
import typing as t
from dataclasses import dataclass

# More shards than this is a mistake in units (a pod count), not a way to split one selection.
MAX_COUNT = 10000


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    def as_dict(self) -> t.Dict[str, int]:
        return {"index": self.index, "count": self.count}


def shard_of(uid: str, count: int) -> int:
    """The shard (0 to count - 1) of the pod with this UID."""
    return int(hashlib.sha256(uid.encode("utf-8")).hexdigest()[:8], 16) % count


def holds(shard: t.Optional[Shard], pod: t.Mapping[str, t.Any]) -> bool:
    """Whether ``pod`` (an API dict) belongs to ``shard``; every pod does when there is no shard."""
    if shard is None:
        return True
    return shard_of(str((pod.get("metadata") or {}).get("uid") or ""), shard.count) == shard.index


def _whole_number(value: t.Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def shard_problems(value: t.Any, name: str = "shard") -> t.List[str]:
    """What is wrong with a ``{index, count}`` value (None is "no shard" and fine), each naming the fix."""
    if value is None:
        return []
    if not isinstance(value, t.Mapping):
        return ["{0}: must be a mapping {{index, count}}, such as {{index: 0, count: 4}}, not {1}".format(name, type(value).__name__)]
    index, count = value.get("index"), value.get("count")
    if index is None and count is None:
        return ["{0}: an empty mapping is not a shard; remove {0} to work on every selected pod, or give both index and "
                "count, such as {{index: 0, count: 4}}".format(name)]
    unknown = sorted(set(value) - {"index", "count"})
    problems = ["{0}: unknown keys {1}; a shard has only index and count".format(name, ", ".join(map(str, unknown)))] if unknown else []
    if count is None:
        problems.append("{0}.count: missing; give the number of shards (1 or more) next to index".format(name))
    elif not _whole_number(count):
        problems.append("{0}.count: {1!r} is not a whole number; use 1 to {2}".format(name, count, MAX_COUNT))
    elif not 1 <= count <= MAX_COUNT:
        problems.append("{0}.count: {1} is out of range; use 1 to {2}".format(name, count, MAX_COUNT))
    if index is None:
        problems.append("{0}.index: missing; give this run's shard, from 0 to count - 1".format(name))
    elif not _whole_number(index):
        problems.append("{0}.index: {1!r} is not a whole number; use 0 to count - 1".format(name, index))
    elif index < 0:
        problems.append("{0}.index: {1} is out of range; shards are numbered from 0, so use 0 to count - 1".format(name, index))
    elif _whole_number(count) and 1 <= count <= MAX_COUNT and index >= count:
        problems.append("{0}.index: {1} is out of range for count {2}; shards are numbered from 0, so use 0 to {3}".format(
            name, index, count, count - 1))
    return problems


def from_value(value: t.Any) -> t.Optional[Shard]:
    """The Shard of a value that has no shard_problems (None for no shard)."""
    if value is None:
        return None
    return Shard(int(value["index"]), int(value["count"]))


def process_qps(qps: t.Optional[float], qps_total: t.Optional[float], shard: t.Optional[Shard]) -> t.Optional[float]:
    """The request rate this process may use: ``qps`` as given, or its share of ``qps_total`` when the budget is
    for all shards together (each shard is a process of its own)."""
    if qps is not None:
        return qps
    if qps_total is None:
        return None
    return qps_total / (shard.count if shard else 1)
