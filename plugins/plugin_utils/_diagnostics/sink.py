# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""diagnostics_sink, checked and resolved before anything is written.

Every sink type writes the same tree (``<run>/...``, ``index.*``) under a local root: the artifacts directory
(local), the mounted path (path), or a staging directory the role mirrors to the bucket (s3)."""

from __future__ import annotations

import posixpath
import re
import typing as t

TYPES = ("local", "path", "s3")
KEYS = {
    "local": {"type"},
    "path": {"type", "path"},
    "s3": {"type", "bucket", "prefix", "endpoint_url", "region", "access_key", "secret_key", "session_token",
           "profile", "validate_certs"},
}
# S3's bucket naming rules (3-63 lower-case letters, digits, dots, hyphens; a letter or digit at each end).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PREFIX = re.compile(r"^[A-Za-z0-9._/=-]*$")


def resolve(sink: t.Any, artifacts_dir: str) -> dict[str, t.Any]:
    """{type, root, location, s3 (the module's connection options), problems}; ``artifacts_dir`` is the expanded
    diagnostics_artifacts_dir."""
    sink = {"type": "local"} if sink is None else sink
    if sink == "":
        # An explicit empty value is a mistake to name, not a silent "default".
        return _refused("diagnostics_sink is empty; leave it out (or give {type: local}) for the artifacts directory")
    if not isinstance(sink, t.Mapping):
        return _refused("diagnostics_sink must be a mapping such as {{type: s3, bucket: ...}}, not {0!r}".format(sink))
    kind = sink.get("type", "local")
    if kind not in TYPES:
        return _refused("diagnostics_sink.type: {0!r} is not one of {1}".format(kind, ", ".join(TYPES)))
    problems = ["diagnostics_sink.{0}: not an option of type {1} (its options: {2})".format(k, kind, ", ".join(sorted(KEYS[kind])))
                for k in sorted(set(sink) - KEYS[kind])]
    root, where, s3 = artifacts_dir, artifacts_dir, None
    if kind == "path":
        path = str(sink.get("path") or "")
        if not path.startswith("/"):
            problems.append("diagnostics_sink.path: {0!r} must be an absolute path (the mounted volume, such as a PVC's "
                            "mount point)".format(path))
        root = where = posixpath.normpath(path) if path else ""
    elif kind == "s3":
        s3, more = _s3(sink)
        problems += more
        prefix = (s3.get("prefix") or "").strip("/")
        where = "s3://{0}/{1}".format(s3.get("bucket"), prefix).rstrip("/")
        # Ours alone: a local cache of the bucket's summaries, never the user's artifacts directory itself.
        root = posixpath.join(artifacts_dir, ".s3", str(s3.get("bucket")), *(prefix.split("/") if prefix else []))
    return {"type": kind, "root": root, "location": where, "s3": s3, "problems": problems}


def _s3(sink: t.Mapping[str, t.Any]) -> tuple[dict[str, t.Any], list[str]]:
    problems = []
    bucket = sink.get("bucket")
    if not isinstance(bucket, str) or not _BUCKET.match(bucket) or ".." in bucket:
        problems.append("diagnostics_sink.bucket: {0!r} is not a bucket name (3 to 63 lower-case letters, digits, dots "
                        "and hyphens)".format(bucket))
    prefix = sink.get("prefix") or ""
    if not isinstance(prefix, str) or not _PREFIX.match(prefix) or ".." in prefix.split("/"):
        problems.append("diagnostics_sink.prefix: {0!r} may hold letters, digits and . _ / = - only, and no '..'".format(prefix))
    endpoint = sink.get("endpoint_url")
    if endpoint not in (None, "") and not re.match(r"^https?://[^/\s]+(/\S*)?$", str(endpoint)):
        problems.append("diagnostics_sink.endpoint_url: {0!r} must be an http:// or https:// URL".format(endpoint))
    if bool(sink.get("access_key")) != bool(sink.get("secret_key")):
        problems.append("diagnostics_sink: give access_key and secret_key together (or neither, to use the AWS_* "
                        "variables or a profile)")
    validate = sink.get("validate_certs", True)
    if not isinstance(validate, bool):
        problems.append("diagnostics_sink.validate_certs: {0!r} must be true or false".format(validate))
    options = {k: sink[k] for k in KEYS["s3"] - {"type"} if sink.get(k) not in (None, "")}
    options.setdefault("prefix", "")
    return options, problems


def _refused(problem: str) -> dict[str, t.Any]:
    return {"type": None, "root": "", "location": "", "s3": None, "problems": [problem]}


def report_stats(run_id: str, run_name: str, where: str, status: str) -> dict[str, t.Any]:
    """The set_stats value for the next job of a workflow: {run id: {index, reports: {run name: ...}}}, which
    aggregate: true merges across the shards and slices of one run."""
    base = where.rstrip("/")
    return {run_id: {"index": base + "/index.html", "reports": {run_name: {
        "location": base + "/" + run_name, "report": base + "/" + run_name + "/report.html", "status": status}}}}
