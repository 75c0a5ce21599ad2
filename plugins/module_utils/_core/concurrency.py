# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bounded concurrency: many pods, at most ``max_concurrency`` requests in flight."""

from __future__ import annotations

import typing as t
from concurrent.futures import ThreadPoolExecutor
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError


T = t.TypeVar("T")


R = t.TypeVar("R")


def run_bounded(func: t.Callable[[T], R], items: t.Sequence[T], max_concurrency: int) -> t.List[t.Union[R, BaseException]]:
    """``func`` over ``items`` with at most ``max_concurrency`` in flight; results (or the
    KubedebugError each call raised) come back in the order of ``items``. Other exceptions propagate."""

    def call(item: T) -> t.Union[R, BaseException]:
        # Only failures we understand become per-pod errors; anything else is a bug in this
        # collection and must surface as one, not hide in one pod's result.
        try:
            return func(item)
        except KubedebugError as exc:
            return exc

    if len(items) <= 1 or max_concurrency <= 1:
        return [call(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(max_concurrency, len(items))) as pool:
        return list(pool.map(call, items))
