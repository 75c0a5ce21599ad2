# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The diagnostics role's guard settings: what each recipe declares it needs (``needs``: memory in MiB, the longest
pause of its target in seconds), a group's own ``needs`` over it, the overrides, and the probe image. They become the
ephemeral_container options guard_memory_mib, guard_pause_seconds, guard_override and guard_probe_image, which
check every pod (_api/guards.py). Checked before any API call: ranges from the module's options table, and an
explicit empty value is an error, never "not given"."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.guards import GUARDS
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.checks import number_text
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import GUARD_OPTIONS

# needs key -> the module option it becomes (whose record holds the range)
NEEDS = {"memory_mib": "guard_memory_mib", "pause_seconds": "guard_pause_seconds"}
_RECORDS = {option.name: option for option in GUARD_OPTIONS}


def _number(value: t.Any) -> t.Optional[int]:
    """An int, or digits as text (templated values arrive as text); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _needs_problems(needs: t.Any, where: str) -> t.List[str]:
    if needs is None:
        return []
    if not isinstance(needs, t.Mapping):
        return ["{0}: needs must be a mapping with memory_mib and/or pause_seconds, not {1}".format(where, type(needs).__name__)]
    problems = []
    unknown = sorted(set(needs) - set(NEEDS))
    if unknown:
        problems.append("{0}: needs has unknown keys {1} (allowed: {2})".format(where, ", ".join(unknown), ", ".join(sorted(NEEDS))))
    for key, option in NEEDS.items():
        if key not in needs or needs[key] is None:
            continue
        record = _RECORDS[option]
        value = _number(needs[key])
        if value is None:
            problems.append("{0}: needs.{1} must be a whole number of {2}, not {3!r}; use null (or leave it out) to not check "
                            "this guard".format(where, key, "MiB" if key == "memory_mib" else "seconds", needs[key]))
        elif not record.minimum <= value <= record.maximum:
            problems.append("{0}: needs.{1}: {2} is out of range; use {3} to {4}".format(
                where, key, value, number_text(record.minimum), number_text(record.maximum)))
    return problems


def override_problems(value: t.Any, where: str) -> t.List[str]:
    if value is None:
        return []
    if not isinstance(value, list) or any(item not in GUARDS for item in value):
        return ["{0} must be a list of guards to ignore, each one of {1} (an empty list ignores none); got {2!r}".format(
            where, ", ".join(GUARDS), value)]
    return []


def guard_problems(group: t.Mapping[str, t.Any], recipe: t.Mapping[str, t.Any], where: str) -> t.List[str]:
    """Problems in a group's guard keys and in what its recipe declares."""
    return (_needs_problems(recipe.get("needs"), "recipe {0}".format(group.get("recipe")))
            + _needs_problems(group.get("needs"), where)
            + override_problems(group.get("guard_override"), where + ": guard_override"))


def settings_problems(settings: t.Mapping[str, t.Any]) -> t.List[str]:
    """The role-wide guard variables."""
    problems = override_problems(settings.get("guard_override"), "diagnostics_guard_override")
    image = settings.get("guard_probe_image")
    if image is not None and (not isinstance(image, str) or not image.strip()):
        problems.append("diagnostics_guard_probe_image: an empty value is not an image; set it to null to read the "
                        "memory headroom from the metrics API only (unknown without it, which skips), or name an image "
                        "with sh, cat and grep such as busybox:1.36")
    return problems


def needs_of(group: t.Mapping[str, t.Any], recipe: t.Mapping[str, t.Any]) -> t.Dict[str, t.Optional[int]]:
    """The recipe's needs with the group's over them (a group's explicit null turns a guard off)."""
    merged = dict(recipe.get("needs") or {})
    merged.update(group.get("needs") or {})
    return {key: _number(merged.get(key)) for key in NEEDS}


def override_of(group: t.Mapping[str, t.Any], settings: t.Mapping[str, t.Any]) -> t.Optional[t.List[str]]:
    """The group's guard_override, else the role's; None (not an empty list) when nothing is overridden."""
    chosen = group.get("guard_override")
    if chosen is None:
        chosen = settings.get("guard_override")
    return sorted(set(chosen)) if chosen else None
