# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The option record every table is made of (container, task, connection, selection options)."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Option:
    name: str
    spec: t.Dict[str, t.Any]
    # The container (or volume mount) field this option sets; None for options that steer the task.
    api_field: t.Optional[str] = None
    suboptions: t.Tuple["Option", ...] = field(default_factory=tuple)
    minimum: t.Optional[float] = None  # for int and float options: the range of values that make sense
    maximum: t.Optional[float] = None
    # What leaving the option out means. An explicit empty value ("", [], {}) is refused, because the API
    # cannot tell it from leaving the option out, which is rarely what an empty value was meant to say.
    unset_means: str = "its default applies"

    def argument_spec(self) -> t.Dict[str, t.Any]:
        spec = dict(self.spec)
        if self.suboptions:
            spec["options"] = {sub.name: sub.argument_spec() for sub in self.suboptions}
        return spec
