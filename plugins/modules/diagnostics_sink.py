#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: diagnostics_sink
short_description: The S3 sink of the diagnostics role (internal to the role)
version_added: 0.1.0
author:
  - kubedebug.ephemeral maintainers (@kubedebug)
description:
  - B(Internal.) The P(kubedebug.ephemeral.diagnostics#role) role runs it on the controller when
    C(diagnostics_sink.type) is V(s3). Its options and results may change in any release; set C(diagnostics_sink)
    instead.
  - Checks that the bucket can be reached, then, in this order, downloads every run's C(summary.json) under O(prefix)
    into O(local_dir) (O(fetch_summaries)), uploads the files named in O(upload) and O(upload_if_absent), and deletes
    the objects of the runs named in O(remove_runs).
  - O(local_dir) is the role's staging directory for this bucket and prefix; O(fetch_summaries) removes the staged
    runs the bucket no longer has.
  - Objects are compared by MD5 (a single-part upload's ETag), so files that did not change are not uploaded again.
  - Needs the C(minio) Python package (the MinIO client, Apache-2.0; it speaks to any S3-compatible server and AWS S3)
    on the controller. Not C(boto3), because botocore and the C(kubernetes) client need incompatible
    C(python-dateutil) versions.
options:
  bucket:
    description: The bucket.
    type: str
    required: true
  prefix:
    description: The key prefix of every object (V(kubedebug/diagnostics) gives C(kubedebug/diagnostics/<run>/...)).
    type: str
    default: ""
  endpoint_url:
    description: An S3-compatible server's URL; omitted, C(AWS_ENDPOINT_URL_S3), C(AWS_ENDPOINT_URL) or AWS S3.
    type: str
  region:
    description: The region; omitted, C(AWS_REGION) / C(AWS_DEFAULT_REGION) or the profile's.
    type: str
  access_key:
    description: The access key id; omitted, C(AWS_ACCESS_KEY_ID), the profile's or the instance role's.
    type: str
  secret_key:
    description: The secret access key; omitted, C(AWS_SECRET_ACCESS_KEY) or the profile's.
    type: str
  session_token:
    description: A session token for temporary credentials.
    type: str
  profile:
    description: A profile of the AWS configuration files.
    type: str
  validate_certs:
    description: Whether to check the server's TLS certificate.
    type: bool
    default: true
  local_dir:
    description: The staging directory the relative paths are read from and the summaries written to.
    type: path
    required: true
  fetch_summaries:
    description: Download the bucket's run summaries into O(local_dir).
    type: bool
    default: false
  upload:
    description: Files (relative to O(local_dir)) to upload when their object is missing or differs.
    type: list
    elements: str
    default: []
  upload_if_absent:
    description: Files (relative to O(local_dir)) to upload only when their object is missing.
    type: list
    elements: str
    default: []
  remove_runs:
    description: Run names whose objects (C(<prefix><run>/...)) are deleted.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: posix
requirements:
  - minio
"""

EXAMPLES = r"""
# What the diagnostics role does (roles/diagnostics/tasks/validate.yml):
- name: Check the bucket and stage its runs' summaries
  kubedebug.ephemeral.diagnostics_sink:
    bucket: diagnostics
    endpoint_url: http://127.0.0.1:16900
    local_dir: /home/runner/kubedebug-diagnostics/.s3/diagnostics
    fetch_summaries: true
  delegate_to: localhost
"""

RETURN = r"""
location:
  description: The sink's address, C(s3://<bucket>/<prefix>).
  returned: always
  type: str
  sample: s3://diagnostics/kubedebug
runs:
  description: The run names whose C(summary.json) the bucket holds (with O(fetch_summaries)).
  returned: always
  type: list
  elements: str
uploaded:
  description: The keys uploaded (in check mode, those that would be).
  returned: always
  type: list
  elements: str
removed:
  description: The keys deleted (in check mode, those that would be).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._sink import s3

ARGUMENT_SPEC = {
    "bucket": {"type": "str", "required": True},
    "prefix": {"type": "str", "default": ""},
    "endpoint_url": {"type": "str"},
    "region": {"type": "str"},
    "access_key": {"type": "str", "no_log": True},
    "secret_key": {"type": "str", "no_log": True},
    "session_token": {"type": "str", "no_log": True},
    "profile": {"type": "str"},
    "validate_certs": {"type": "bool", "default": True},
    "local_dir": {"type": "path", "required": True},
    "fetch_summaries": {"type": "bool", "default": False},
    "upload": {"type": "list", "elements": "str", "default": []},
    "upload_if_absent": {"type": "list", "elements": "str", "default": []},
    "remove_runs": {"type": "list", "elements": "str", "default": []},
}


def main() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    if s3.MINIO_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("minio", reason="for diagnostics_sink type s3")
                         + " (pip install minio on the controller)", exception=s3.MINIO_IMPORT_ERROR)
    params = module.params
    problems = (s3.check_relative(params["upload"], "upload") + s3.check_relative(params["upload_if_absent"], "upload_if_absent")
                + s3.check_relative(params["remove_runs"], "remove_runs"))
    if problems:
        module.fail_json(msg="; ".join(problems))
    bucket, prefix, write = params["bucket"], s3.norm_prefix(params["prefix"]), not module.check_mode
    endpoint = s3.endpoint_of(params)
    result = {"changed": False, "location": s3.location(bucket, params["prefix"]), "runs": [], "uploaded": [], "removed": []}
    try:
        client = s3.client(params)
        s3.check_bucket(client, bucket, endpoint)
        listing = s3.objects(client, bucket, prefix)
        if params["fetch_summaries"]:
            # The staging directory is a local cache, not the sink: filling it is not a change.
            result["runs"] = s3.fetch_summaries(client, bucket, prefix, params["local_dir"], listing, write)[0]
        result["uploaded"] = s3.upload(client, bucket, prefix, params["local_dir"], params["upload"],
                                       params["upload_if_absent"], listing, write)
        result["removed"] = s3.remove_runs(client, bucket, prefix, params["remove_runs"], listing, write)
    except s3.errors() as exc:
        module.fail_json(msg=s3.explain(exc, bucket, endpoint), **result)
    except OSError as exc:
        module.fail_json(msg="diagnostics sink: {0}".format(exc), **result)
    result["changed"] = bool(result["uploaded"] or result["removed"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
