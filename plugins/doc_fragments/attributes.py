# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Module attributes, declared once. Use DOCUMENTATION with one of the variants below.

from __future__ import annotations


class ModuleDocFragment:

    # The descriptions; every module uses this one.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
      - This assumes that the system controlled/queried by the module has not changed in a relevant way.
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: kubernetes
  action_group:
    description:
      - Use C(group/kubedebug.ephemeral.ephemeral) in C(module_defaults) to set defaults for this module.
      - The group extends C(group/kubernetes.core.k8s), so its defaults apply to kubernetes.core's k8s modules too.
    support: full
    membership:
      - kubedebug.ephemeral.ephemeral
"""

    # Read-only modules.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  idempotent:
    support: full
    details:
      - This action does not modify state.
"""
