# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Dividing the selected pods among several runs (plugins/module_utils/_api/shard.py).

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r"""
options:
  shard:
    description:
      - Work on one share of the selected pods only, so that O(shard.count) runs (AWX job slices, C(forks) over the
        P(kubedebug.ephemeral.shards#inventory) inventory, separate C(ansible-runner) processes) together handle every
        pod exactly once.
      - A pod belongs to the shard given by the first 8 hexadecimal digits of the SHA-256 of its UID (as UTF-8 text),
        read as an unsigned 32-bit number, modulo O(shard.count). A pod keeps its shard across runs; a new pod (a new
        UID, such as a replacement after an eviction) may fall into another.
      - Selectors and O(pod) choose the pods first; the shard then keeps its share. O(pod) with a shard works on that
        pod only in the shard it belongs to, so each of the runs may be given the same arguments.
      - Not set, every selected pod is worked on. An empty mapping, a missing key, O(shard.index) outside 0 to
        O(shard.count) - 1 or O(shard.count) outside 1 to 10000 fail the task before any request.
    type: dict
    suboptions:
      index:
        description: This run's shard, from 0 to O(shard.count) - 1.
        type: int
      count:
        description: How many shards the pods are divided into (1 to 10000), the same in every run.
        type: int
"""
