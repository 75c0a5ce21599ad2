# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What to do with the EphemeralContainers gate for one component, from that component's own version.

Skew is allowed (kubelets may be two minors behind the apiserver), so the decision is per component, never per
cluster. The gate's lifecycle and the version grammar are API facts shared with the modules
(plugins/module_utils/_api/gate.py and versions.py).
"""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import era, gate
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.versions import Version, find_version
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.gates import FeatureGateError

# The lifecycle's releases, as the reasons name them.
_FIRST, _BETA, _GA, _REMOVED = ("1.%d" % minor for minor in (gate.FIRST_MINOR, gate.ON_BY_DEFAULT_FROM, gate.GA_FROM, gate.REMOVED_FROM))


def parse_version(value: str) -> Version:
    found = find_version(value)
    if found is None:
        raise FeatureGateError(
            "cannot read a Kubernetes version from %r; set feature_gates_component_versions for this component" % str(value or "").strip()
        )
    return found


def version_or_empty(value: str) -> str:
    """The version in ``value`` (``v1.21.14``), or ``""`` when there is none, e.g. an image tagged ``latest``."""
    try:
        return parse_version(value).text
    except FeatureGateError:
        return ""


def decide(version: str | list[str], state: str = "present", component: str = "component") -> dict[str, t.Any]:
    """Return ``{action, reason, version, minor, component, on_by_default}``; action is enable, leave, refuse, fail
    or remove, and on_by_default says whether the component turns the gate on without an explicit entry.

    ``version`` may be a list of candidates (override, image tag, ``--version`` output): the first readable wins.
    """
    if isinstance(version, (list, tuple)):
        version = next((v for v in version if version_or_empty(v)), " / ".join(str(v) for v in version if v))
    ver = parse_version(version)
    if ver.major != 1:
        raise FeatureGateError("%s reports version %s, which is not a Kubernetes 1.x release" % (component, ver.text))
    minor = ver.minor
    out = {"version": ver.text, "minor": "%d.%d" % (ver.major, minor), "component": component,
           "on_by_default": gate.stage(minor).on_by_default}
    if state == "absent":
        out.update(action="remove", reason=_absent_reason(minor))
        return out
    if state != "present":
        raise FeatureGateError("state must be present or absent, not %r" % state)
    stage = gate.stage(minor).name
    if stage == "absent":
        out.update(action="fail", reason=(
            "%s is %s: EphemeralContainers exists from %s; older components refuse to start with the unknown gate. "
            "Upgrade to %s first." % (component, ver.text, _FIRST, gate.minors("alpha", "alpha"))))
    elif stage == "alpha":
        note = ""
        if minor == era.POD_KIND_FROM:
            note = " Note: 1.%d serves the Pod-kind subresource, which kubectl <=1.%d cannot use." % (minor, minor - 1)
        out.update(action="enable", reason="%s is %s: the gate is alpha and off by default; enabling it.%s" % (component, ver.text, note))
    elif stage in ("beta", "ga"):
        locked = " (here =false stops it from starting: %s)" % gate.LOCKED_ERROR if stage == "ga" else ""
        out.update(action="leave", reason=(
            "%s is %s: the gate is on by default (beta %s, GA and locked %s); nothing to write. "
            "Never set it to false here%s; remove any explicit entry with feature_gates_state=absent before %s."
            % (component, ver.text, _BETA, _GA, locked, _REMOVED)))
    else:
        out.update(action="refuse", reason=(
            "%s is %s: the EphemeralContainers gate was removed in %s (k/k#114410) and ephemeral containers are always on. "
            "Setting it would stop the component from starting (%s). Run with feature_gates_state=absent to remove any "
            "leftover entry." % (component, ver.text, _REMOVED, gate.REMOVED_ERROR)))
    return out


def _absent_reason(minor: int) -> str:
    if minor >= gate.REMOVED_FROM:
        return "the gate no longer exists; any leftover entry stops the component, so removing it"
    if minor >= gate.ON_BY_DEFAULT_FROM:
        return "the gate is on by default; removing the explicit entry (needed before %s)" % _REMOVED
    return "removing the gate; ephemeral containers stop being accepted (running ones keep running)"


def decisions(version_runs: t.Sequence[t.Mapping[str, t.Any]], state: str, overrides: t.Mapping[str, t.Any] | None,
              static_pods: t.Mapping[str, t.Mapping[str, t.Any]] | None) -> dict[str, dict[str, t.Any]]:
    """``{component: decide(...)}`` for every component of the role's ``<binary> --version`` loop.

    ``version_runs`` are that loop's results: ``item`` is the component, ``stdout`` the binary's answer (absent when
    the run was skipped). A component's version is its override in ``overrides`` (feature_gates_component_versions),
    else the tag of its static pod's image (``static_pods``: manifest facts with ``image``), else that answer.
    """
    out = {}
    for run in version_runs:
        component = str(run["item"])
        candidates = [(overrides or {}).get(component) or "", ((static_pods or {}).get(component) or {}).get("image") or "",
                      run.get("stdout") or ""]
        out[component] = decide(candidates, state, component)
    return out
