# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._sink import s3
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.sink import report_stats, resolve

ART = "/home/runner/kubedebug-diagnostics"
S3 = {"type": "s3", "bucket": "diag", "prefix": "/team-a/diag/", "endpoint_url": "http://127.0.0.1:16900",
      "access_key": "k", "secret_key": "s"}


@pytest.mark.parametrize("sink", [None, {}, {"type": "local"}])
def test_local_is_the_default_and_writes_to_the_artifacts_directory(sink) -> None:
    assert resolve(sink, ART) == {"type": "local", "root": ART, "location": ART, "s3": None, "problems": []}


def test_an_explicit_empty_sink_is_refused_not_read_as_the_default() -> None:
    got = resolve("", ART)
    assert got["type"] is None and got["root"] == ""
    assert got["problems"] == ["diagnostics_sink is empty; leave it out (or give {type: local}) for the artifacts directory"]


def test_path_writes_to_the_mounted_volume() -> None:
    got = resolve({"type": "path", "path": "/mnt/pvc/diag/"}, ART)
    assert (got["root"], got["location"], got["problems"]) == ("/mnt/pvc/diag", "/mnt/pvc/diag", [])


def test_s3_stages_under_a_hidden_directory_of_the_artifacts_directory() -> None:
    got = resolve(S3, ART)
    assert got["problems"] == []
    assert got["root"] == ART + "/.s3/diag/team-a/diag"
    assert got["location"] == "s3://diag/team-a/diag"
    assert got["s3"] == {"bucket": "diag", "prefix": "/team-a/diag/", "endpoint_url": "http://127.0.0.1:16900",
                         "access_key": "k", "secret_key": "s"}


@pytest.mark.parametrize("sink, words", [
    ("s3", "diagnostics_sink must be a mapping"),
    ({"type": "ftp"}, "diagnostics_sink.type: 'ftp' is not one of local, path, s3"),
    ({"type": "local", "path": "/x"}, "diagnostics_sink.path: not an option of type local"),
    ({"type": "path"}, "diagnostics_sink.path: '' must be an absolute path"),
    ({"type": "path", "path": "pvc"}, "diagnostics_sink.path: 'pvc' must be an absolute path"),
    ({"type": "s3"}, "diagnostics_sink.bucket: None is not a bucket name"),
    (dict(S3, bucket="ab"), "diagnostics_sink.bucket: 'ab' is not a bucket name"),
    (dict(S3, bucket="Diag"), "diagnostics_sink.bucket: 'Diag' is not a bucket name"),
    (dict(S3, prefix="a/../b"), "diagnostics_sink.prefix: 'a/../b' may hold"),
    (dict(S3, prefix="a b"), "diagnostics_sink.prefix: 'a b' may hold"),
    (dict(S3, endpoint_url="127.0.0.1:9000"), "diagnostics_sink.endpoint_url: '127.0.0.1:9000' must be an http://"),
    (dict(S3, secret_key=None), "give access_key and secret_key together"),
    (dict(S3, validate_certs="no"), "diagnostics_sink.validate_certs: 'no' must be true or false"),
    (dict(S3, path="/x"), "diagnostics_sink.path: not an option of type s3"),
])
def test_bad_sinks_are_refused_naming_the_option(sink, words) -> None:
    problems = resolve(sink, ART)["problems"]
    assert any(words in p for p in problems), problems


def test_report_stats_merge_per_run_id() -> None:
    assert report_stats("awx-w5", "awx-w5-shard-0-of-2", "s3://diag/p", "ok") == {"awx-w5": {
        "index": "s3://diag/p/index.html",
        "reports": {"awx-w5-shard-0-of-2": {"location": "s3://diag/p/awx-w5-shard-0-of-2",
                                            "report": "s3://diag/p/awx-w5-shard-0-of-2/report.html", "status": "ok"}}}}


def test_only_run_summaries_directly_under_the_prefix_count() -> None:
    found = s3.run_summaries(["p/r1/summary.json", "p/r2/summary.json", "p/r1/ns/pod/summary.json", "p/index.json",
                              "q/r3/summary.json", "p/summary.json"], "p/")
    assert found == {"r1": "p/r1/summary.json", "r2": "p/r2/summary.json"}


@pytest.mark.parametrize("prefix, expected", [("", ""), ("/", ""), ("a", "a/"), ("/a/b/", "a/b/")])
def test_prefixes_end_in_one_slash(prefix, expected) -> None:
    assert s3.norm_prefix(prefix) == expected


def test_uploads_stay_inside_the_staging_directory() -> None:
    assert s3.check_relative(["r/summary.json", "index.json"], "upload") == []
    assert len(s3.check_relative(["/etc/passwd", "r/../../x", ""], "upload")) == 3
