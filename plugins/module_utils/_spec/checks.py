# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checks Ansible's argument spec cannot make, from the options table: ranges of numbers, and
explicit empty values, which the API cannot tell from "not given". Run before any API call."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.fields import is_empty
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.option import Option

_EMPTY_WORDS = {"str": "string", "list": "list", "dict": "mapping"}


def _in_range(value: float, option: Option) -> bool:
    return (option.minimum is None or value >= option.minimum) and (option.maximum is None or value <= option.maximum)


def number_text(value: float) -> str:
    """A bound as people write it: 1048576, not 1.04858e+06; 0.1 stays 0.1."""
    return str(int(value)) if float(value).is_integer() else "{0:g}".format(value)


def _range(option: Option) -> str:
    if option.maximum is None:
        return "{0} or more".format(number_text(option.minimum))
    return "{0} to {1}".format(number_text(option.minimum), number_text(option.maximum))


def option_problems(params: t.Mapping[str, t.Any], options: t.Sequence[Option], where: str = "") -> t.List[str]:
    """One message per option whose value is out of range or explicitly empty."""
    problems: t.List[str] = []
    for option in options:
        value = params.get(option.name)
        name = where + option.name
        if value is None:
            continue
        kind = option.spec.get("type")
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if number and not _in_range(value, option):
            shown = "{0:g}".format(value) if isinstance(value, float) else value
            problems.append("{0}: {1} is out of range; use {2}".format(name, shown, _range(option)))
        elif kind in _EMPTY_WORDS and is_empty(value) and option.spec.get("required"):
            problems.append("{0}: must not be empty".format(name))
        elif kind in _EMPTY_WORDS and is_empty(value):
            choices = option.spec.get("choices")
            value_words = "one of {0}".format(", ".join(choices)) if choices else "a value"
            problems.append(
                "{0}: an empty {1} cannot be told apart from leaving {0} out, when {2}; remove {0} if that is what "
                "you want, or give it {3}".format(name, _EMPTY_WORDS[kind], option.unset_means, value_words)
            )
        elif option.suboptions and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    problems += option_problems(item, option.suboptions, "{0}[{1}].".format(name, index))
    return problems
