# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the server is and serves: ``/version`` and the discovery of ``/api/v1``, read at the same time, as a
:class:`ServerInfo` with the API era (_api/era.py). The write itself is in write.py."""

from __future__ import annotations

import typing as t
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import Era, detect_era
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.gate import feature_gate_message
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.versions import parse_server_version
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import (
    ApiException,
    KubedebugError,
    Operation,
    translate,
)


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
