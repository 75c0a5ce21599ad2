# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Image references as the container runtime reads them (distribution/reference grammar)."""

from __future__ import annotations

import re


# distribution/reference grammar, used by k/k pkg/util/parsers.ParseImageName for the pull policy default.
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"


_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"


_DOMAIN = r"(?:%s(?:\.%s)*|\[(?:[a-fA-F0-9:]+)\])(?::[0-9]+)?" % (_DOMAIN_COMPONENT, _DOMAIN_COMPONENT)


_REFERENCE_RE = re.compile(
    r"^(?P<name>(?:%s/)?%s(?:/%s)*)(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$"
    % (_DOMAIN, _PATH_COMPONENT, _PATH_COMPONENT),
    re.ASCII,
)


_DIGEST_HEX_LENGTH = {"sha256": 64, "sha384": 96, "sha512": 128}


_REPOSITORY_NAME_MAX = 255


_IDENTIFIER_RE = re.compile(r"^[a-f0-9]{64}$")


def parse_image_reference(image: str) -> tuple[str, str, str] | None:
    """(name, tag, digest) like ``reference.ParseNormalizedNamed``; None where it would fail."""
    match = _REFERENCE_RE.match(image or "")
    if not match or _IDENTIFIER_RE.match(image):
        return None
    name = match.group("name")
    digest = match.group("digest") or ""
    if len(name) > _REPOSITORY_NAME_MAX:
        return None
    if digest:
        algorithm, _sep, hex_part = digest.partition(":")
        if _DIGEST_HEX_LENGTH.get(algorithm) != len(hex_part) or hex_part != hex_part.lower():
            return None
    return name, match.group("tag") or "", digest


def default_pull_policy(image: str) -> str:
    """k/k SetDefaults_Container: Always when the tag is "latest" (an image with neither tag nor
    digest counts as latest), otherwise IfNotPresent -- also when the reference does not parse."""
    parsed = parse_image_reference(image)
    if parsed is None:
        return "IfNotPresent"
    _name, tag, digest = parsed
    if tag == "latest" or (not tag and not digest):
        return "Always"
    return "IfNotPresent"
