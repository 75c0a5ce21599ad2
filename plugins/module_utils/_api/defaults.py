# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the apiserver adds to an ephemeral container on write, applied here too, so that what we
build and what the server stored compare equal when they mean the same container."""

from __future__ import annotations

import copy
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.fields import (
    DEFAULTED_FIELDS,
    PLAIN_BOOLS,
    PLAIN_MOUNT_BOOLS,
    drop_false,
    prune,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.images import default_pull_policy

Container = t.Dict[str, t.Any]


def apply_server_defaults(container: Container) -> Container:
    """Return a copy with what the apiserver defaults on write (k/k pkg/apis/core/v1 defaults.go and
    zz_generated.defaults.go, SetDefaults_EphemeralContainer): imagePullPolicy, terminationMessagePath,
    terminationMessagePolicy, and env[].valueFrom.fieldRef.apiVersion "v1". Upstream sets no default
    for volumeMounts' mountPropagation (nil means None to the kubelet)."""
    result = copy.deepcopy(container)
    if not result.get("imagePullPolicy"):
        result["imagePullPolicy"] = default_pull_policy(result.get("image") or "")
    for field in DEFAULTED_FIELDS:
        if not result.get(field.name):
            result[field.name] = field.server_default
    for env in result.get("env") or []:
        field_ref = ((env or {}).get("valueFrom") or {}).get("fieldRef")
        if isinstance(field_ref, dict) and not field_ref.get("apiVersion"):
            field_ref["apiVersion"] = "v1"
    return result


def normalize(container: Container) -> Container:
    """Defaults applied and empty values dropped, so that what we built and what the server returns
    compare equal when they mean the same (servers add ``resources: {}``, omit false bools, and
    serialise an unset resourceFieldRef divisor as "0")."""
    result = prune(apply_server_defaults(container))
    drop_false(result, PLAIN_BOOLS)
    for mount in result.get("volumeMounts") or []:
        drop_false(mount, PLAIN_MOUNT_BOOLS)
    for env in result.get("env") or []:
        resource_ref = ((env or {}).get("valueFrom") or {}).get("resourceFieldRef")
        if isinstance(resource_ref, dict) and str(resource_ref.get("divisor")) == "0":
            del resource_ref["divisor"]
    return result
