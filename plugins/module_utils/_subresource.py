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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ansible_collections.kubedebug.ephemeral.plugins.module_utils import _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._era import Era, detect_era, parse_server_version
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._errors import (
    KubedebugError,
    Operation,
    feature_gate_message,
    is_conflict,
    parse_status,
    translate,
)

try:
    from kubernetes.client.exceptions import ApiException
except ImportError:  # handled by the module (missing_required_lib)
    ApiException = Exception  # type: ignore[assignment,misc]


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


def _version(api_client: t.Any) -> t.Tuple[t.Optional[str], t.Optional[int], t.Optional[int]]:
    try:
        info = _rest.request_json(api_client, "GET", "/version")
        major, minor = parse_server_version(info)
        return info.get("gitVersion"), major, minor
    except (ApiException, KubedebugError, ValueError, TypeError, AttributeError):
        # /version is readable by everyone by default; when it is not, the era from discovery is enough.
        return None, None, None


def discover(api_client: t.Any) -> ServerInfo:
    """Server version and API era, from ``/version`` and discovery of ``/api/v1``, read at the same time."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        version = pool.submit(_version, api_client)
        try:
            resources = _rest.request_json(api_client, "GET", "/api/v1")
        except ApiException as exc:
            raise translate(exc, Operation("get", "API discovery (/api/v1)")) from exc
        git_version, major, minor = version.result()
    try:
        era = detect_era(resources)
    except ValueError as exc:
        raise KubedebugError(
            "Cannot tell which ephemeral containers API this server serves: {0}. Nothing was written.".format(exc)
        ) from exc
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


JSON_PATCH = "application/json-patch+json"


def patch_body(era: Era, container: t.Mapping[str, t.Any], before: t.Sequence[t.Mapping[str, t.Any]]) -> t.List[t.Dict[str, t.Any]]:
    """The RFC 6902 JSON patch that appends ``container`` to the list ``before``, and only to that list.

    Its ``test`` makes the apiserver refuse (422) a write based on a stale read, so two writers never
    both believe they added the same container, and a write sent again after a broken connection can
    never add it twice. The test checks that our container landed at index ``len(before)``, which
    holds only if nobody added one since we read (the list only grows). It tests a name, not the
    whole list: the apiserver compares leaf values byte by byte as Go encodes them (``&`` as
    ``\u0026``, non-ASCII raw), which Python's encoding of a command line would not match; names are
    DNS labels and encode alike.

    A JSON patch cannot add to an absent list, and a Pod omits an empty one, so there the whole list
    is added after testing that it is still absent (the reference's "add operation does not apply")."""
    if not era.served:
        raise KubedebugError(feature_gate_message())
    path = "/" + "/".join(era.list_path)
    if not before and era.list_omitted_when_empty:
        return [{"op": "test", "path": path, "value": None}, {"op": "add", "path": path, "value": [dict(container)]}]
    return [
        {"op": "add", "path": path + "/-", "value": dict(container)},
        {"op": "test", "path": "{0}/{1}/name".format(path, len(before)), "value": container["name"]},
    ]


def is_stale(exc: t.Any) -> bool:
    """A write that may have been refused because the list changed since we read it: a conflict, or
    a 422 from applying the JSON patch, which the apiserver sends without saying which operation
    failed ("the server rejected our request due to an error in our request", no causes). Reading
    the pod again tells: if the list is what we read, the patch was wrong for another reason."""
    if is_conflict(exc):
        return True
    status = parse_status(exc)
    return getattr(exc, "status", None) == 422 and not status["details"].get("causes") and not status["details"].get("name")


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


def path(namespace: str, pod: str) -> str:
    return "/api/v1/namespaces/{0}/pods/{1}/ephemeralcontainers".format(namespace, pod)
