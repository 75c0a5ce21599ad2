# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Choosing pods: one by name, or many by selectors (the names kubernetes.core.k8s_info uses).

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r"""
options:
  namespace:
    description:
      - The namespace of the pod, or of the pods the selectors choose.
      - Ignored when O(all_namespaces=true).
    type: str
    default: default
  pod:
    description:
      - The name of one pod.
      - Cannot be combined with O(label_selectors), O(field_selectors) or O(all_namespaces).
    type: str
  label_selectors:
    description:
      - Label selectors that choose pods, such as V(app=payments) or V(tier in (web, api)). All must match.
    type: list
    elements: str
    default: []
  field_selectors:
    description:
      - Field selectors that choose pods, such as V(status.phase=Running) or V(spec.nodeName=node-1). All must match.
    type: list
    elements: str
    default: []
  all_namespaces:
    description:
      - Look for pods in every namespace instead of O(namespace).
    type: bool
    default: false
"""
