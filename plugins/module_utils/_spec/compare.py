# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Compare a wanted ephemeral container with the one a pod already has, and render diff mode.

Ephemeral containers are immutable ("existing ephemeral containers may not be changed"), so a
difference is not something to apply: the module reports these lines and fails.
"""

from __future__ import annotations

import json
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.defaults import normalize
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.fields import MERGE_KEYS

Container = t.Dict[str, t.Any]

_UNSET = object()


def _show(value: t.Any) -> str:
    return "(unset)" if value is _UNSET else json.dumps(value, sort_keys=True)


def _keyed(items: t.Any, key: str) -> dict[str, t.Any] | None:
    """Index a list by ``key`` when every item has a distinct one; None otherwise."""
    if not isinstance(items, list) or not all(isinstance(item, dict) and key in item for item in items):
        return None
    index = {str(item[key]): item for item in items}
    return index if len(index) == len(items) else None


def _differences(path: str, wanted: t.Any, existing: t.Any, lines: list[str]) -> None:
    if wanted == existing:
        return
    if isinstance(wanted, dict) and isinstance(existing, dict):
        for key in sorted(set(wanted) | set(existing)):
            child = "%s.%s" % (path, key) if path else key
            _differences(child, wanted.get(key, _UNSET), existing.get(key, _UNSET), lines)
        return
    # Lists whose items have a strategic-merge key are compared item by item.
    list_key = MERGE_KEYS.get(path)
    wanted_items, existing_items = _keyed(wanted, list_key or ""), _keyed(existing, list_key or "")
    # Same items in another order is a real difference (env order matters for $(VAR) references),
    # so only item-by-item when both hold the same keys in the same order.
    if list_key and wanted_items is not None and existing_items is not None and list(wanted_items) == list(existing_items):
        for item_key in wanted_items:
            _differences("%s[%s]" % (path, item_key), wanted_items[item_key], existing_items[item_key], lines)
        return
    lines.append("%s: existing %s, wanted %s" % (path, _show(existing), _show(wanted)))


def spec_differences(wanted: Container, existing: Container) -> list[str]:
    """Readable lines, one per differing field (dotted paths), of ``normalize(wanted)`` against
    ``normalize(existing)``; empty when they mean the same container."""
    lines: list[str] = []
    _differences("", normalize(wanted), normalize(existing), lines)
    return lines


def diff_view(before_containers: list[Container], after_containers: list[Container]) -> dict[str, t.Any]:
    """Ansible diff-mode dict for a pod's ephemeral containers. Both sides are normalised so that
    server defaults do not show up as changes; the callback renders them as sorted JSON, list order kept."""
    return {
        "before": {"ephemeralContainers": [normalize(container) for container in before_containers]},
        "after": {"ephemeralContainers": [normalize(container) for container in after_containers]},
    }
