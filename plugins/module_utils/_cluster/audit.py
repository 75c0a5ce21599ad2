# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ``annotate: true`` record written to the pod (a merge patch). Reading who added each container, and
building the record, are pure and live in _api/field_managers.py."""

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
