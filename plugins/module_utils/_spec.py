# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ephemeral container as data: built from module options, defaulted and normalised like the
apiserver does it, named deterministically. Pure functions on camelCase dicts; no API calls."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shlex
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._profiles import apply_profile

Container = t.Dict[str, t.Any]

# k8s.io/apimachinery IsDNS1123Label: container names must match this and be <= 63 characters.
DNS1123_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_LABEL_MAX = 63
_HASH_LENGTH = 10

TERMINATION_MESSAGE_PATH_DEFAULT = "/dev/termination-log"
TERMINATION_MESSAGE_POLICY_DEFAULT = "File"

# Go bools without a pointer are omitted from JSON when false, so false and absent are the same.
_PLAIN_BOOLS = frozenset(("stdin", "stdinOnce", "tty"))
_PLAIN_MOUNT_BOOLS = frozenset(("readOnly",))

# Module option (snake_case) -> container field (camelCase), for the options copied verbatim.
_SIMPLE_OPTIONS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("image", "image"),
    ("command", "command"),
    ("args", "args"),
    ("env", "env"),
    ("env_from", "envFrom"),
    ("working_dir", "workingDir"),
    ("target", "targetContainerName"),
    ("image_pull_policy", "imagePullPolicy"),
    ("stdin", "stdin"),
    ("tty", "tty"),
    ("termination_message_policy", "terminationMessagePolicy"),
    ("security_context", "securityContext"),
)

# volume_mounts suboption -> VolumeMount field. sub_path is kept so validation can reject it.
MOUNT_OPTIONS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("mount_path", "mountPath"),
    ("read_only", "readOnly"),
    ("recursive_read_only", "recursiveReadOnly"),
    ("mount_propagation", "mountPropagation"),
    ("sub_path", "subPath"),
    ("sub_path_expr", "subPathExpr"),
)

# Strategic-merge keys of corev1.Container lists (patchMergeKey in k8s.io/api core/v1 types.go);
# every other list is replaced wholesale, as kubectl's --custom merge does.
_MERGE_KEYS: dict[str, str] = {
    "env": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "ports": "containerPort",
    "resizePolicy": "resourceName",
}

# distribution/reference grammar, used by k/k pkg/util/parsers.ParseImageName for the pull policy default.
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = r"(?:%s(?:\.%s)*|\[(?:[a-fA-F0-9:]+)\])(?::[0-9]+)?" % (_DOMAIN_COMPONENT, _DOMAIN_COMPONENT)
_REFERENCE_RE = re.compile(
    r"^(?P<name>(?:%s/)?%s(?:/%s)*)(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$"
    % (_DOMAIN, _PATH_COMPONENT, _PATH_COMPONENT),
    re.ASCII,
)
_DIGEST_HEX_LENGTH = {"sha256": 64, "sha384": 96, "sha512": 128}
_REPOSITORY_NAME_MAX = 255
_IDENTIFIER_RE = re.compile(r"^[a-f0-9]{64}$")


def _is_empty(value: t.Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _prune(value: t.Any) -> t.Any:
    """Drop None, "", [] and {} recursively; Go's omitempty makes them equal to absent."""
    if isinstance(value, dict):
        pruned = {key: _prune(item) for key, item in value.items()}
        return {key: item for key, item in pruned.items() if not _is_empty(item)}
    if isinstance(value, list):
        return [_prune(item) for item in value]
    return value


def _drop_false(mapping: dict[str, t.Any], keys: frozenset[str]) -> None:
    for key in keys:
        if mapping.get(key) is False:
            del mapping[key]


def _strategic_merge(base: t.Any, overlay: t.Any, merge_key: str | None = None) -> t.Any:
    """Overlay ``overlay`` on ``base`` like ``strategicpatch.StrategicMergePatch`` against corev1.Container:
    maps merge recursively, lists with a patch merge key merge item by key, other lists are replaced.
    None in the overlay changes nothing (kubectl parses --custom into a Go struct, which drops nulls)."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, item in overlay.items():
            if item is None:
                continue
            merged[key] = _strategic_merge(base.get(key), item, _MERGE_KEYS.get(key)) if key in base else copy.deepcopy(item)
        return merged
    if merge_key and isinstance(base, list) and isinstance(overlay, list):
        merged_list = [copy.deepcopy(item) for item in base]
        positions = {item.get(merge_key): index for index, item in enumerate(merged_list) if isinstance(item, dict)}
        for item in overlay:
            key = item.get(merge_key) if isinstance(item, dict) else None
            if key is not None and key in positions:
                merged_list[positions[key]] = _strategic_merge(merged_list[positions[key]], item)
            else:
                merged_list.append(copy.deepcopy(item))
        return merged_list
    return copy.deepcopy(overlay)


def mount_from_option(option: dict[str, t.Any]) -> dict[str, t.Any]:
    """One ``volume_mounts`` entry (snake_case suboptions) as a camelCase VolumeMount."""
    mount = {field: option.get(key) for key, field in MOUNT_OPTIONS}
    mount = _prune(mount)
    _drop_false(mount, _PLAIN_MOUNT_BOOLS)
    return mount


def build_container(params: dict[str, t.Any]) -> Container:
    """Build the EphemeralContainer from module parameters, in kubectl's order: the options, then the
    profile (after an explicit security_context, which baseline and restricted therefore discard),
    then ``custom`` merged last like ``kubectl debug --custom``. Unset and empty fields are omitted.

    ``custom`` keys kubectl refuses (name, command, image, lifecycle, volumeDevices) are merged anyway;
    ``validate_params`` reports them before this is called."""
    container: Container = {}
    for option, field in _SIMPLE_OPTIONS:
        value = params.get(option)
        if not _is_empty(value):
            container[field] = copy.deepcopy(value)
    mounts = [mount_from_option(option) for option in params.get("volume_mounts") or []]
    if mounts:
        container["volumeMounts"] = mounts
    _drop_false(container, _PLAIN_BOOLS)

    profile = params.get("profile")
    if profile:
        container = apply_profile(container, profile)
    custom = params.get("custom")
    if custom:
        container = _strategic_merge(container, custom)
    container = _prune(container)
    _drop_false(container, _PLAIN_BOOLS)
    return container


def _containers_of(pod: dict[str, t.Any], *lists: str) -> list[dict[str, t.Any]]:
    spec = pod.get("spec") or {}
    return [container for key in lists for container in spec.get(key) or [] if isinstance(container, dict)]


def pod_containers(pod: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """Regular and init containers: the ones an ephemeral container may target and may not be named after."""
    return _containers_of(pod, "containers", "initContainers")


def pod_ephemeral_containers(pod: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    return _containers_of(pod, "ephemeralContainers")


def mounts_from_target(pod: dict[str, t.Any], target: str) -> tuple[list[dict[str, t.Any]], list[str]]:
    """The target container's volumeMounts, ready for an ephemeral container, and warnings.

    Mounts with subPath/subPathExpr are skipped with a warning: the apiserver forbids them on
    ephemeral containers (bind mounts that leak until the pod exits), and mounting the whole volume
    instead would show a different tree at that path. A missing target gives no mounts; validation
    reports it."""
    mounts: list[dict[str, t.Any]] = []
    warnings: list[str] = []
    for container in pod_containers(pod):
        if container.get("name") != target:
            continue
        for mount in container.get("volumeMounts") or []:
            sub_field = next((field for field in ("subPath", "subPathExpr") if mount.get(field)), None)
            if sub_field:
                warnings.append(
                    "mount_target_volumes: skipped volume %r at %r of container %r because it uses %s=%r, "
                    "which ephemeral containers may not use; mount the whole volume elsewhere with "
                    "volume_mounts if you need it" % (mount.get("name"), mount.get("mountPath"), target, sub_field, mount[sub_field])
                )
                continue
            inherited = _prune(copy.deepcopy(mount))
            _drop_false(inherited, _PLAIN_MOUNT_BOOLS)
            mounts.append(inherited)
        break
    return mounts, warnings


def merge_mounts(explicit: list[dict[str, t.Any]], inherited: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Explicit mounts first, then inherited ones whose mountPath no explicit mount uses."""
    taken = {mount.get("mountPath") for mount in explicit}
    return [copy.deepcopy(mount) for mount in explicit] + [
        copy.deepcopy(mount) for mount in inherited if mount.get("mountPath") not in taken
    ]


def parse_image_reference(image: str) -> tuple[str, str, str] | None:
    """(name, tag, digest) like ``reference.ParseNormalizedNamed``; None where it would fail."""
    match = _REFERENCE_RE.match(image or "")
    if not match or _IDENTIFIER_RE.match(image):
        return None
    name = match.group("name")
    digest = match.group("digest") or ""
    if len(name) > _REPOSITORY_NAME_MAX:
        return None
    if digest:
        algorithm, _sep, hex_part = digest.partition(":")
        if _DIGEST_HEX_LENGTH.get(algorithm) != len(hex_part) or hex_part != hex_part.lower():
            return None
    return name, match.group("tag") or "", digest


def default_pull_policy(image: str) -> str:
    """k/k SetDefaults_Container: Always when the tag is "latest" (an image with neither tag nor
    digest counts as latest), otherwise IfNotPresent -- also when the reference does not parse."""
    parsed = parse_image_reference(image)
    if parsed is None:
        return "IfNotPresent"
    _name, tag, digest = parsed
    if tag == "latest" or (not tag and not digest):
        return "Always"
    return "IfNotPresent"


def apply_server_defaults(container: Container) -> Container:
    """Return a copy with what the apiserver defaults on write (k/k pkg/apis/core/v1 defaults.go and
    zz_generated.defaults.go, SetDefaults_EphemeralContainer): imagePullPolicy, terminationMessagePath,
    terminationMessagePolicy, and env[].valueFrom.fieldRef.apiVersion "v1". Upstream sets no default
    for volumeMounts' mountPropagation (nil means None to the kubelet)."""
    result = copy.deepcopy(container)
    if not result.get("imagePullPolicy"):
        result["imagePullPolicy"] = default_pull_policy(result.get("image") or "")
    if not result.get("terminationMessagePath"):
        result["terminationMessagePath"] = TERMINATION_MESSAGE_PATH_DEFAULT
    if not result.get("terminationMessagePolicy"):
        result["terminationMessagePolicy"] = TERMINATION_MESSAGE_POLICY_DEFAULT
    for env in result.get("env") or []:
        field_ref = ((env or {}).get("valueFrom") or {}).get("fieldRef")
        if isinstance(field_ref, dict) and not field_ref.get("apiVersion"):
            field_ref["apiVersion"] = "v1"
    return result


def normalize(container: Container) -> Container:
    """Defaults applied and empty values dropped, so that what we built and what the server returns
    compare equal when they mean the same (servers add ``resources: {}``, omit false bools, and
    serialise an unset resourceFieldRef divisor as "0")."""
    result = _prune(apply_server_defaults(container))
    _drop_false(result, _PLAIN_BOOLS)
    for mount in result.get("volumeMounts") or []:
        _drop_false(mount, _PLAIN_MOUNT_BOOLS)
    for env in result.get("env") or []:
        resource_ref = ((env or {}).get("valueFrom") or {}).get("resourceFieldRef")
        if isinstance(resource_ref, dict) and str(resource_ref.get("divisor")) == "0":
            del resource_ref["divisor"]
    return result


def canonical_json(value: t.Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def derive_name(container: Container, run_id: str | None = None, prefix: str = "debugger") -> str:
    """``<prefix>-<10 hex>``: sha256 over the normalised spec without its name, plus ``run_id``.

    Same spec and run id give the same name (so a rerun finds its container); any change to the spec
    gives another. The prefix is cut so the name stays a DNS-1123 label of at most 63 characters."""
    spec = normalize(container)
    spec.pop("name", None)
    digest = hashlib.sha256(canonical_json({"container": spec, "runId": run_id or ""}).encode("utf-8")).hexdigest()
    room = DNS1123_LABEL_MAX - _HASH_LENGTH - 1
    trimmed = prefix[:room].rstrip("-")
    if not trimmed:
        raise ValueError("name_prefix %r leaves nothing to build a container name from" % (prefix,))
    return "%s-%s" % (trimmed, digest[:_HASH_LENGTH])


def attach_command(namespace: str, pod: str, container: str, tty: bool, stdin: bool) -> str:
    """The ``kubectl attach`` line a user runs to reach the container (-i for stdin, -t for a tty)."""
    words = ["kubectl", "attach", "-n", namespace, pod, "-c", container]
    flags = ("i" if stdin else "") + ("t" if tty else "")
    if flags:
        words.append("-" + flags)
    return " ".join(shlex.quote(word) for word in words)
