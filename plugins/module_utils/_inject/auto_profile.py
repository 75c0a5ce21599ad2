# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``profile: auto``: the most capable profile the namespace admits, chosen once per namespace by a
dry run of the very container the task would add (so a custom securityContext counts too) on the
namespace's first pod. A profile whose container is already on that pod is taken without asking,
so a re-run chooses what the first run chose while the namespace's labels stay the same."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import Era
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import admission as _admission
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject.plan import EXISTS, SKIP, plan_pod

AUTO = "auto"


def choose(api_client: t.Any, era: Era, params: t.Mapping[str, t.Any], pods: t.Sequence[t.Mapping[str, t.Any]],
           single: bool) -> t.Dict[str, t.Any]:
    """``{namespace, profile, evaluated_on, how, refused}`` for the pods of one namespace."""
    namespace = _pod.key(pods[0])[0]
    refused: t.Dict[str, t.List[str]] = {}
    for pod in pods:
        for profile in _admission.BY_CAPABILITY:
            plan = plan_pod(dict(params, profile=profile), pod, era, single)
            if plan.action == SKIP:
                break  # this pod is left alone whatever the profile; judge on the next one
            where = "{0}/{1}".format(*_pod.key(pod))
            if plan.action == EXISTS and not plan.problems:
                return {"namespace": namespace, "profile": profile, "evaluated_on": where, "refused": refused,
                        "how": "its container is already on the pod"}
            if plan.problems:
                refused[profile] = plan.problems
                continue
            if not era.dry_run:
                return {"namespace": namespace, "profile": profile, "evaluated_on": where, "refused": refused,
                        "how": "the first profile valid in this API era (before 1.22 there is no dry run to ask)"}
            answer = _admission.probe(api_client, era, pod, plan.container, params.get("field_manager"))
            if answer["result"] == _admission.ADMITTED:
                return {"namespace": namespace, "profile": profile, "evaluated_on": where, "refused": refused,
                        "how": "admitted by a server-side dry run"}
            refused[profile] = answer["reasons"]
        else:
            raise KubedebugError(
                "profile=auto: namespace {0} admits none of the profiles (tried on {1}): {2}. Nothing was written.".format(
                    namespace, "{0}/{1}".format(*_pod.key(pod)),
                    " | ".join("{0}: {1}".format(p, "; ".join(r)) for p, r in refused.items())),
                auto_profile={"namespace": namespace, "profile": None, "refused": refused})
    # Every pod is skipped: no write will happen, so any profile names the (unwritten) container.
    return {"namespace": namespace, "profile": _admission.BY_CAPABILITY[-1], "evaluated_on": None, "refused": refused,
            "how": "every pod is skipped, nothing to ask about"}
