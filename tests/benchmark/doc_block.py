# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A benchmark report's generated block of docs/benchmarks.md: the text between its two markers, replaced whole."""

from __future__ import annotations

from pathlib import Path


def write_block(doc: Path, markers: tuple[str, str], lines: list[str]) -> None:
    text = doc.read_text()
    begin, end = markers
    if begin not in text:
        raise SystemExit(f"{doc} has no block {begin} ... {end}")
    before, rest = text.split(begin, 1)
    doc.write_text(before + begin + "\n" + "\n".join(lines) + end + rest.split(end, 1)[1])
    print("\n".join(lines))
