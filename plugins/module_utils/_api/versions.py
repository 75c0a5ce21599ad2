# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Version numbers as Kubernetes, vendors and container runtimes write them: one grammar for all of them.

``v1.21.14``, ``1.21``, ``v1.21.14+k3s1``, ``v1.22.17-eks-abc``, ``1.7.2`` (containerd), ``Kubernetes v1.21.14``
(``kubelet --version``), ``registry/kube-apiserver:v1.21.14@sha256:...`` (an image reference's tag).
"""

from __future__ import annotations

import re
import typing as t

_CORE = r"v?(\d+)\.(\d+)(?:\.(\d+))?"
_AT_START = re.compile(r"^" + _CORE)
# Anywhere in a text, but not inside a longer dotted number.
_ANYWHERE = re.compile(r"(?<![\d.])" + _CORE)
# Vendors append "+" (GKE, EKS: "21+") or other suffixes to /version's minor.
_LEADING_INT_RE = re.compile(r"^(\d+)")


class Version(t.NamedTuple):
    major: int
    minor: int
    patch: int
    text: str  # the version as written, e.g. "v1.21.14"

    @property
    def triple(self) -> t.Tuple[int, int, int]:
        return self.major, self.minor, self.patch


def find_version(value: t.Any, anywhere: bool = True) -> t.Optional[Version]:
    """The first version in ``value`` (or only at its start with ``anywhere=False``), or None.

    In an image reference only the tag may carry the version: the registry host may have a port."""
    text = str(value or "").strip()
    if anywhere and ("/" in text or "@" in text):
        text = text.split("@", 1)[0].rsplit("/", 1)[-1]
        text = text.split(":", 1)[1] if ":" in text else ""
    match = (_ANYWHERE.search if anywhere else _AT_START.match)(text)
    if not match:
        return None
    return Version(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0), match.group(0))


def parse_server_version(version_info: t.Dict[str, t.Any]) -> t.Tuple[int, int]:
    """Return (major, minor) from the JSON body of ``GET /version``.

    ``major``/``minor`` are preferred; vendors suffix them ("21+") and some leave them empty, in which
    case ``gitVersion`` ("v1.21.14-eks-...") is used. Raises ValueError if neither can be read.
    """
    major = _LEADING_INT_RE.match(str(version_info.get("major") or ""))
    minor = _LEADING_INT_RE.match(str(version_info.get("minor") or ""))
    if major and minor:
        return int(major.group(1)), int(minor.group(1))
    git = find_version(version_info.get("gitVersion"), anywhere=False)
    if git:
        return git.major, git.minor
    raise ValueError("cannot read a Kubernetes version from /version: %r" % (version_info,))
