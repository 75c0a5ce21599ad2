# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The API field table: every container (and volume mount) field that building, defaulting, comparing and
validating rely on, one record each: whether an ephemeral container may have it, how its list merges, its enum,
the apiserver's default, and Go's ``omitempty`` (an empty value and an absent one are the same on the wire).
The options table (_spec/options.py) links each container option to one of these records."""

from __future__ import annotations

import typing as t


class ApiField(t.NamedTuple):
    """One field of corev1.Container (or VolumeMount), as far as ephemeral containers care."""

    name: str  # camelCase, as on the wire
    # k/k validation.go allowedEphemeralContainerFields: the apiserver checks an allow-list, so any other
    # non-empty field is refused.
    ephemeral: bool = True
    merge_key: t.Optional[str] = None  # patchMergeKey in k8s.io/api core/v1 types.go; other lists are replaced whole
    enum: t.Tuple[str, ...] = ()  # the values the apiserver accepts
    server_default: t.Optional[str] = None  # what the apiserver writes when the field is unset (a constant)
    plain_bool: bool = False  # a Go bool without a pointer: omitted from JSON when false, so false and absent are the same


# Every Container field the apiserver knows that matters here, plus EphemeralContainer's own targetContainerName.
CONTAINER_FIELDS: t.Tuple[ApiField, ...] = (
    ApiField("name"),
    ApiField("image"),
    ApiField("command"),
    ApiField("args"),
    ApiField("workingDir"),
    ApiField("envFrom"),
    ApiField("env", merge_key="name"),
    ApiField("volumeMounts", merge_key="mountPath"),
    ApiField("volumeDevices", merge_key="devicePath"),
    ApiField("terminationMessagePath", server_default="/dev/termination-log"),
    # Its default depends on the image's tag (defaults.py), so it is no constant here.
    ApiField("imagePullPolicy", enum=("Always", "IfNotPresent", "Never")),
    ApiField("terminationMessagePolicy", enum=("File", "FallbackToLogsOnError"), server_default="File"),
    ApiField("securityContext"),
    ApiField("stdin", plain_bool=True),
    ApiField("stdinOnce", plain_bool=True),
    ApiField("tty", plain_bool=True),
    ApiField("targetContainerName"),
    # Known to the apiserver and refused on ephemeral containers.
    ApiField("ports", ephemeral=False, merge_key="containerPort"),
    ApiField("resources", ephemeral=False),
    ApiField("livenessProbe", ephemeral=False),
    ApiField("readinessProbe", ephemeral=False),
    ApiField("startupProbe", ephemeral=False),
    ApiField("lifecycle", ephemeral=False),
    ApiField("resizePolicy", ephemeral=False, merge_key="resourceName"),
    ApiField("restartPolicy", ephemeral=False),
    ApiField("restartPolicyRules", ephemeral=False),
)

MOUNT_FIELDS: t.Tuple[ApiField, ...] = (
    ApiField("name"),
    ApiField("mountPath"),
    ApiField("readOnly", plain_bool=True),
    ApiField("mountPropagation", enum=("None", "HostToContainer", "Bidirectional")),
    # ValidatePodEphemeralContainersUpdate: ephemeral containers may not mount a sub-path.
    ApiField("subPath", ephemeral=False),
    ApiField("subPathExpr", ephemeral=False),
)

CONTAINER_FIELD: t.Dict[str, ApiField] = {field.name: field for field in CONTAINER_FIELDS}
MOUNT_FIELD: t.Dict[str, ApiField] = {field.name: field for field in MOUNT_FIELDS}

# Views of the tables, for the code that asks one question of them.
ALLOWED_FIELDS = frozenset(field.name for field in CONTAINER_FIELDS if field.ephemeral)
FORBIDDEN_FIELDS = frozenset(field.name for field in CONTAINER_FIELDS if not field.ephemeral)
MERGE_KEYS: t.Dict[str, str] = {field.name: field.merge_key for field in CONTAINER_FIELDS if field.merge_key}
ENUM_FIELDS: t.Tuple[ApiField, ...] = tuple(field for field in CONTAINER_FIELDS if field.enum)
DEFAULTED_FIELDS: t.Tuple[ApiField, ...] = tuple(field for field in CONTAINER_FIELDS if field.server_default)
PLAIN_BOOLS = frozenset(field.name for field in CONTAINER_FIELDS if field.plain_bool)
PLAIN_MOUNT_BOOLS = frozenset(field.name for field in MOUNT_FIELDS if field.plain_bool)

PULL_POLICIES = CONTAINER_FIELD["imagePullPolicy"].enum
MOUNT_PROPAGATIONS = MOUNT_FIELD["mountPropagation"].enum


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
