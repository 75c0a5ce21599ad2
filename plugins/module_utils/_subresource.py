# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading and writing ``pods/ephemeralcontainers`` in every API era.

Era A (1.16-1.21): the subresource takes and returns kind ``EphemeralContainers``.
Era B (1.22+): it takes and returns the whole ``Pod``; only ``spec.ephemeralContainers`` is honoured.
Both use a strategic merge patch keyed on ``name``: a new name is appended, existing entries are kept
in place. A patch of the wrong shape is answered with 200 and adds nothing, so every write is verified
against the raw response before it counts as done.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ansible_collections.kubedebug.ephemeral.plugins.module_utils import _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._era import Era, detect_era, parse_server_version
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._errors import (
    KubedebugError,
    Operation,
    feature_gate_message,
    is_conflict,
    translate,
)

try:
    from kubernetes.client.exceptions import ApiException
except ImportError:  # handled by the module (missing_required_lib)
    ApiException = Exception  # type: ignore[assignment,misc]

SMP = "application/strategic-merge-patch+json"


@dataclass(frozen=True)
class ServerInfo:
    git_version: t.Optional[str]
    major: t.Optional[int]
    minor: t.Optional[int]
    era: Era

    @property
    def version(self) -> t.Optional[t.Tuple[int, int]]:
        return (self.major, self.minor) if self.major is not None and self.minor is not None else None

    def as_dict(self) -> t.Dict[str, t.Any]:
        return {
            "git_version": self.git_version,
            "major": self.major,
            "minor": self.minor,
            "api_era": self.era.name,
            "subresource_enabled": self.era.served,
        }


def discover(api_client: t.Any) -> ServerInfo:
    """Server version and API era, from ``/version`` and discovery of ``/api/v1``."""
    try:
        resources = _rest.request_json(api_client, "GET", "/api/v1")
    except ApiException as exc:
        raise translate(exc, Operation("get", "API discovery (/api/v1)")) from exc
    try:
        era = detect_era(resources)
    except ValueError as exc:
        raise KubedebugError(
            "Cannot tell which ephemeral containers API this server serves: {0}. Nothing was written.".format(exc)
        ) from exc
    git_version, major, minor = None, None, None
    try:
        info = _rest.request_json(api_client, "GET", "/version")
        git_version = info.get("gitVersion")
        major, minor = parse_server_version(info)
    except (ApiException, ValueError, TypeError):
        # /version is readable by everyone by default; when it is not, the era from discovery is enough.
        pass
    return ServerInfo(git_version=git_version, major=major, minor=minor, era=era)


def require_enabled(server: ServerInfo) -> None:
    if not server.era.served:
        raise KubedebugError(feature_gate_message(server.version), feature_gate_off=True, server=server.as_dict())


def ephemeral_containers(obj: t.Mapping[str, t.Any]) -> t.List[t.Dict[str, t.Any]]:
    """The ephemeral container list of a Pod or of an ``EphemeralContainers`` object."""
    if obj.get("kind") == "EphemeralContainers":
        return list(obj.get("ephemeralContainers") or [])
    return list((obj.get("spec") or {}).get("ephemeralContainers") or [])


def find_container(containers: t.Iterable[t.Mapping[str, t.Any]], name: str) -> t.Optional[t.Dict[str, t.Any]]:
    for container in containers:
        if container.get("name") == name:
            return dict(container)
    return None


ORDER_DIRECTIVE = "$setElementOrder/ephemeralContainers"


def patch_body(era: Era, container: t.Mapping[str, t.Any], existing_names: t.Sequence[str] = ()) -> t.Dict[str, t.Any]:
    """The strategic merge patch that appends ``container`` in ``era``.

    A merge-keyed list in a strategic merge patch puts the patch's items *first* and the server's
    other items after them, so without a directive the new container would be stored ahead of the
    existing ones. ``$setElementOrder`` (what kubectl's two-way merge patch carries) keeps the
    existing containers in place and the new one last; server items missing from the directive
    (a concurrent writer's) are kept, not removed. Both eras' lists have patchStrategy=merge and
    patchMergeKey=name."""
    if not era.served:
        raise KubedebugError(feature_gate_message())
    order = [{"name": name} for name in existing_names if name != container["name"]] + [{"name": container["name"]}]
    body: t.Dict[str, t.Any] = {ORDER_DIRECTIVE: order, "ephemeralContainers": [dict(container)]}
    for key in reversed(era.list_path[:-1]):
        body = {key: body}
    return body


def verify_written(era: Era, response: t.Mapping[str, t.Any], name: str) -> t.Dict[str, t.Any]:
    """The stored entry for ``name`` in a write's response; raise when the write added nothing."""
    kind = response.get("kind")
    stored = find_container(ephemeral_containers(response), name) if kind == era.kind else None
    if stored is None:
        raise KubedebugError(
            "The server answered 200 but did not add ephemeral container {0!r} (response kind {1!r}, expected {2!r}). "
            "This is an API era mismatch: a server before 1.22 ignores the 1.22+ patch shape and vice versa. "
            "Nothing was changed.".format(name, kind, era.kind),
            era_mismatch=True,
        )
    return stored


def _path(namespace: str, pod: str) -> str:
    return "/api/v1/namespaces/{0}/pods/{1}/ephemeralcontainers".format(namespace, pod)


def add_container(
    api_client: t.Any,
    era: Era,
    namespace: str,
    pod: str,
    container: t.Mapping[str, t.Any],
    dry_run: bool = False,
    existing_names: t.Sequence[str] = (),
) -> t.Tuple[t.Dict[str, t.Any], t.Dict[str, t.Any]]:
    """Append ``container`` after the pod's ``existing_names``; return (stored entry, raw response).

    ``dry_run`` sends ``dryRun=All`` (1.22+ only): validation and admission run, nothing is stored.
    A 409 is retried once: strategic merge patches carry no resourceVersion, so a retry is safe.
    """
    if dry_run and not era.dry_run:
        raise KubedebugError("Server-side dry run is only used with the Pod-kind API (1.22+).")
    query = [("dryRun", "All")] if dry_run else []
    op = Operation("patch", "pods/ephemeralcontainers", namespace, pod)
    body = patch_body(era, container, existing_names)
    for attempt in (1, 2):
        try:
            response = _rest.request_json(api_client, "PATCH", _path(namespace, pod), query=query, body=body, content_type=SMP)
            break
        except ApiException as exc:
            if attempt == 1 and is_conflict(exc):
                continue
            raise translate(exc, op) from exc
    return verify_written(era, response, container["name"]), response
