# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Kubernetes resource quantities (``resource.Quantity``) as the API writes memory: ``512Mi``, ``1G``, ``134217728``,
``1.5Gi``, ``129e6``. Pure."""

from __future__ import annotations

import decimal
import re
import typing as t

MIB = 1024 * 1024

# apimachinery's suffixes: binary (Ki..Ei), decimal (n..E) and a decimal exponent (e3, E6).
_BINARY = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60}
_DECIMAL = {"n": decimal.Decimal("1e-9"), "u": decimal.Decimal("1e-6"), "m": decimal.Decimal("1e-3"), "": decimal.Decimal(1),
            "k": decimal.Decimal("1e3"), "M": decimal.Decimal("1e6"), "G": decimal.Decimal("1e9"),
            "T": decimal.Decimal("1e12"), "P": decimal.Decimal("1e15"), "E": decimal.Decimal("1e18")}
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|n|u|m|k|M|G|T|P|E)?$")


def parse_bytes(value: t.Any) -> t.Optional[int]:
    """A memory quantity in bytes (rounded up, as the kubelet does), or None when it is not a quantity."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    match = _QUANTITY.match(str(value).strip()) if value is not None else None
    if not match:
        return None
    number, suffix = decimal.Decimal(match.group(1)), match.group(2) or ""
    if suffix in _BINARY:
        scaled = number * _BINARY[suffix]
    elif suffix[:1] in ("e", "E") and len(suffix) > 1:
        scaled = number.scaleb(int(suffix[1:]))
    else:
        scaled = number * _DECIMAL[suffix]
    return int(scaled.to_integral_value(rounding=decimal.ROUND_CEILING))


def mib(value: t.Optional[int]) -> str:
    """Bytes shown as MiB for messages (one decimal below 10 MiB)."""
    if value is None:
        return "unknown"
    amount = value / MIB
    return "{0:.1f} MiB".format(amount) if abs(amount) < 10 else "{0:.0f} MiB".format(amount)
