# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The public feature_gates_decision filter (documented in feature_gates_decision.yml); the logic lives in
plugin_utils/_feature_gates/version.py."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import version
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import as_filter


class FilterModule:
    """What the EphemeralContainers gate needs on a component of a given version."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"feature_gates_decision": as_filter(version.decide)}
