# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The option record every table is made of: the container and task options (_spec/options.py), the connection
options (connection.py) and the pod-selection options (_cluster/pods.py). The argument spec, the range and empty-value
checks (_spec/checks.py), building and the messages are all derived from these records."""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.fields import ApiField


@dataclasses.dataclass(frozen=True)
class Option:
    name: str
    spec: t.Dict[str, t.Any]
    # The container (or volume mount) field this option sets; None for options that steer the task.
    field: t.Optional[ApiField] = None
    suboptions: t.Tuple["Option", ...] = dataclasses.field(default_factory=tuple)
    minimum: t.Optional[float] = None  # for int and float options: the range of values that make sense
    maximum: t.Optional[float] = None
    # What leaving the option out means. An explicit empty value ("", [], {}) is refused, because the API
    # cannot tell it from leaving the option out, which is rarely what an empty value was meant to say.
    unset_means: str = "its default applies"

    @property
    def api_field(self) -> t.Optional[str]:
        return self.field.name if self.field else None

    @property
    def default(self) -> t.Any:
        return self.spec.get("default")

    def argument_spec(self) -> t.Dict[str, t.Any]:
        spec = dict(self.spec)
        if self.field and self.field.enum:
            spec.setdefault("choices", list(self.field.enum))
        if self.suboptions:
            spec["options"] = {sub.name: sub.argument_spec() for sub in self.suboptions}
        return spec


def argument_spec(options: t.Sequence[Option]) -> t.Dict[str, t.Any]:
    return {option.name: option.argument_spec() for option in options}


def empty_choices_let_through(spec: t.Mapping[str, t.Any], given: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    """The argument spec with ``choices`` taken off each option given as an explicit empty string (by its name or an
    alias), so that the options table's check refuses it with its own message naming the option and its default;
    Ansible's choices check would say "must be one of: ..., got: " with nothing after it. Any other value keeps the
    choices check."""
    loosened = dict(spec)
    for name, option in spec.items():
        names = [name] + list(option.get("aliases") or [])
        if option.get("choices") and any(given.get(each) == "" for each in names):
            loosened[name] = {key: value for key, value in option.items() if key != "choices"}
    return loosened
