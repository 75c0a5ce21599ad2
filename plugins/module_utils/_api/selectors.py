# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Syntax of label and field selectors, checked before any call so a typo gets a message that names
the option and the mistake (the apiserver answers 400 "unable to parse requirement").

Mirrors k8s.io/apimachinery pkg/labels/selector.go (Parse) and pkg/fields/selector.go
(ParseSelector) closely enough to catch what people mistype; the server still has the last word."""

from __future__ import annotations

import re
import typing as t

# A qualified name: optional DNS-1123 subdomain prefix and "/", then a name of up to 63 characters.
_NAME = r"[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
_PREFIX = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*"
_KEY_RE = re.compile(r"^(?:%s/)?%s$" % (_PREFIX, _NAME))
_VALUE_RE = re.compile(r"^(?:%s)?$" % _NAME)
_SET_RE = re.compile(r"^(?P<key>\S+)\s+(?P<op>in|notin)\s*\((?P<values>[^()]*)\)$")
_EQUALITY_RE = re.compile(r"^(?P<key>[^!=<>\s]+)\s*(?P<op>==|=|!=|<|>)\s*(?P<value>[^=<>\s]*)$")
_EXISTS_RE = re.compile(r"^(?P<not>!)?\s*(?P<key>[^!=<>\s()]+)$")
_FIELD_RE = re.compile(r"^(?P<key>[^!=\s]+)\s*(?P<op>==|=|!=)\s*(?P<value>[^\s]*)$")


def _split_top_level(selector: str) -> t.List[str]:
    """Requirements are separated by commas outside parentheses (``tier in (a,b),app=x``)."""
    parts, depth, current = [], 0, ""
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [part.strip() for part in parts]


def _key_problem(key: str) -> t.Optional[str]:
    if _KEY_RE.match(key) and len(key.split("/")[0]) <= 253:
        return None
    return "key %r is not a valid label key (an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' or '.')" % key


def _value_problem(value: str) -> t.Optional[str]:
    if _VALUE_RE.match(value):
        return None
    return "value %r is not a valid label value (up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)" % value


def label_requirement_problem(requirement: str) -> t.Optional[str]:
    """Why one requirement of a label selector does not parse, or None."""
    if not requirement:
        return "an empty requirement (two commas in a row, or a trailing comma)"
    match = _SET_RE.match(requirement)
    if match:
        values = [value.strip() for value in match.group("values").split(",")]
        return _key_problem(match.group("key")) or next(filter(None, map(_value_problem, values)), None)
    match = _EQUALITY_RE.match(requirement)
    if match:
        if match.group("op") in ("<", ">") and not re.match(r"^-?\d+$", match.group("value")):
            return "%r compares with %s, which needs an integer value" % (requirement, match.group("op"))
        return _key_problem(match.group("key")) or _value_problem(match.group("value"))
    match = _EXISTS_RE.match(requirement)
    if match:
        return _key_problem(match.group("key"))
    return ("%r is not a requirement; use key=value, key!=value, key in (a,b), key notin (a,b), key or !key"
            % requirement)


def label_selector_problems(option: str, selectors: t.Sequence[str]) -> t.List[str]:
    problems = []
    for index, selector in enumerate(selectors):
        for requirement in _split_top_level(selector or ""):
            problem = label_requirement_problem(requirement)
            if problem:
                problems.append("%s[%d] (%r): %s" % (option, index, selector, problem))
    return problems


def field_selector_problems(option: str, selectors: t.Sequence[str]) -> t.List[str]:
    problems = []
    for index, selector in enumerate(selectors):
        for requirement in (part.strip() for part in (selector or "").split(",")):
            if not _FIELD_RE.match(requirement):
                problems.append(
                    "%s[%d] (%r): %r is not a field requirement; use field=value or field!=value, such as "
                    "status.phase=Running or spec.nodeName=node-1" % (option, index, selector, requirement)
                )
    return problems
