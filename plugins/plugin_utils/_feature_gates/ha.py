# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Will clients see errors while an apiserver behind a load balancer is swapped? Two settings decide it.

An apiserver told to stop keeps serving for --shutdown-delay-duration while its /readyz already fails (k/k #74416,
#88911), so a load balancer that checks /readyz takes it out before it stops listening. With a delay of 0 (kubeadm's
default: it does not set the flag) or a check that only opens a TCP connection (or asks /healthz or /livez, which stay
good while shutting down), requests that arrive during the swap meet a closing server.
"""

from __future__ import annotations

import re
import typing as t

import yaml

# What feature_gates_lb_health_check may say; "" means unknown.
LB_CHECKS = ("", "none", "tcp", "healthz", "livez", "readyz")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
ADVICE = ("Check each apiserver's /readyz over HTTPS (haproxy: option httpchk GET /readyz, http-check expect status "
          "200, check check-ssl verify none inter 1s fall 1) and set --shutdown-delay-duration longer than the "
          "check takes to notice (inter x fall, e.g. 5s) and shorter than the pod's grace period (30 s).")


def go_duration_seconds(text: str) -> float | None:
    """A Go duration (``70s``, ``1m10s``, ``0``) in seconds; None when it is not one."""
    text = text.strip()
    if text in ("0", "+0", "-0"):
        return 0.0
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-")
    parts = _DURATION_PART.findall(body)
    if not body or "".join(number + unit for number, unit in parts) != body:
        return None
    return sign * sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


def _apiserver_args(manifest_text: str) -> list[str]:
    data = yaml.safe_load(manifest_text) or {}
    containers = (data.get("spec") or {}).get("containers") or []
    container = next((c for c in containers if c.get("name") == "kube-apiserver"), containers[0] if containers else {})
    return [str(arg) for arg in (container.get("command") or []) + (container.get("args") or [])]


def shutdown_delay(manifest_text: str) -> float | None:
    """The manifest's --shutdown-delay-duration in seconds (0 when absent, the apiserver's default); None when the
    value is no duration."""
    value = "0"
    args = _apiserver_args(manifest_text)
    for index, arg in enumerate(args):
        if arg.startswith("--shutdown-delay-duration="):
            value = arg.split("=", 1)[1]
        elif arg == "--shutdown-delay-duration" and index + 1 < len(args):
            value = args[index + 1]
    return go_duration_seconds(value)


def warnings(manifest_text: str, lb_health_check: str) -> list[str]:
    """What to warn about before apiservers behind a load balancer are swapped one by one (empty: nothing)."""
    found = []
    check = lb_health_check or ""
    if check not in LB_CHECKS:
        raise ValueError("feature_gates_lb_health_check is %r; use one of %s ('' for unknown)"
                         % (lb_health_check, ", ".join(repr(c) for c in LB_CHECKS[1:])))
    if check == "":
        found.append("The load balancer's health check is unknown (feature_gates_lb_health_check is empty), so it is "
                     "not known whether clients see errors while each apiserver restarts. Set "
                     "feature_gates_lb_health_check to what it checks: none, tcp, healthz, livez or readyz. " + ADVICE)
    elif check != "readyz":
        found.append("The load balancer checks the apiservers by %s, which does not notice an apiserver shutting down "
                     "(only /readyz fails at once): requests it sends there while the static pod is swapped fail. "
                     % ("an open TCP port" if check == "tcp" else ("nothing" if check == "none" else "/" + check))
                     + ADVICE)
    delay = shutdown_delay(manifest_text)
    if delay is None:
        found.append("The apiserver's --shutdown-delay-duration is not a duration; it is not known how long it keeps "
                     "serving after it is told to stop.")
    elif delay <= 0:
        found.append("The apiserver's --shutdown-delay-duration is 0 (kubeadm does not set it): it stops serving the "
                     "moment the kubelet stops it, before any load balancer can take it out. " + ADVICE)
    return found


def report(manifest_text: str, lb_health_check: str) -> dict[str, t.Any]:
    """``{lb_health_check, shutdown_delay_s, warnings}`` for the preflight's log line and warnings."""
    return {"lb_health_check": lb_health_check or "unknown", "shutdown_delay_s": shutdown_delay(manifest_text),
            "warnings": warnings(manifest_text, lb_health_check)}
