# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Decode the heap dump a jvm_heap_dump log carries (base64 between its begin and end lines) into a .hprof.gz file.

Usage: heap_dump_from_log.py <log> <output>. Run on the controller by the diagnostics role (collect.yml). Exits 1 when
the block is missing, cut short (the kubelet rotated the log) or its size differs from the one announced."""

from __future__ import annotations

import base64
import os
import sys

BEGIN = "kubedebug-heap-dump-begin "
END = "kubedebug-heap-dump-end"


def decode(text: str) -> bytes:
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith(BEGIN)]
    if not starts:
        raise ValueError("no heap dump in the log")
    start = starts[-1]
    expected = int(lines[start].split()[-1])
    try:
        end = lines.index(END, start + 1)
    except ValueError as exc:
        raise ValueError("the heap dump's end line is missing (the log was cut short)") from exc
    data = base64.b64decode("".join(lines[start + 1:end]), validate=True)
    if len(data) != expected:
        raise ValueError("the heap dump has {0} bytes, the log announced {1}".format(len(data), expected))
    return data


def main(argv: list[str]) -> int:
    source, target = argv[1], argv[2]
    with open(source, encoding="utf-8", errors="replace") as handle:
        try:
            data = decode(handle.read())
        except ValueError as exc:
            sys.stderr.write("{0}: {1}\n".format(source, exc))
            return 1
    partial = target + ".part"
    with open(partial, "wb") as handle:
        handle.write(data)
    os.chmod(partial, 0o644)
    os.replace(partial, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
