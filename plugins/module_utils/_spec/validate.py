# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Client-side checks that mirror the apiserver (k/k pkg/apis/core/validation validateEphemeralContainers,
validateContainerCommon, ValidatePodEphemeralContainersUpdate), run before any API call.

Every problem is one message: the module option at fault, what is wrong, and the fix. Messages name
the options the user wrote (``volume_mounts``, ``custom.ports``), not the API field paths.
"""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import Era
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.field_managers import field_manager_problems
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.fields import (
    ALLOWED_FIELDS,
    ENUM_FIELDS,
    FORBIDDEN_FIELDS,
    MOUNT_PROPAGATIONS,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.images import parse_image_reference
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.names import DNS1123_LABEL_RE, is_dns1123_label
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.pod import is_mirror, pod_containers
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import MOUNT_OPTIONS, option_for
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.profiles import (
    PROFILES,
    PROFILES_CLEARING_SECURITY_CONTEXT,
)

Container = t.Dict[str, t.Any]

# kubectl debug --custom: "name, command, image, lifecycle and volume devices are not modifiable via custom profile".
CUSTOM_REFUSED_KEYS: tuple[str, ...] = ("name", "command", "image", "lifecycle", "volumeDevices")
_CUSTOM_REFUSED_OPTION = {"name": "name", "command": "command", "image": "image"}

_ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")
_ENV_FROM_SOURCES = ("configMapRef", "secretRef")


def _is_set(value: t.Any) -> bool:
    # The apiserver compares each field to its Go zero value, so "resources: {}" is not "set".
    if isinstance(value, dict):
        return any(_is_set(item) for item in value.values())
    return value not in (None, "", [], False)


def brief(value: t.Any, limit: int = 80) -> t.Any:
    """A value short enough for a message: huge input must not make a huge message."""
    if isinstance(value, str) and len(value) > limit:
        return "%s... (%d characters)" % (value[:limit], len(value))
    return value


def _one_of(values: t.Iterable[str]) -> str:
    values = list(values)
    return ", ".join(values) if values else "(none)"


def _pod_label(pod: dict[str, t.Any]) -> str:
    metadata = pod.get("metadata") or {}
    return "%s/%s" % (metadata.get("namespace") or "default", metadata.get("name") or "?")


def validate_params(params: dict[str, t.Any]) -> list[str]:
    """Checks on the module options themselves, before ``build_container``: what kubectl refuses in
    --custom, option combinations that would silently lose settings, and name_prefix."""
    errors: list[str] = field_manager_problems(params.get("field_manager"))
    profile = params.get("profile")
    if profile is not None and profile not in PROFILES + ("auto",):
        errors.append("profile: %r is not a profile; use one of %s" % (profile, _one_of(PROFILES + ("auto",))))
    custom = params.get("custom")
    if custom is not None and not isinstance(custom, dict):
        errors.append("custom: must be a mapping of container fields (camelCase), got %s" % type(custom).__name__)
    elif custom:
        for key in CUSTOM_REFUSED_KEYS:
            if _is_set(custom.get(key)):
                instead = _CUSTOM_REFUSED_OPTION.get(key)
                errors.append(
                    "custom.%s: custom may not set name, command, image, lifecycle or volumeDevices "
                    "(kubectl debug --custom refuses them too); %s"
                    % (key, "use the %s option instead" % instead if instead else "remove it")
                )
    if params.get("security_context") and profile == "auto":
        errors.append(
            "security_context: profile 'auto' may choose baseline or restricted, which replace the container's "
            "securityContext; put the settings in custom.securityContext, which is applied after the profile (and "
            "which the dry run that chooses the profile then includes)"
        )
    if params.get("security_context") and profile in PROFILES_CLEARING_SECURITY_CONTEXT:
        errors.append(
            "security_context: profile %r replaces the container's securityContext (as kubectl does), so "
            "security_context would be ignored; use profile=legacy or general with security_context, or "
            "put the settings in custom.securityContext, which is applied after the profile" % profile
        )
    if params.get("fail_on_nonzero_exit") and not (params.get("wait") and params.get("wait_for") == "terminated"):
        errors.append("fail_on_nonzero_exit: an exit code is only known after the container ended; set wait=true and "
                      "wait_for=terminated")
    if params.get("burst") is not None and params.get("qps") is None and params.get("qps_total") is None:
        errors.append("burst: only applies with a client-side rate limit; set qps (or qps_total) too (requests a second), "
                      "or remove burst")
    if params.get("qps") is not None and params.get("qps_total") is not None:
        errors.append("qps, qps_total: give one; qps is this process's rate, qps_total the rate of all shards together "
                      "(divided by shard.count)")
    if params.get("mount_service_account_token") and not params.get("mount_target_volumes"):
        errors.append("mount_service_account_token: only applies to the volumes mount_target_volumes copies; set "
                      "mount_target_volumes=true (with target), or mount the token volume with volume_mounts")
    if params.get("mount_target_volumes") and not params.get("target"):
        errors.append("mount_target_volumes: needs target, the container whose volume mounts to copy; set target")
    prefix = params.get("name_prefix")
    if prefix is not None and not (isinstance(prefix, str) and DNS1123_LABEL_RE.match(prefix.rstrip("-") or "-")):
        errors.append(
            "name_prefix: %r cannot start a container name; use lowercase letters, digits and '-', "
            "starting with a letter or digit (for example debugger)" % (prefix,)
        )
    return errors


def _validate_name_and_image(container: Container) -> list[str]:
    errors: list[str] = []
    name = container.get("name")
    # A missing name is fine here: the caller derives one with derive_name.
    if name is not None and not is_dns1123_label(name):
        errors.append(
            "name: %r is not a valid container name; use at most 63 lowercase letters, digits and '-', "
            "starting and ending with a letter or digit (a DNS-1123 label)" % (brief(name),)
        )
    image = container.get("image")
    if not image:
        errors.append("image: an image is required; set image (for example busybox:1.36)")
    elif not isinstance(image, str) or image != image.strip():
        errors.append("image: %r has leading or trailing whitespace; remove it" % (brief(image),))
    elif parse_image_reference(image) is None:
        errors.append(
            "image: %r is not a valid image reference, so the kubelet would fail with InvalidImageName; "
            "use a lowercase repository with an optional tag or digest, such as "
            "registry.example.com:5000/tools/netshoot:v0.13" % (brief(image),)
        )
    return errors


def _validate_fields(container: Container) -> list[str]:
    errors: list[str] = []
    for field, value in container.items():
        if field in ALLOWED_FIELDS or not _is_set(value):
            continue
        if field in FORBIDDEN_FIELDS:
            errors.append(
                "%s: ephemeral containers may not have %s (the API rejects ports, resources, probes, lifecycle, "
                "resizePolicy and restartPolicy); remove it" % (option_for(field), field)
            )
        else:
            errors.append(
                "%s: not a field an ephemeral container accepts (allowed: %s); remove it or fix its spelling"
                % (option_for(field), _one_of(sorted(ALLOWED_FIELDS)))
            )
    for field in ("command", "args"):
        value = container.get(field)
        if value is not None and not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
            errors.append("%s: must be a list of strings; quote numbers and booleans" % option_for(field))
    for field in ENUM_FIELDS:
        value = container.get(field.name)
        if value and value not in field.enum:
            errors.append("%s: %r is not supported; use %s" % (option_for(field.name), value, _one_of(field.enum)))
    return errors


def _valid_env_name(name: t.Any) -> bool:
    # RelaxedEnvironmentVariableValidation (GA in 1.34): any printable ASCII but "=". Older servers
    # want a C identifier-like name and will say so; we do not refuse what a new server accepts.
    return isinstance(name, str) and bool(name) and "=" not in name and all(" " <= char <= "~" for char in name)


def _validate_env(container: Container) -> list[str]:
    errors: list[str] = []
    for index, env in enumerate(container.get("env") or []):
        env = env if isinstance(env, dict) else {}
        where = "env[%d]" % index
        if env.get("name") in (None, ""):
            errors.append("%s: name is required; give every variable a name (and a value or valueFrom)" % where)
        elif not _valid_env_name(env.get("name")):
            errors.append(
                "%s: %r is not a valid variable name; use printable ASCII characters without '=' "
                "(letters, digits, '_', '-' and '.' work on every Kubernetes version)" % (where, env.get("name"))
            )
        value_from = env.get("valueFrom")
        if value_from is not None:
            sources = [key for key in _ENV_SOURCES if _is_set((value_from or {}).get(key))]
            if env.get("value"):
                errors.append("%s (%s): set either value or valueFrom, not both" % (where, env.get("name")))
            if len(sources) != 1:
                errors.append(
                    "%s (%s): valueFrom needs exactly one of %s, found %s"
                    % (where, env.get("name"), _one_of(_ENV_SOURCES), _one_of(sources))
                )
    for index, source in enumerate(container.get("envFrom") or []):
        refs = [key for key in _ENV_FROM_SOURCES if _is_set((source or {}).get(key))]
        if len(refs) != 1:
            errors.append(
                "env_from[%d]: needs exactly one of configMapRef or secretRef, found %s" % (index, _one_of(refs))
            )
    return errors


def _validate_mounts(container: Container) -> list[str]:
    errors: list[str] = []
    privileged = (container.get("securityContext") or {}).get("privileged") is True
    seen: set[str] = set()
    for index, mount in enumerate(container.get("volumeMounts") or []):
        mount = mount if isinstance(mount, dict) else {}
        where = "volume_mounts[%d]" % index
        name, path = mount.get("name"), mount.get("mountPath")
        if not name:
            errors.append("%s: name is required; set it to one of the pod's volumes" % where)
        if not path:
            errors.append("%s: mount_path is required; set where the volume appears in the container" % where)
        elif path in seen:
            errors.append("volume_mounts: mount_path %r is used by more than one mount; give each mount its own path" % path)
        else:
            seen.add(path)
        for option in (sub for sub in MOUNT_OPTIONS if sub.field and not sub.field.ephemeral):
            if mount.get(option.api_field):
                errors.append(
                    "%s (%r at %r): %s is not allowed in ephemeral containers (the API forbids subPath and "
                    "subPathExpr); remove it and mount the whole volume" % (where, name, path, option.name)
                )
        propagation = mount.get("mountPropagation")
        if propagation and propagation not in MOUNT_PROPAGATIONS:
            errors.append("%s: mount_propagation %r is not supported; use %s" % (where, propagation, _one_of(MOUNT_PROPAGATIONS)))
        elif propagation == "Bidirectional" and not privileged:
            errors.append(
                "%s (%r at %r): Bidirectional mount propagation is only for privileged containers; use "
                "profile=sysadmin, or set mount_propagation to HostToContainer (an explicit mount at the same "
                "mount_path replaces one copied by mount_target_volumes)" % (where, name, path)
            )
    return errors


def _validate_security_context(container: Container, era: Era) -> list[str]:
    context = container.get("securityContext")
    if not _is_set(context):
        return []
    # Forbidden through 1.21 ("SecurityContext is not allowed for ephemeral containers"); an era that
    # does not serve the subresource is left alone because nothing will be written there.
    if era.served and not era.security_context:
        return [
            "security_context: ephemeral containers may have a securityContext only on Kubernetes 1.22+ and this "
            "cluster serves the 1.16-1.21 API; remove security_context and custom.securityContext and use "
            "profile=legacy or baseline (general, restricted, netadmin and sysadmin set a securityContext)"
        ]
    errors: list[str] = []
    if context.get("allowPrivilegeEscalation") is False:
        # k/k ValidateSecurityContext: both combinations imply privilege escalation.
        if context.get("privileged") is True:
            errors.append(
                "security_context: allowPrivilegeEscalation false contradicts privileged true (the API rejects "
                "both together); drop one, e.g. do not combine profile=sysadmin with allowPrivilegeEscalation false"
            )
        if "CAP_SYS_ADMIN" in ((context.get("capabilities") or {}).get("add") or []):
            errors.append(
                "security_context: allowPrivilegeEscalation false contradicts adding CAP_SYS_ADMIN (the API rejects "
                "both together); drop one"
            )
    return errors


def validate_container(container: Container, era: Era) -> list[str]:
    """Problems the apiserver would report for this ephemeral container, as option-level messages.

    ``era`` decides whether a securityContext is allowed. In an era that does not serve the
    subresource the spec is still checked; the caller must refuse to write anyway."""
    return (
        _validate_name_and_image(container)
        + _validate_fields(container)
        + _validate_env(container)
        + _validate_mounts(container)
        + _validate_security_context(container, era)
    )


def validate_against_pod(container: Container, pod: dict[str, t.Any]) -> list[str]:
    """Problems that depend on the pod: static pods, name clashes with regular/init containers, the
    target, and volumes. An existing *ephemeral* container of the same name is not an error here:
    that is the idempotent rerun, for ``spec_differences`` to judge."""
    errors: list[str] = []
    label = _pod_label(pod)
    if is_mirror(pod):
        # ValidatePodEphemeralContainersUpdate (k/k PR #114086); older servers accept it and never run it.
        errors.append(
            "pod %s: static pods do not support ephemeral containers (this is the kubelet's mirror pod); "
            "debug it another way, e.g. a node debug pod with hostPID" % label
        )
    names = [container_.get("name") for container_ in pod_containers(pod)]
    name = container.get("name")
    if name and name in names:
        errors.append(
            "name: %r is already the name of a container in pod %s; choose another name or leave name unset "
            "to derive one" % (name, label)
        )
    target = container.get("targetContainerName")
    if target and target not in names:
        errors.append(
            "target: pod %s has no container or init container named %r; use one of: %s"
            % (label, target, _one_of(str(item) for item in names))
        )
    volumes = [volume.get("name") for volume in (pod.get("spec") or {}).get("volumes") or [] if isinstance(volume, dict)]
    for index, mount in enumerate(container.get("volumeMounts") or []):
        volume = (mount or {}).get("name")
        if volume and volume not in volumes:
            errors.append(
                "volume_mounts[%d]: pod %s has no volume named %r (an ephemeral container can only mount the "
                "pod's existing volumes); use one of: %s" % (index, label, volume, _one_of(str(item) for item in volumes))
            )
    return errors
