# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Container names: the DNS-1123 rule, and names derived from the spec so that a rerun finds its
container. A derived name is a contract with every pod it was written to: changing how it is
computed adds a new permanent container at the next scheduled run (see the golden-name test)."""

from __future__ import annotations

import hashlib
import json
import re
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.defaults import normalize

# k8s.io/apimachinery IsDNS1123Label: container names must match this and be <= 63 characters.
DNS1123_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_LABEL_MAX = 63
_HASH_LENGTH = 10


def is_dns1123_label(value: t.Any) -> bool:
    return isinstance(value, str) and len(value) <= DNS1123_LABEL_MAX and bool(DNS1123_LABEL_RE.match(value))


def canonical_json(value: t.Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def derive_name(container: t.Dict[str, t.Any], run_id: str | None = None, prefix: str = "debugger") -> str:
    """``<prefix>-<10 hex>``: sha256 over the normalised spec without its name, plus ``run_id``.

    Same spec and run id give the same name (so a rerun finds its container); any change to the spec
    gives another. The prefix is cut so the name stays a DNS-1123 label of at most 63 characters."""
    spec = normalize(container)
    spec.pop("name", None)
    digest = hashlib.sha256(canonical_json({"container": spec, "runId": run_id or ""}).encode("utf-8")).hexdigest()
    room = DNS1123_LABEL_MAX - _HASH_LENGTH - 1
    trimmed = prefix[:room].rstrip("-")
    if not trimmed:
        raise ValueError("name_prefix %r leaves nothing to build a container name from" % (prefix,))
    return "%s-%s" % (trimmed, digest[:_HASH_LENGTH])
