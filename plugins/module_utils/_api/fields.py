# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Facts about the API's container fields that building, defaulting, comparing and validating all
rely on: which fields an ephemeral container may have, how lists merge, the enums, and Go's
``omitempty`` (an empty value and an absent one are the same thing on the wire)."""

from __future__ import annotations

import typing as t

# k/k validation.go allowedEphemeralContainerFields (true entries), plus EphemeralContainer's own
# targetContainerName. The apiserver checks an allow-list, so any other non-empty field is refused.
ALLOWED_FIELDS = frozenset((
    "name", "image", "command", "args", "workingDir", "envFrom", "env", "volumeMounts", "volumeDevices",
    "terminationMessagePath", "terminationMessagePolicy", "imagePullPolicy", "securityContext",
    "stdin", "stdinOnce", "tty", "targetContainerName",
))
# Container fields the apiserver knows and refuses on ephemeral containers.
FORBIDDEN_FIELDS = frozenset((
    "ports", "resources", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle",
    "resizePolicy", "restartPolicy", "restartPolicyRules",
))

# Strategic-merge keys of corev1.Container lists (patchMergeKey in k8s.io/api core/v1 types.go);
# every other list is replaced wholesale (kubectl's --custom merge) and compared as a whole.
MERGE_KEYS: t.Dict[str, str] = {
    "env": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "ports": "containerPort",
    "resizePolicy": "resourceName",
}

PULL_POLICIES: t.Tuple[str, ...] = ("Always", "IfNotPresent", "Never")
TERMINATION_MESSAGE_POLICIES: t.Tuple[str, ...] = ("File", "FallbackToLogsOnError")
MOUNT_PROPAGATIONS: t.Tuple[str, ...] = ("None", "HostToContainer", "Bidirectional")

TERMINATION_MESSAGE_PATH_DEFAULT = "/dev/termination-log"
TERMINATION_MESSAGE_POLICY_DEFAULT = "File"

# Go bools without a pointer are omitted from JSON when false, so false and absent are the same.
PLAIN_BOOLS = frozenset(("stdin", "stdinOnce", "tty"))
PLAIN_MOUNT_BOOLS = frozenset(("readOnly",))


def is_empty(value: t.Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def prune(value: t.Any) -> t.Any:
    """Drop None, "", [] and {} recursively; Go's omitempty makes them equal to absent."""
    if isinstance(value, dict):
        pruned = {key: prune(item) for key, item in value.items()}
        return {key: item for key, item in pruned.items() if not is_empty(item)}
    if isinstance(value, list):
        return [prune(item) for item in value]
    return value


def drop_false(mapping: t.Dict[str, t.Any], keys: t.AbstractSet[str]) -> None:
    for key in keys:
        if mapping.get(key) is False:
            del mapping[key]
