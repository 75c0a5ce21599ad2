# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The diagnostics role's S3 sink, through the MinIO Python client (Apache-2.0; any S3 server or AWS S3): the runs'
summaries down to a local staging directory, a run's files and the index up, old runs removed. Objects are compared
by MD5 (a single-part upload's ETag), so a second run that wrote the same files uploads nothing.

Not boto3: botocore requires python-dateutil < 3 and the kubernetes client the modules need requires >= 3, so the
two cannot be installed side by side."""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import typing as t
from urllib.parse import urlsplit

try:
    import urllib3
    from minio import Minio
    from minio.credentials import AWSConfigProvider, ChainedProvider, EnvAWSProvider, IamAwsProvider, StaticProvider
    from minio.deleteobjects import DeleteObject
    from minio.error import MinioException, S3Error
    MINIO_IMPORT_ERROR: t.Optional[str] = None
except ImportError as exc:  # pragma: no cover - the module reports it
    MINIO_IMPORT_ERROR = str(exc)

SUMMARY = "summary.json"
AWS_ENDPOINT = "https://s3.amazonaws.com"


class SinkError(Exception):
    """A sink problem, said so that the user knows what to fix."""


def norm_prefix(prefix: t.Optional[str]) -> str:
    """'' or 'a/b/' (a key prefix ending in one slash)."""
    cleaned = (prefix or "").strip("/")
    return cleaned + "/" if cleaned else ""


def location(bucket: str, prefix: t.Optional[str]) -> str:
    return "s3://{0}/{1}".format(bucket, norm_prefix(prefix)).rstrip("/")


def endpoint_of(settings: t.Mapping[str, t.Any]) -> str:
    """endpoint_url, else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS S3."""
    return str(settings.get("endpoint_url") or os.environ.get("AWS_ENDPOINT_URL_S3")
               or os.environ.get("AWS_ENDPOINT_URL") or AWS_ENDPOINT)


def client(settings: t.Mapping[str, t.Any]) -> t.Any:
    """An S3 client from the sink's settings; keys not given come from AWS_* variables, the profile or the
    instance's role."""
    url = urlsplit(endpoint_of(settings))
    if url.scheme not in ("http", "https") or not url.netloc:
        raise SinkError("diagnostics_sink.endpoint_url: {0!r} must be an http:// or https:// URL".format(endpoint_of(settings)))
    if settings.get("access_key"):
        credentials = StaticProvider(settings["access_key"], settings.get("secret_key") or "", settings.get("session_token"))
    else:
        credentials = ChainedProvider([EnvAWSProvider(), AWSConfigProvider(profile=settings.get("profile") or None),
                                       IamAwsProvider()])
    verify = bool(settings.get("validate_certs", True))
    # Few, short retries: an unreachable endpoint fails the task in seconds, not minutes.
    http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=5, read=60),
                               retries=urllib3.Retry(total=2, backoff_factor=0.5, status_forcelist=[500, 502, 503, 504]),
                               cert_reqs="CERT_REQUIRED" if verify else "CERT_NONE")
    region = settings.get("region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
    return Minio(url.netloc, secure=url.scheme == "https", region=region, http_client=http, credentials=credentials,
                 cert_check=verify)


def check_bucket(s3: t.Any, bucket: str, endpoint: str) -> None:
    if not s3.bucket_exists(bucket):
        raise SinkError("bucket {0!r} does not exist at {1}: create it, or fix diagnostics_sink.bucket".format(bucket, endpoint))


def explain(exc: Exception, bucket: str, endpoint: str) -> str:
    """One sentence for a client failure, naming the option to check."""
    if isinstance(exc, SinkError):
        return str(exc)
    if isinstance(exc, S3Error):
        if exc.code in ("NoSuchBucket",):
            return "bucket {0!r} does not exist at {1}: create it, or fix diagnostics_sink.bucket".format(bucket, endpoint)
        if exc.code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            return ("access to bucket {0!r} at {1} was refused ({2}): check diagnostics_sink.access_key/secret_key, "
                    "the AWS_* variables or the profile".format(bucket, endpoint, exc.code))
        return "bucket {0!r} at {1}: {2} {3}".format(bucket, endpoint, exc.code, exc.message)
    if isinstance(exc, ValueError) and "credentials" in str(exc).lower():
        return ("no S3 credentials: set diagnostics_sink.access_key and secret_key, AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or diagnostics_sink.profile ({0})".format(exc))
    return "bucket {0!r} at {1} is unreachable: {2} (check diagnostics_sink.endpoint_url)".format(bucket, endpoint, exc)


def errors() -> tuple[type[Exception], ...]:
    return (SinkError, MinioException, urllib3.exceptions.HTTPError, ValueError)


def objects(s3: t.Any, bucket: str, prefix: str) -> dict[str, str]:
    """Every key under ``prefix`` with its ETag (unquoted)."""
    return {o.object_name: str(o.etag or "").strip('"')
            for o in s3.list_objects(bucket, prefix=prefix or None, recursive=True) if not o.is_dir}


def run_summaries(keys: t.Iterable[str], prefix: str) -> dict[str, str]:
    """run name -> key of its summary.json, for keys <prefix><run>/summary.json only."""
    runs = {}
    for key in keys:
        rest = key[len(prefix):]
        parts = rest.split("/")
        if key.startswith(prefix) and len(parts) == 2 and parts[1] == SUMMARY and parts[0] not in ("", ".", ".."):
            runs[parts[0]] = key
    return runs


def md5_of(path: str) -> str:
    digest = hashlib.md5()  # nosec - compared with S3's ETag, not for security
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_summaries(s3: t.Any, bucket: str, prefix: str, local_dir: str, listing: t.Mapping[str, str],
                    write: bool) -> tuple[list[str], bool]:
    """Make ``local_dir`` (the staging directory, ours) hold exactly the bucket's run summaries: download the new or
    changed ones, remove staged runs the bucket no longer has. Returns the run names and whether anything changed."""
    runs = run_summaries(listing, prefix)
    changed = False
    for run, key in sorted(runs.items()):
        target = os.path.join(local_dir, run, SUMMARY)
        if os.path.isfile(target) and md5_of(target) == listing[key]:
            continue
        changed = True
        if write:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            s3.fget_object(bucket, key, target)
    staged = [d for d in (os.listdir(local_dir) if os.path.isdir(local_dir) else [])
              if os.path.isfile(os.path.join(local_dir, d, SUMMARY)) and d not in runs]
    for run in staged:
        changed = True
        if write:
            _remove_tree(os.path.join(local_dir, run))
    return sorted(runs), changed


def upload(s3: t.Any, bucket: str, prefix: str, local_dir: str, files: t.Iterable[str], if_absent: t.Iterable[str],
           listing: t.Mapping[str, str], write: bool) -> list[str]:
    """Upload ``files`` whose object is missing or differs, and ``if_absent`` whose object is missing (a log the
    kubelet may have dropped since the first run keeps its first copy). Returns the keys uploaded."""
    uploaded = []
    wanted = [(f, False) for f in files] + [(f, True) for f in if_absent]
    for relative, only_if_absent in wanted:
        key = prefix + relative
        path = os.path.join(local_dir, relative)
        if key in listing and (only_if_absent or listing[key] == md5_of(path)):
            continue
        uploaded.append(key)
        if write:
            # One part (files under 5 MiB; heap dumps go if_absent), so the ETag is the MD5 a later run compares with.
            with open(path, "rb") as handle:
                data = handle.read()
            s3.put_object(bucket, key, io.BytesIO(data), len(data), content_type=_content_type(relative))
    return uploaded


def remove_runs(s3: t.Any, bucket: str, prefix: str, runs: t.Iterable[str], listing: t.Mapping[str, str],
                write: bool) -> list[str]:
    """Delete every object of the runs named (their <prefix><run>/ keys); returns the keys deleted."""
    doomed = sorted(k for run in runs for k in listing if k.startswith(prefix + run + "/"))
    if write and doomed:
        # remove_objects is lazy: its errors only appear while iterating.
        failed = ["{0}: {1}".format(e.name, e.message) for e in s3.remove_objects(bucket, [DeleteObject(k) for k in doomed])]
        if failed:
            raise SinkError("could not delete old runs' objects: " + "; ".join(failed[:5]))
    return doomed


def check_relative(paths: t.Iterable[str], option: str) -> list[str]:
    """Problems with paths that must stay inside the staging directory."""
    bad = [p for p in paths if not p or posixpath.isabs(p) or ".." in p.split("/")]
    return ["{0}: {1!r} must be a relative path inside local_dir".format(option, p) for p in bad]


def _content_type(name: str) -> str:
    return {".json": "application/json", ".md": "text/markdown; charset=utf-8", ".html": "text/html; charset=utf-8",
            ".log": "text/plain; charset=utf-8"}.get(posixpath.splitext(name)[1], "application/octet-stream")


def _remove_tree(path: str) -> None:
    for root, dirs, files in os.walk(path, topdown=False):
        for name in files:
            os.remove(os.path.join(root, name))
        for name in dirs:
            os.rmdir(os.path.join(root, name))
    os.rmdir(path)
