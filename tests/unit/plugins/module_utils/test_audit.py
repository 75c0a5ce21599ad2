# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Who added which ephemeral container: managedFields as the apiserver writes them, and the annotation."""

from __future__ import annotations

import json

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import field_managers as _field_managers
from ansible_collections.kubedebug.ephemeral.tests.unit.pod_factories import pod


def owned(*names):
    return {"f:spec": {"f:ephemeralContainers": {'k:{"name":"%s"}' % name: {".": {}, "f:image": {}} for name in names}}}


def test_each_container_gets_the_entry_that_owns_it():
    managed = [
        {"manager": "kubelet", "operation": "Update", "time": "t0", "subresource": "status", "fieldsV1": {"f:status": {}}},
        {"manager": "kubedebug.ephemeral", "operation": "Update", "time": "t2", "apiVersion": "v1",
         "subresource": "ephemeralcontainers", "fieldsV1": owned("a", "c")},
        {"manager": "kubectl-debug", "operation": "Update", "time": "t1", "subresource": "ephemeralcontainers",
         "fieldsV1": owned("b")},
    ]
    found = _field_managers.writers(pod(managed=managed, ephemeral=["a", "b", "c", "d"]))
    assert found["a"] == {"manager": "kubedebug.ephemeral", "operation": "Update", "time": "t2", "subresource": "ephemeralcontainers",
                          "api_version": "v1", "time_exact": False}
    assert found["c"]["time_exact"] is True  # the newest container of that manager: its time is this one's
    assert (found["b"]["manager"], found["b"]["time_exact"]) == ("kubectl-debug", True)
    assert "d" not in found


def test_before_1_22_there_is_no_subresource_and_the_list_may_sit_at_the_top():
    managed = [{"manager": "m", "operation": "Update", "time": "t", "fieldsV1": {"f:ephemeralContainers": {'k:{"name":"x"}': {}}}}]
    assert _field_managers.writers(pod(managed=managed, ephemeral=["x"]))["x"]["subresource"] is None


def test_odd_keys_are_ignored():
    managed = [{"manager": "m", "fieldsV1": {"f:spec": {"f:ephemeralContainers": {"k:not-json": {}, "v:1": {}}}}}]
    assert _field_managers.writers(pod(managed=managed, ephemeral=[])) == {}


def test_records_by_container_and_text_kept():
    annotations = {"kubedebug.ephemeral/a": json.dumps({"run_id": "r1"}), "kubedebug.ephemeral/b": "not json", "other": "x"}
    assert _field_managers.records(pod(managed=[], annotations=annotations)) == {"a": {"run_id": "r1"}, "b": "not json"}


def test_new_record_names_run_user_host_time():
    record = _field_managers.new_record("r1", "fm", added=True)
    assert set(record) == {"run_id", "user", "host", "time", "field_manager", "added_by_this_run"}
    assert record["time"].endswith("Z") and record["field_manager"] == "fm" and record["added_by_this_run"] is True


def test_field_manager_limits():
    assert _field_managers.field_manager_problems("kubedebug.ephemeral") == []
    assert "at most 128" in _field_managers.field_manager_problems("x" * 129)[0]
    assert "not printable" in _field_managers.field_manager_problems("a\nb")[0]
    assert _field_managers.field_manager_problems("") == []  # emptiness is the options table's message
