# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The options table is the one mapping between ephemeral_container's options and the API fields:
the argument spec, the built container and the messages must all follow it."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.fields import ALLOWED_FIELDS
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import connection as _connection
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.option import empty_choices_let_through
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.build import build_container
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import (
    CONTAINER_OPTIONS,
    MOUNT_OPTIONS,
    OPTIONS,
    TASK_OPTIONS,
    argument_spec,
    option_for,
)
from ansible_collections.kubedebug.ephemeral.plugins.modules import ephemeral_container

# A value per option type that build_container keeps (true, non-empty).
SAMPLES = {"str": "x", "list": ["x"], "dict": {"runAsUser": 1}, "bool": True}
SAMPLE_BY_OPTION = {"env": [{"name": "A", "value": "1"}], "env_from": [{"configMapRef": {"name": "c"}}],
                    "volume_mounts": [{"name": "v", "mount_path": "/v"}], "image_pull_policy": "Never"}


def test_every_option_in_the_table_is_a_container_field_or_steers_the_task():
    names = [option.name for option in OPTIONS]
    assert len(names) == len(set(names))
    assert all(option.api_field for option in CONTAINER_OPTIONS)
    assert not any(option.api_field for option in TASK_OPTIONS)


@pytest.mark.parametrize("option", CONTAINER_OPTIONS, ids=lambda option: option.name)
def test_each_container_option_sets_its_field(option):
    value = SAMPLE_BY_OPTION.get(option.name, SAMPLES[option.spec["type"]])
    built = build_container({"image": "busybox:1.36", "profile": "legacy", option.name: value})
    assert option.api_field in built and option.api_field in ALLOWED_FIELDS
    assert option_for(option.api_field) == option.name


def test_mount_suboptions_map_to_volume_mount_fields():
    mount = {sub.name: SAMPLES[sub.spec["type"]] for sub in MOUNT_OPTIONS}
    mount["mount_propagation"] = "HostToContainer"
    built = build_container({"image": "busybox:1.36", "volume_mounts": [mount]})
    assert set(built["volumeMounts"][0]) == {sub.api_field for sub in MOUNT_OPTIONS}


def test_the_module_takes_exactly_the_table_plus_the_shared_options():
    documented = yaml.safe_load(ephemeral_container.DOCUMENTATION)["options"]
    shared = set(_connection.CONNECTION_ARG_SPEC) | set(_pods.POD_SELECTION_ARG_SPEC)
    assert set(documented) == set(argument_spec())
    assert not shared & set(argument_spec())


def test_fields_without_an_option_are_reported_under_custom():
    assert option_for("stdinOnce") == "custom.stdinOnce"
    assert option_for("targetContainerName") == "target"


@pytest.mark.parametrize("params,message", [
    ({"wait_timeout": -5}, "wait_timeout: -5 is out of range; use 0 to 86400"),
    ({"wait_timeout": 86401}, "wait_timeout: 86401 is out of range; use 0 to 86400"),
    ({"max_concurrency": 0}, "max_concurrency: 0 is out of range; use 1 to 256"),
    ({"max_ephemeral_containers": -1}, "max_ephemeral_containers: -1 is out of range; use 0 or more"),
    ({"logs_tail_lines": -10}, "logs_tail_lines: -10 is out of range; use 0 or more"),
    ({"image": ""}, "image: must not be empty"),
    ({"command": []}, "command: an empty list cannot be told apart from leaving command out, when the image's own "
                      "entrypoint runs; remove command if that is what you want, or give it a value"),
    ({"run_id": ""}, "run_id: an empty string cannot be told apart from leaving run_id out, when no run id goes into "
                     "the derived name, so every run finds the same container; remove run_id if that is what you "
                     "want, or give it a value"),
    ({"volume_mounts": [{"name": "v", "mount_path": "/v", "sub_path": ""}]}, "volume_mounts[0].sub_path: an empty string"),
])
def test_ranges_and_explicit_empty_values_are_refused(params, message):
    from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.checks import option_problems

    problems = option_problems(params, OPTIONS)
    assert len(problems) == 1 and problems[0].startswith(message), problems


def test_unset_and_in_range_values_pass():
    from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.checks import option_problems

    assert option_problems({"wait_timeout": 0, "max_concurrency": 256, "command": None, "stdin": False}, OPTIONS) == []


def test_tail_lines_is_kubernetes_core_k8s_logs_name_for_logs_tail_lines():
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import LOG_OPTIONS

    result = ArgumentSpecValidator(argument_spec(LOG_OPTIONS)).validate({"logs": True, "tail_lines": 7})
    assert not result.error_messages, result.error_messages
    assert result.validated_parameters["logs_tail_lines"] == 7


def test_no_alias_shadows_an_option_of_either_module():
    """An alias must never be another option's name (in this module or the connection and pod options it adds)."""
    spec = {**argument_spec(OPTIONS), **_connection.CONNECTION_ARG_SPEC, **_pods.POD_SELECTION_ARG_SPEC}
    names = set(spec)
    aliases = [alias for option in spec.values() for alias in option.get("aliases", [])]
    assert not names & set(aliases), names & set(aliases)
    assert len(aliases) == len(set(aliases))


def test_only_an_explicit_empty_string_takes_the_choices_off_for_the_tables_own_message():
    spec = {"results_detail": {"type": "str", "choices": ["auto", "full"]},
            "wait_for": {"type": "str", "choices": ["running"], "aliases": ["until"]},
            "name": {"type": "str"}}
    assert empty_choices_let_through(spec, {"results_detail": "wide", "wait_for": None, "name": ""}) == spec
    loosened = empty_choices_let_through(spec, {"results_detail": "", "until": ""})
    assert loosened["results_detail"] == {"type": "str"} and "choices" not in loosened["wait_for"]
    assert loosened["wait_for"]["aliases"] == ["until"] and spec["results_detail"]["choices"] == ["auto", "full"]
