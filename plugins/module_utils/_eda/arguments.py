# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The event sources' arguments (the rulebook's ``sources:`` entry), checked before anything listens or watches:
every problem names the argument and what to give instead (pure)."""

from __future__ import annotations

import dataclasses
import os
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.selectors import label_selector_problems
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.alertmanager import LabelNames
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.tracker import Settings
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.trigger import CAUSE_EVENT, POD_CAUSES

# kubernetes.core's connection options and their K8S_AUTH_* variables (the modules' own, _core/connection.py).
CONNECTION_ARGS: t.Dict[str, t.Tuple[str, ...]] = {
    "kubeconfig": ("K8S_AUTH_KUBECONFIG",),
    "context": ("K8S_AUTH_CONTEXT",),
    "host": ("K8S_AUTH_HOST",),
    "api_key": ("K8S_AUTH_API_KEY",),
    "validate_certs": ("K8S_AUTH_VALIDATE_CERTS", "K8S_AUTH_VERIFY_SSL"),
    "ca_cert": ("K8S_AUTH_CA_CERT", "K8S_AUTH_SSL_CA_CERT"),
    "client_cert": ("K8S_AUTH_CLIENT_CERT", "K8S_AUTH_CERT_FILE"),
    "client_key": ("K8S_AUTH_CLIENT_KEY", "K8S_AUTH_KEY_FILE"),
    "impersonate_user": ("K8S_AUTH_IMPERSONATE_USER",),
}
DEFAULT_CAUSES = ("restart", "not_ready", "oom_killed")
DEFAULT_NOT_READY_SECONDS = 30
DEFAULT_DEDUPE_SECONDS = 300
DEFAULT_ALERTMANAGER_PORT = 5001
_FALSE = ("false", "no", "0", "off")
_TRUE = ("true", "yes", "1", "on")


class SourceArgumentError(ValueError):
    """A rulebook argument the source cannot use; ansible-rulebook shows the message and stops."""


def _problems_to_error(source: str, problems: t.List[str]) -> None:
    if problems:
        raise SourceArgumentError("{0}: {1}".format(source, "; ".join(problems)))


def _unknown(args: t.Mapping[str, t.Any], known: t.Iterable[str], problems: t.List[str]) -> None:
    # ansible-rulebook adds its own eda_* arguments (eda_feedback_queue).
    unknown = sorted(k for k in args if k not in set(known) and not str(k).startswith("eda_"))
    if unknown:
        problems.append("unknown argument(s) {0}; the arguments are {1}".format(", ".join(unknown), ", ".join(sorted(known))))


def _seconds(args: t.Mapping[str, t.Any], name: str, default: float, problems: t.List[str]) -> float:
    value = args.get(name, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if isinstance(value, bool) or not number >= 0:  # "not >=" also refuses NaN
        problems.append("{0} must be a number of seconds, 0 or more (got {1!r})".format(name, value))
        return float(default)
    return number


def _strings(args: t.Mapping[str, t.Any], name: str, problems: t.List[str]) -> t.Tuple[str, ...]:
    value = args.get(name)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        problems.append("{0} must be a list of non-empty strings (got {1!r})".format(name, value))
        return ()
    return tuple(value)


def _flag(args: t.Mapping[str, t.Any], name: str, problems: t.List[str]) -> bool:
    value = args.get(name, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    problems.append("{0} must be true or false (got {1!r})".format(name, value))
    return False


def connection_params(args: t.Mapping[str, t.Any], environ: t.Optional[t.Mapping[str, str]] = None) -> t.Dict[str, t.Any]:
    """The connection options given, each falling back to its K8S_AUTH_* variable as in the modules."""
    environ = os.environ if environ is None else environ
    params: t.Dict[str, t.Any] = {}
    for name, variables in CONNECTION_ARGS.items():
        value = args.get(name)
        if value is None:
            value = next((environ[v] for v in variables if environ.get(v)), None)
            if value is not None and name == "validate_certs":
                value = value.strip().lower() not in _FALSE
        if value is not None:
            params[name] = value
    return params


@dataclasses.dataclass(frozen=True)
class PodEventsArgs:
    namespace: str
    label_selector: str
    settings: Settings
    connection: t.Dict[str, t.Any]


POD_EVENTS_ARGS = ("namespace", "label_selector", "causes", "not_ready_seconds", "event_reasons", "dedupe_seconds", *CONNECTION_ARGS)


def pod_events(args: t.Mapping[str, t.Any], environ: t.Optional[t.Mapping[str, str]] = None) -> PodEventsArgs:
    problems: t.List[str] = []
    _unknown(args, POD_EVENTS_ARGS, problems)
    namespace = args.get("namespace")
    if not isinstance(namespace, str) or not namespace:
        problems.append("namespace is required: the namespace whose pods are watched (got {0!r})".format(namespace))
        namespace = ""
    selector = args.get("label_selector", "")
    if not isinstance(selector, str):
        problems.append("label_selector must be a string such as app=payments (got {0!r})".format(selector))
        selector = ""
    problems += label_selector_problems("label_selector", [selector]) if selector else []
    event_reasons = _strings(args, "event_reasons", problems)
    causes = _strings(args, "causes", problems) or (DEFAULT_CAUSES + ((CAUSE_EVENT,) if event_reasons else ()))
    wrong = [c for c in causes if c not in POD_CAUSES]
    if wrong:
        problems.append("causes: {0} unknown; choose from {1}".format(", ".join(wrong), ", ".join(POD_CAUSES)))
    if CAUSE_EVENT in causes and not event_reasons:
        problems.append("causes has 'event' but event_reasons is empty: name the Event reasons, such as [BackOff, Unhealthy]")
    settings = Settings(
        causes=frozenset(causes),
        not_ready_seconds=_seconds(args, "not_ready_seconds", DEFAULT_NOT_READY_SECONDS, problems),
        event_reasons=event_reasons,
        dedupe_seconds=_seconds(args, "dedupe_seconds", DEFAULT_DEDUPE_SECONDS, problems),
    )
    _problems_to_error("kubedebug.ephemeral.pod_events", problems)
    return PodEventsArgs(namespace=namespace, label_selector=selector, settings=settings, connection=connection_params(args, environ))


@dataclasses.dataclass(frozen=True)
class AlertmanagerArgs:
    host: str
    port: int
    namespaces: t.Tuple[str, ...]
    labels: LabelNames
    token: str
    include_resolved: bool
    dedupe_seconds: float


ALERTMANAGER_ARGS = ("host", "port", "namespaces", "namespace_label", "pod_label", "container_label", "token",
                     "include_resolved", "dedupe_seconds")


def alertmanager(args: t.Mapping[str, t.Any]) -> AlertmanagerArgs:
    problems: t.List[str] = []
    _unknown(args, ALERTMANAGER_ARGS, problems)
    host = args.get("host", "127.0.0.1")
    if not isinstance(host, str) or not host:
        problems.append("host must be an address to listen on, such as 127.0.0.1 (got {0!r})".format(host))
    port = args.get("port", DEFAULT_ALERTMANAGER_PORT)
    try:
        port_number = int(port)
    except (TypeError, ValueError):
        port_number = -1
    if isinstance(port, bool) or not 1 <= port_number <= 65535 or str(port_number) != str(port).strip():
        problems.append("port must be a TCP port, 1-65535 (got {0!r})".format(port))
    names = {}
    for name, default in (("namespace_label", "namespace"), ("pod_label", "pod"), ("container_label", "container")):
        value = args.get(name, default)
        if not isinstance(value, str) or not value:
            problems.append("{0} must be the name of an alert label (got {1!r})".format(name, value))
            value = default
        names[name] = value
    token = args.get("token") or ""
    if not isinstance(token, str):
        problems.append("token must be a string")
        token = ""
    result = AlertmanagerArgs(
        host=str(host), port=port_number, namespaces=_strings(args, "namespaces", problems),
        labels=LabelNames(namespace=names["namespace_label"], pod=names["pod_label"], container=names["container_label"]),
        token=token, include_resolved=_flag(args, "include_resolved", problems),
        dedupe_seconds=_seconds(args, "dedupe_seconds", DEFAULT_DEDUPE_SECONDS, problems),
    )
    _problems_to_error("kubedebug.ephemeral.alertmanager_pods", problems)
    return result
