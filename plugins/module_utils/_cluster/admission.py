# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What admission does to an ephemeral container before it is stored: the namespace's Pod Security
labels, which of kubectl's profiles it admits (asked of the server with a dry run of the very write,
1.22+ only), and the admission webhooks whose rules see ``pods/ephemeralcontainers``.

Pod Security re-checks the whole pod when a container is added, so the answer is for one pod; the
dry run runs every admission step, webhooks included, and stores nothing."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import Era
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import write as _write
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import ApiException, KubedebugError
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.profiles import (
    PROFILE_BASELINE,
    PROFILE_GENERAL,
    PROFILE_LEGACY,
    PROFILE_NETADMIN,
    PROFILE_RESTRICTED,
    PROFILE_SYSADMIN,
    apply_profile,
)

PSA_PREFIX = "pod-security.kubernetes.io/"
PSA_MODES = ("enforce", "warn", "audit")
# Most capable first: profile auto takes the first one the server admits.
BY_CAPABILITY: t.Tuple[str, ...] = (PROFILE_SYSADMIN, PROFILE_NETADMIN, PROFILE_GENERAL, PROFILE_BASELINE, PROFILE_RESTRICTED)
ALL_PROFILES: t.Tuple[str, ...] = BY_CAPABILITY + (PROFILE_LEGACY,)
PROBE_PREFIX = "kubedebug-preflight-"

ADMITTED, REFUSED, UNKNOWN = "admitted", "refused", "unknown"


def pod_security_labels(labels: t.Mapping[str, str]) -> t.Dict[str, t.Optional[t.Dict[str, str]]]:
    """``{enforce|warn|audit: {level, version} or None}`` from a namespace's labels."""
    modes: t.Dict[str, t.Optional[t.Dict[str, str]]] = {}
    for mode in PSA_MODES:
        level = labels.get(PSA_PREFIX + mode)
        modes[mode] = {"level": level, "version": labels.get(PSA_PREFIX + mode + "-version") or "latest"} if level else None
    return modes


def probe(api_client: t.Any, era: Era, pod: t.Mapping[str, t.Any], container: t.Mapping[str, t.Any],
          field_manager: t.Optional[str] = None) -> t.Dict[str, t.Any]:
    """Send the write of ``container`` to ``pod`` as a dry run: ``{result: admitted|refused|unknown, reasons}``."""
    namespace, name = (pod.get("metadata") or {}).get("namespace", ""), (pod.get("metadata") or {}).get("name", "")
    try:
        _write.add_container(api_client, era, namespace, name, container, _pod.ephemeral_containers(pod), dry_run=True,
                             field_manager=field_manager)
    except KubedebugError as exc:
        if exc.result.get("pod_security_level"):
            return {"result": REFUSED, "reasons": list(exc.result.get("pod_security_reasons") or []),
                    "level": exc.result["pod_security_level"]}
        if "admission webhook" in exc.msg:
            return {"result": REFUSED, "reasons": [exc.msg]}
        return {"result": UNKNOWN, "reasons": [exc.msg]}
    return {"result": ADMITTED, "reasons": []}


def probe_profiles(api_client: t.Any, era: Era, pod: t.Mapping[str, t.Any], field_manager: t.Optional[str] = None) -> t.Dict[str, t.Any]:
    """Each profile applied to a plain container of the pod's first image, probed with a dry run."""
    containers = (pod.get("spec") or {}).get("containers") or [{}]
    base = {"image": containers[0].get("image") or "busybox"}
    answers = {}
    for profile in ALL_PROFILES:
        container = dict(apply_profile(base, profile), name=PROBE_PREFIX + profile)
        answers[profile] = probe(api_client, era, pod, container, field_manager)
    return answers


def namespace_labels(api_client: t.Any, namespace: str) -> t.Tuple[t.Optional[t.Dict[str, str]], t.Optional[str]]:
    """(labels, None), or (None, why they cannot be read)."""
    try:
        found = _rest.request_json(api_client, "GET", "/api/v1/namespaces/{0}".format(namespace))
    except ApiException as exc:
        return None, "cannot read namespace {0} (HTTP {1}); get on namespaces is needed to read its labels".format(
            namespace, getattr(exc, "status", None))
    return dict((found.get("metadata") or {}).get("labels") or {}), None


def _matches_subresource(rule: t.Mapping[str, t.Any]) -> bool:
    operations = rule.get("operations") or []
    groups = rule.get("apiGroups") or []
    versions = rule.get("apiVersions") or []
    resources = rule.get("resources") or []
    return (("*" in operations or "UPDATE" in operations) and ("*" in groups or "" in groups)
            and ("*" in versions or "v1" in versions)
            and any(r in ("*/*", "pods/*", "*/ephemeralcontainers", "pods/ephemeralcontainers") for r in resources)
            and rule.get("scope", "*") in ("*", "Namespaced"))


def matching_webhooks(configurations: t.Iterable[t.Mapping[str, t.Any]], kind: str) -> t.List[t.Dict[str, t.Any]]:
    """The webhooks (of ``kind`` validating/mutating) whose rules match updates of pods/ephemeralcontainers."""
    found = []
    for configuration in configurations:
        for hook in configuration.get("webhooks") or []:
            rules = [rule for rule in hook.get("rules") or [] if _matches_subresource(rule)]
            if rules:
                found.append({
                    "kind": kind, "configuration": (configuration.get("metadata") or {}).get("name"), "webhook": hook.get("name"),
                    "failure_policy": hook.get("failurePolicy"),
                    "resources": sorted({r for rule in rules for r in rule.get("resources") or []}),
                })
    return found


def webhooks(api_client: t.Any) -> t.Tuple[t.Optional[t.List[t.Dict[str, t.Any]]], t.Optional[str]]:
    """(matching webhooks, None), or (None, why they cannot be read)."""
    found: t.List[t.Dict[str, t.Any]] = []
    for kind, plural in (("validating", "validatingwebhookconfigurations"), ("mutating", "mutatingwebhookconfigurations")):
        try:
            listed = _rest.request_json(api_client, "GET", "/apis/admissionregistration.k8s.io/v1/" + plural)
        except ApiException as exc:
            return None, "cannot list {0} (HTTP {1}); list on admissionregistration.k8s.io {0} is needed".format(
                plural, getattr(exc, "status", None))
        found += matching_webhooks(listed.get("items") or [], kind)
    return found, None
