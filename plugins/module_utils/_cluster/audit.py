# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Who added each ephemeral container, and when: read back from the pod's ``managedFields`` (every
writer, kubectl included, since the apiserver records them), and the optional pod annotation that
ephemeral_container writes with ``annotate: true``.

managedFields keep one entry per (manager, operation, apiVersion, subresource), with the time of that
manager's latest change: when one manager added several containers, the time belongs to the newest
of them, and is only an upper bound for the others (``time_exact`` says which)."""

from __future__ import annotations

import json
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.field_managers import annotation_key
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import ApiException, Operation, translate

MERGE_PATCH = "application/merge-patch+json"


def annotate(api_client: t.Any, namespace: str, pod: str, container: str, record: t.Mapping[str, t.Any],
             field_manager: str, dry_run: bool = False) -> None:
    """One merge patch that sets the container's annotation (needs ``patch`` on ``pods``)."""
    query: _rest.Query = [("fieldManager", field_manager)]
    if dry_run:
        query.append(("dryRun", "All"))
    body = {"metadata": {"annotations": {annotation_key(container): json.dumps(dict(record), sort_keys=True)}}}
    try:
        _rest.request_json(api_client, "PATCH", "/api/v1/namespaces/{0}/pods/{1}".format(namespace, pod), query=query,
                           body=body, content_type=MERGE_PATCH)
    except ApiException as exc:
        raise translate(exc, Operation("patch", "pods", namespace, pod)) from exc
