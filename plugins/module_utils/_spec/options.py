# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one table of ephemeral_container's options: each option's argument spec and, for the ones that
describe the container, the API field it sets. The module's argument spec, building the container and
naming the option behind a field in messages are all derived from it, so they cannot disagree."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.fields import CONTAINER_FIELD, MOUNT_FIELD
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import option as _option
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.option import Option
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.detail import RESULTS_DETAIL_OPTION
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.profiles import PROFILES


def _str(**extra: t.Any) -> t.Dict[str, t.Any]:
    return dict(type="str", **extra)


def _list_of(elements: str) -> t.Dict[str, t.Any]:
    return dict(type="list", elements=elements)


MOUNT_OPTIONS: t.Tuple[Option, ...] = (
    Option("name", _str(required=True), MOUNT_FIELD["name"]),
    Option("mount_path", _str(required=True), MOUNT_FIELD["mountPath"]),
    Option("read_only", dict(type="bool", default=False), MOUNT_FIELD["readOnly"]),
    Option("mount_propagation", _str(), MOUNT_FIELD["mountPropagation"]),
    # Not allowed for ephemeral containers; accepted only so validation can refuse them by name.
    Option("sub_path", _str(), MOUNT_FIELD["subPath"]),
    Option("sub_path_expr", _str(), MOUNT_FIELD["subPathExpr"]),
)

# Copied into the container as they are (after their option's type checks), in this order.
CONTAINER_OPTIONS: t.Tuple[Option, ...] = (
    Option("name", _str(), CONTAINER_FIELD["name"], unset_means="a name is derived from the spec"),
    Option("image", _str(required=True), CONTAINER_FIELD["image"]),
    Option("command", _list_of("str"), CONTAINER_FIELD["command"], unset_means="the image's own entrypoint runs"),
    Option("args", _list_of("str"), CONTAINER_FIELD["args"], unset_means="the image's default arguments (CMD) are used"),
    Option("env", _list_of("dict"), CONTAINER_FIELD["env"], unset_means="no environment variables are added"),
    Option("env_from", _list_of("dict"), CONTAINER_FIELD["envFrom"], unset_means="no environment sources are added"),
    Option("working_dir", _str(), CONTAINER_FIELD["workingDir"], unset_means="the image's working directory is used"),
    Option("target", _str(), CONTAINER_FIELD["targetContainerName"], unset_means="the container joins no container's process namespace"),
    Option("volume_mounts", _list_of("dict"), CONTAINER_FIELD["volumeMounts"], suboptions=MOUNT_OPTIONS, unset_means="no volumes are mounted"),
    Option("image_pull_policy", _str(), CONTAINER_FIELD["imagePullPolicy"]),
    Option("stdin", dict(type="bool", default=False), CONTAINER_FIELD["stdin"]),
    Option("tty", dict(type="bool", default=False), CONTAINER_FIELD["tty"]),
    Option("security_context", dict(type="dict"), CONTAINER_FIELD["securityContext"], unset_means="only the profile sets a securityContext"),
)

# How much of each container's log a result holds by default (64 KiB: a thread dump of a few hundred threads).
LOGS_LIMIT_BYTES = 65536

LOG_OPTIONS: t.Tuple[Option, ...] = (
    Option("logs", dict(type="bool", default=False)),
    # tail_lines: kubernetes.core.k8s_log's name for the same thing, so its users' habit works here too.
    Option("logs_tail_lines", dict(type="int", aliases=["tail_lines"]), minimum=0, unset_means="the whole log is returned"),
    # Results stay small by default (AWX keeps every task result); 0 asks for the whole log.
    Option("logs_limit_bytes", dict(type="int", default=LOGS_LIMIT_BYTES), minimum=0),
)

# Who wrote: every write names its field manager; annotate adds a record to the pod (a second write).
AUDIT_OPTIONS: t.Tuple[Option, ...] = (
    Option("field_manager", _str(default="kubedebug.ephemeral"), unset_means="kubedebug.ephemeral names the writes"),
    Option("annotate", dict(type="bool", default=False)),
)

# Guards checked before a container is added (_api/guards.py); a pod that fails one is skipped with the reason.
GUARD_OPTIONS: t.Tuple[Option, ...] = (
    Option("guard_memory_mib", dict(type="int"), minimum=0, maximum=1048576, unset_means="memory headroom is not checked"),
    Option("guard_pause_seconds", dict(type="int"), minimum=0, maximum=86400, unset_means="the liveness budget is not checked"),
    Option("guard_probe_image", _str(), unset_means="the headroom comes from the metrics API only, and is unknown without it"),
    Option("guard_override", dict(type="list", elements="str", choices=["memory", "liveness"]),
           unset_means="every guard given applies"),
)

TASK_OPTIONS: t.Tuple[Option, ...] = (
    Option("name_prefix", _str(default="debugger"), unset_means="derived names start with debugger"),
    Option("run_id", _str(), unset_means="no run id goes into the derived name, so every run finds the same container"),
    Option("mount_target_volumes", dict(type="bool", default=False)),
    Option("mount_service_account_token", dict(type="bool", default=False)),
    Option("profile", _str(default="legacy", choices=list(PROFILES) + ["auto"])),
    Option("custom", dict(type="dict"), unset_means="nothing is merged over the container"),
    Option("wait", dict(type="bool", default=False)),
    Option("wait_for", _str(default="running", choices=["running", "terminated"])),
    # A day: longer is a mistake in units, not a wait an Ansible task should make.
    Option("wait_timeout", dict(type="int", default=120), minimum=0, maximum=86400),
    Option("fail_on_nonzero_exit", dict(type="bool", default=False)),
    Option("fail_on_image_pull_error", dict(type="bool", default=True)),
    *LOG_OPTIONS,
    RESULTS_DETAIL_OPTION,
    Option("max_concurrency", dict(type="int", default=5), minimum=1, maximum=256),
    # client-go's names (rest.Config QPS and Burst) for the same client-side limit.
    Option("qps", dict(type="float"), minimum=0.1, maximum=10000, unset_means="requests are not limited on the client "
           "(the apiserver's priority and fairness still applies, and its 429 answers are honoured)"),
    Option("qps_total", dict(type="float"), minimum=0.1, maximum=10000, unset_means="only qps limits the requests"),
    Option("burst", dict(type="int"), minimum=1, maximum=10000, unset_means="the burst is qps rounded up"),
    Option("max_pods", dict(type="int"), minimum=0, unset_means="any number of pods may match"),
    Option("max_ephemeral_containers", dict(type="int"), minimum=0, unset_means="pods are never skipped for holding too many"),
    *AUDIT_OPTIONS,
    *GUARD_OPTIONS,
)

OPTIONS: t.Tuple[Option, ...] = CONTAINER_OPTIONS + TASK_OPTIONS

# ephemeral_container_cleanup: exactly one of the first four chooses pods; the rest say how to recycle them.
CLEANUP_CRITERIA: t.Tuple[str, ...] = ("min_ephemeral_containers", "terminated_for", "run_id", "name_prefix")
CLEANUP_OPTIONS: t.Tuple[Option, ...] = (
    Option("min_ephemeral_containers", dict(type="int"), minimum=1, maximum=100000, unset_means="pods are not chosen by count"),
    Option("terminated_for", dict(type="int"), minimum=0, maximum=10 * 365 * 86400, unset_means="pods are not chosen by age"),
    Option("run_id", _str(), unset_means="pods are not chosen by run id"),
    Option("name_prefix", _str(), unset_means="pods are not chosen by name prefix"),
    Option("delete_bare_pods", dict(type="bool", default=False)),
    Option("max_unavailable", dict(type="int", default=1), minimum=1, maximum=100),
    Option("timeout", dict(type="int", default=300), minimum=1, maximum=86400),
    Option("max_pods", dict(type="int"), minimum=0, unset_means="any number of pods may be recycled"),
)

# pod_isolate: one pod, named by pod (its selection options come with every module).
ISOLATE_OPTIONS: t.Tuple[Option, ...] = (
    Option("field_manager", _str(default="kubedebug.ephemeral"), unset_means="kubedebug.ephemeral names the write"),
)


def argument_spec(options: t.Sequence[Option] = OPTIONS) -> t.Dict[str, t.Any]:
    return _option.argument_spec(options)


def default_of(name: str, options: t.Sequence[Option] = OPTIONS) -> t.Any:
    """The default the table gives an option (the diagnostics role takes its module defaults from here)."""
    return next(option.default for option in options if option.name == name)


# Container field -> the option a user sets it with; other fields can only come from custom.
_OPTION_OF_FIELD: t.Dict[str, str] = {option.api_field: option.name for option in CONTAINER_OPTIONS if option.api_field}


def option_for(api_field: str) -> str:
    """The option a container field is reported under in messages."""
    return _OPTION_OF_FIELD.get(api_field, "custom.%s" % api_field)
