# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place that turns API failures into messages that say what to do next.

Shared code raises :class:`KubedebugError`; only the modules' ``main()`` turns it into ``fail_json``.
"""

from __future__ import annotations

import json
import re
import typing as t
from dataclasses import dataclass

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import SUBRESOURCE
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.gate import feature_gate_message

try:
    from kubernetes.client.exceptions import ApiException
except ImportError:  # the module fails with missing_required_lib before any request
    ApiException = Exception  # type: ignore[assignment,misc]

_PSA_RE = re.compile(r'violates PodSecurity "(?P<level>[^"]+)": (?P<reasons>.*)$', re.DOTALL)
# Splits "a (x), b (y, z), c" at the top-level commas only.
_TOP_LEVEL_COMMA = re.compile(r",\s*(?![^()]*\))")


# Statuses after which the same request may be sent again: unreachable (0), throttled, restarting.
TRANSIENT_STATUSES = frozenset((0, 429, 500, 502, 503, 504))


class KubedebugError(Exception):
    """A failure with a user-facing message and extra result keys for ``fail_json``."""

    def __init__(self, msg: str, **result: t.Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.result = result


@dataclass(frozen=True)
class Operation:
    """What was attempted, in RBAC terms, so a 403 can name the missing permission."""

    verb: str
    resource: str
    namespace: t.Optional[str] = None
    name: t.Optional[str] = None

    def where(self) -> str:
        if self.namespace and self.name:
            return "{0}/{1}".format(self.namespace, self.name)
        return self.namespace or "all namespaces"


def parse_status(exc: t.Any) -> t.Dict[str, t.Any]:
    """The ``Status`` object in an ApiException's body, or a minimal one built from the exception."""
    body = getattr(exc, "body", None)
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    status: t.Dict[str, t.Any] = {}
    if body:
        try:
            parsed = json.loads(body)
            if isinstance(parsed, dict):
                status = parsed
        except ValueError:
            status = {"message": body.strip()}
    status.setdefault("code", getattr(exc, "status", None))
    status.setdefault("reason", getattr(exc, "reason", None))
    status.setdefault("message", getattr(exc, "reason", None) or str(exc))
    if not isinstance(status.get("details"), dict):
        status["details"] = {}
    return status


def _extra(status: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    return {"status": status.get("code"), "reason": status.get("reason"), "details": status.get("details") or {}}


def split_pod_security_reasons(text: str) -> t.List[str]:
    return [part.strip() for part in _TOP_LEVEL_COMMA.split(text.strip()) if part.strip()]


def pod_security_violation(message: str) -> t.Optional[t.Tuple[str, t.List[str]]]:
    """(level, reasons) when ``message`` is a Pod Security admission rejection."""
    match = _PSA_RE.search(message or "")
    if not match:
        return None
    return match.group("level"), split_pod_security_reasons(match.group("reasons"))


def _pod_security_error(status: t.Mapping[str, t.Any], op: Operation, level: str, reasons: t.List[str]) -> KubedebugError:
    if level.startswith("restricted"):
        advice = (
            "Use profile: restricted, which sets runAsNonRoot, allowPrivilegeEscalation=false, drop ALL and seccomp "
            "RuntimeDefault like kubectl debug --profile=restricted"
        )
    else:
        advice = "Use profile: baseline or profile: restricted; general, netadmin and sysadmin add capabilities or privilege that this level forbids"
    msg = (
        "Pod Security admission rejected the ephemeral container in pod {0}: the namespace enforces {1!r}. Violations: {2}. "
        "{3}. Admission re-checks the whole pod, so violations of the pod's existing containers also block the "
        "addition; in that case only a namespace label change (pod-security.kubernetes.io/enforce) helps.".format(
            op.where(), level, "; ".join(reasons), advice
        )
    )
    return KubedebugError(msg, pod_security_level=level, pod_security_reasons=reasons, **_extra(status))


def _rbac_error(status: t.Mapping[str, t.Any], op: Operation) -> KubedebugError:
    scope = 'in namespace "{0}"'.format(op.namespace) if op.namespace else "cluster-wide (a ClusterRole)"
    msg = (
        "Forbidden by RBAC: {0}. The credentials need verb {1!r} on resource {2!r} {3} "
        '(rule: apiGroups [""], resources ["{2}"], verbs ["{1}"]).'.format(
            status.get("message"), op.verb, op.resource, scope
        )
    )
    if op.resource == SUBRESOURCE:
        msg += " The built-in edit and admin roles do not grant pods/ephemeralcontainers; add it explicitly."
    return KubedebugError(msg, missing_permission={"verb": op.verb, "resource": op.resource, "namespace": op.namespace}, **_extra(status))


def _not_found_error(status: t.Mapping[str, t.Any], op: Operation, namespace_exists: t.Optional[bool]) -> KubedebugError:
    details = status.get("details") or {}
    if op.resource == SUBRESOURCE and not details.get("name"):
        # kubectl's rule: the route is missing (404 with empty details) when the apiserver gate is off.
        return KubedebugError(feature_gate_message(), feature_gate_off=True, **_extra(status))
    if details.get("kind") == "namespaces" or namespace_exists is False:
        return KubedebugError('Namespace "{0}" does not exist.'.format(op.namespace), **_extra(status))
    if op.resource.startswith("pods") and op.name:
        return KubedebugError(
            'Pod "{0}" not found in namespace "{1}". Check pod and namespace (kubectl get pods -n {1}).'.format(op.name, op.namespace),
            **_extra(status)
        )
    return KubedebugError("Not found: {0}".format(status.get("message")), **_extra(status))


def _invalid_error(status: t.Mapping[str, t.Any], op: Operation) -> KubedebugError:
    message = status.get("message") or ""
    causes = [c.get("message") or "" for c in (status.get("details") or {}).get("causes") or []]
    text = " ".join([message] + causes)
    if "may not be changed" in text:
        msg = (
            "Pod {0} already has an ephemeral container with this name and a different spec. Ephemeral containers are "
            "immutable and cannot be removed: choose another name (or another run_id), or recreate the pod. "
            "Server said: {1}".format(op.where(), message)
        )
        return KubedebugError(msg, immutable_conflict=True, **_extra(status))
    if "static pods do not support ephemeral containers" in text:
        msg = "Pod {0} is a static (mirror) pod; the API refuses ephemeral containers for static pods. Debug it on its node instead.".format(op.where())
        return KubedebugError(msg, **_extra(status))
    # A JSON patch the server could not apply has a generic message; what went wrong is in its causes.
    detail = "; ".join(c for c in causes if c and c not in message)
    return KubedebugError(
        "The API server rejected the ephemeral container for pod {0}: {1}{2}".format(op.where(), message, " ({0})".format(detail) if detail else ""),
        **_extra(status)
    )


def translate(exc: ApiException, op: Operation, namespace_exists: t.Optional[bool] = None) -> KubedebugError:
    """Turn an ``ApiException`` raised while doing ``op`` into a :class:`KubedebugError`."""
    status = parse_status(exc)
    code = status.get("code")
    message = status.get("message") or ""
    if code == 0 or code is None:
        return KubedebugError("Could not reach the Kubernetes API server: {0}".format(message), **_extra(status))
    if code == 401:
        return KubedebugError(
            "The API server rejected the credentials (401 Unauthorized): check kubeconfig, context, api_key or the "
            "client certificate; tokens may have expired.",
            **_extra(status)
        )
    if code == 403:
        violation = pod_security_violation(message)
        if violation:
            return _pod_security_error(status, op, *violation)
        if "admission webhook" in message:
            return KubedebugError("An admission webhook denied the request for {0}: {1}".format(op.where(), message), **_extra(status))
        return _rbac_error(status, op)
    if code == 404:
        return _not_found_error(status, op, namespace_exists)
    if code == 422:
        return _invalid_error(status, op)
    if code == 400 and ("cannot be handled as" in message or "is registered for version" in message):
        return KubedebugError(
            "API era mismatch: the server expects a different object kind on pods/ephemeralcontainers "
            "(EphemeralContainers before 1.22, Pod from 1.22). Server said: {0}".format(message),
            **_extra(status)
        )
    if code == 400 and "feature EphemeralContainers disabled" in message:
        return KubedebugError(feature_gate_message(), feature_gate_off=True, **_extra(status))
    if code == 409:
        return KubedebugError(
            "Conflict while writing pod {0}, even after one retry (someone else is changing it): {1}".format(op.where(), message),
            **_extra(status)
        )
    return KubedebugError(
        "Kubernetes API error while trying to {0} {1} ({2}): {3} {4}: {5}".format(
            op.verb, op.resource, op.where(), code, status.get("reason"), message
        ),
        **_extra(status)
    )


def is_conflict(exc: t.Any) -> bool:
    return getattr(exc, "status", None) == 409


def is_transient(error: t.Any) -> bool:
    """For an ApiException or a KubedebugError made from one: may the same request be tried again?"""
    status = error.result.get("status") if isinstance(error, KubedebugError) else getattr(error, "status", None)
    return status in TRANSIENT_STATUSES
