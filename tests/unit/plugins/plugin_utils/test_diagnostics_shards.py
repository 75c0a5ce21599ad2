# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The diagnostics role's shards: the default run id from AWX's job variables (the same in every slice of a sliced
job), else the start time; diagnostics_shard / diagnostics_qps_total checked with the plan; and a shard that holds
none of a group's pods is not mistaken for selectors that match nothing."""

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.outcomes import outcomes
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.plan import budget_problems, plan, run_id_problems
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.report import summary
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.run_id import AWX_VARIABLES, awx_run_id, default_run_id

STARTED = "20261207t020000z"
NONE_SET = {name: None for name in AWX_VARIABLES}  # what the role passes outside AWX


def test_outside_awx_the_run_id_is_the_start_time():
    assert default_run_id(NONE_SET, STARTED) == STARTED
    assert default_run_id({}, STARTED) == STARTED


def test_every_slice_of_a_sliced_job_gets_the_workflow_jobs_run_id():
    # AWX runs a sliced job as a workflow: each slice is a job of its own (its own awx_job_id) in one workflow job.
    slices = [dict(NONE_SET, awx_job_id=job, tower_job_id=job, awx_workflow_job_id=500, tower_workflow_job_id=500)
              for job in (501, 502, 503, 504)]
    assert {default_run_id(variables, STARTED) for variables in slices} == {"awx-w500"}


def test_a_plain_job_a_scheduled_job_and_a_scheduled_workflow():
    assert default_run_id(dict(NONE_SET, awx_job_id=88), STARTED) == "awx-j88"
    assert default_run_id(dict(NONE_SET, awx_job_id="88", awx_schedule_id="7"), STARTED) == "awx-s7-j88"
    assert default_run_id(dict(NONE_SET, awx_job_id=9, awx_workflow_job_id=8, awx_parent_job_schedule_id=3), STARTED) == "awx-s3-w8"


def test_the_older_tower_names_work_alone():
    assert awx_run_id({"tower_job_id": 12, "tower_workflow_job_id": 11}) == "awx-w11"


def test_values_that_are_not_ids_are_ignored():
    assert awx_run_id({"awx_job_id": "12; rm -rf /"}) is None
    assert awx_run_id({"awx_job_id": True}) is None
    assert awx_run_id({"awx_job_id": 5, "awx_schedule_id": "nightly"}) == "awx-j5"


@pytest.mark.parametrize("variables", [dict(NONE_SET, awx_job_id=2**63, awx_workflow_job_id=2**62, awx_schedule_id=2**61)])
def test_an_awx_run_id_is_a_valid_run_id(variables):
    assert run_id_problems(default_run_id(variables, STARTED)) == []


@pytest.mark.parametrize("settings, message", [
    ({"shard": {"index": 2, "count": 2}}, "diagnostics_shard.index: 2 is out of range for count 2"),
    ({"shard": {}}, "diagnostics_shard: an empty mapping is not a shard"),
    ({"shard": "1/2"}, "diagnostics_shard: must be a mapping {index, count}"),
    ({"qps_total": 0}, "diagnostics_qps_total: 0 is out of range; use 0.1 to 10000"),
    ({"qps_total": "fast"}, "diagnostics_qps_total: 'fast' is out of range"),
])
def test_a_bad_shard_or_budget_stops_the_plan(settings, message):
    assert any(problem.startswith(message) for problem in budget_problems(settings))
    result = plan([{"namespace": "a", "label_selector": "x=y", "recipe": "custom", "image": "i", "command": ["c"]}],
                  {"custom": {"stem": "custom"}}, dict(settings, run_id="r1"))
    assert result["groups"] == [] and any(problem.startswith(message) for problem in result["problems"])


def test_no_shard_and_no_budget_are_fine():
    assert budget_problems({"shard": None, "qps_total": None}) == []
    assert budget_problems({"shard": {"index": 0, "count": 3}, "qps_total": 30.0}) == []


def _summary_of(module_result: dict) -> dict:
    record = {"index": 0, "label": "g", "recipe": "process_list", "args": {"name": "ps-r1"}, "wait_timeout": 60,
              "started": 1.0, "finished": 2.0, "result": module_result}
    return summary(outcomes([record]), {"run_id": "r1-shard-1-of-4", "started": 1.0, "finished": 2.0})


def test_an_empty_shard_of_a_matching_group_is_not_a_problem():
    empty_shard = _summary_of({"changed": False, "results": [], "shard": {"index": 1, "count": 4, "matched": 3}})
    assert empty_shard["status"] == "ok", empty_shard["message"]
    assert empty_shard["groups"][0]["note"] == "no pod in this shard (3 in all shards)"


def test_a_group_that_matches_nothing_in_any_shard_is_still_a_problem():
    nothing = _summary_of({"changed": False, "results": [], "shard": {"index": 1, "count": 4, "matched": 0}})
    assert nothing["status"] != "ok" and nothing["groups"][0]["no_pods"] is True
    unsharded = _summary_of({"changed": False, "results": []})
    assert unsharded["status"] != "ok" and unsharded["groups"][0]["no_pods"] is True
