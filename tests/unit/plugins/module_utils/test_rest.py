# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from kubernetes.client.exceptions import ApiException
from urllib3.exceptions import MaxRetryError, NewConnectionError

from ansible_collections.kubedebug.ephemeral.plugins.module_utils import _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._errors import Operation, translate


class RefusingClient:
    """A kubernetes>=37 ApiClient whose connection is refused (seen against a closed port)."""

    def param_serialize(self, **kwargs):
        return ("GET", "https://127.0.0.1:9/api/v1", {}, None, [])

    def call_api(self, *args, **kwargs):
        cause = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
        raise MaxRetryError(None, "/api/v1", reason=cause)


def test_transport_failure_becomes_status_0_and_a_could_not_reach_message():
    with pytest.raises(ApiException) as info:
        _rest.request_json(RefusingClient(), "GET", "/api/v1")
    assert info.value.status == 0
    assert "Connection refused" in info.value.reason
    error = translate(info.value, Operation("get", "API discovery (/api/v1)"))
    assert error.msg.startswith("Could not reach the Kubernetes API server: MaxRetryError: ")
    assert "Connection refused" in error.msg
