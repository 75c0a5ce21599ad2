# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The diagnostics role's plan: run id checks, and each target group turned into the arguments of one
kubedebug.ephemeral.ephemeral_container call (its multi-pod mode).

Recipes are data (roles/diagnostics/vars/main.yml and diagnostics_recipes): an image, a command whose
elements may be whole-element placeholders such as ``{packets}`` filled from the recipe's options, and flags
(target needed, mount the target's volumes, run as the target's user). Placeholders are replaced only when they
are a whole element, and values are passed as separate argv entries, so nothing a user sets is ever parsed by a
shell.
"""

from __future__ import annotations

import re
import typing as t

# The modules' own profile list and container-name rule (a DNS-1123 label, ValidateDNS1123Label), so the plan
# refuses exactly what ephemeral_container would.
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import names as _names
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.shard import shard_problems
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import default_of
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.profiles import PROFILES
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.common import DiagnosticsError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.guards import (
    guard_problems,
    needs_of,
    override_of,
    settings_problems,
)

_PLACEHOLDER = re.compile(r"^\{([a-z_][a-z0-9_]*)\}$")
# A pod name is a DNS-1123 subdomain (dots allowed), at most 253 characters.
_POD_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")

# Keys a target group may set (documented in roles/diagnostics/meta/argument_specs.yml).
GROUP_KEYS = frozenset({
    "name", "namespace", "all_namespaces", "label_selector", "label_selectors", "field_selectors", "container",
    "recipe", "options", "image", "command", "args", "env", "profile", "security_context", "run_as_user",
    "run_as_group", "mount_target_volumes", "container_name_stem", "wait_timeout", "needs", "guard_override",
    "pod", "isolate", "recycle",
})
RECIPE_KEYS = frozenset({
    "stem", "description", "image", "command", "args", "env", "profile", "security_context", "options",
    "needs_target", "mount_target_volumes", "run_as_target_user", "needs",
})


def run_id_problems(run_id: t.Any) -> list[str]:
    """A run id becomes part of container names and a directory name: a lower-case DNS label."""
    if not isinstance(run_id, str) or not run_id:
        return ["diagnostics_run_id must be a non-empty string"]
    if not _names.DNS1123_LABEL_RE.match(run_id):
        return [
            "diagnostics_run_id {0!r} must be lower-case letters, digits and '-', starting and ending with a letter or "
            "digit (it becomes part of container names, which are DNS labels), e.g. 20261123t140501z".format(run_id)
        ]
    return []


def budget_problems(settings: t.Mapping[str, t.Any]) -> list[str]:
    """diagnostics_shard and diagnostics_qps_total, checked as the module would check shard and qps_total."""
    problems = shard_problems(settings.get("shard"), "diagnostics_shard")
    qps_total = settings.get("qps_total")
    if qps_total is not None and (isinstance(qps_total, bool) or not isinstance(qps_total, (int, float))
                                  or not 0.1 <= qps_total <= 10000):
        problems.append("diagnostics_qps_total: {0!r} is out of range; use 0.1 to 10000 requests a second for all shards "
                        "together, or null for no client-side limit".format(qps_total))
    return problems


def _selectors(group: t.Mapping[str, t.Any]) -> list[str]:
    labels = list(group.get("label_selectors") or [])
    if group.get("label_selector"):
        labels.insert(0, group["label_selector"])
    return labels


def group_label(group: t.Mapping[str, t.Any], index: int) -> str:
    """How the report names a group: its ``name``, or recipe, scope and selectors."""
    if group.get("name"):
        return str(group["name"])
    scope = "all namespaces" if group.get("all_namespaces") else "namespace {0}".format(group.get("namespace") or "default")
    selectors = _selectors(group) + list(group.get("field_selectors") or []) + (
        ["pod {0}".format(group["pod"])] if group.get("pod") is not None else [])
    return "#{0} {1} in {2} ({3})".format(index + 1, group.get("recipe"), scope, ", ".join(selectors) or "no selector")


def _fill(values: t.Sequence[t.Any], options: t.Mapping[str, t.Any], where: str) -> list[str]:
    out = []
    for value in values:
        match = _PLACEHOLDER.match(str(value))
        if match:
            key = match.group(1)
            if key not in options:
                raise DiagnosticsError(
                    "{0}: placeholder {{{1}}} has no option of that name (options: {2})".format(where, key, ", ".join(sorted(options)) or "none")
                )
            filled = options[key]
            out.append("" if filled is None else str(filled))
        else:
            out.append(str(value))
    return out


def _flag(value: t.Any, default: bool) -> bool:
    """A boolean that may arrive as text from a template; None or "" is the default."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "on")
    return bool(value)


def _int_or_none(value: t.Any) -> t.Optional[int]:
    if value is None or value == "":
        return None
    return int(value)


def _group_problems(group: t.Any, index: int, recipes: t.Mapping[str, t.Any], run_id: str) -> list[str]:
    where = "diagnostics_targets[{0}]".format(index)
    if not isinstance(group, t.Mapping):
        return ["{0} must be a dict, not {1}".format(where, type(group).__name__)]
    problems = []
    unknown = sorted(set(group) - GROUP_KEYS)
    if unknown:
        problems.append("{0}: unknown keys {1} (allowed: {2})".format(where, ", ".join(unknown), ", ".join(sorted(GROUP_KEYS))))
    recipe_name = group.get("recipe")
    recipe = recipes.get(recipe_name) if isinstance(recipe_name, str) else None
    if recipe is None:
        problems.append("{0}: recipe {1!r} is not one of {2}".format(where, recipe_name, ", ".join(sorted(recipes))))
        return problems
    problems.extend(guard_problems(group, recipe, where))
    if group.get("pod") is not None and (not isinstance(group["pod"], str) or not _POD_NAME.match(group["pod"]) or len(group["pod"]) > 253):
        problems.append("{0}: pod {1!r} must be a pod name".format(where, group["pod"]))
    if group.get("isolate") and group.get("pod") is None:
        problems.append("{0}: isolate needs pod (isolation is for the one pod that is stuck)".format(where))
    if group.get("isolate") and (_selectors(group) or group.get("field_selectors") or group.get("all_namespaces")):
        problems.append("{0}: isolate takes the pod alone; isolation removes the labels that label selectors would "
                        "use, so remove label_selector(s), field_selectors and all_namespaces".format(where))
    if group.get("recycle") and not group.get("isolate"):
        problems.append("{0}: recycle is for an isolated pod; set isolate: true too".format(where))
    if not _selectors(group) and not group.get("field_selectors") and group.get("pod") is None:
        problems.append(
            "{0}: give label_selector(s) or field_selectors; to take every pod of the namespace use "
            "field_selectors: ['metadata.namespace={1}']".format(where, group.get("namespace") or "default")
        )
    if group.get("all_namespaces") and group.get("namespace"):
        problems.append("{0}: give namespace or all_namespaces, not both".format(where))
    if recipe.get("needs_target") and not group.get("container"):
        problems.append("{0}: recipe {1} needs container (the target container whose processes and volumes it uses)".format(where, recipe_name))
    if group.get("mount_target_volumes") and not group.get("container"):
        problems.append("{0}: mount_target_volumes needs container".format(where))
    if not (group.get("image") or recipe.get("image")):
        problems.append("{0}: recipe {1} needs an image (set image on the group)".format(where, recipe_name))
    if not (group.get("command") or recipe.get("command")):
        problems.append("{0}: recipe {1} needs a command (set command on the group)".format(where, recipe_name))
    profile = group.get("profile") or recipe.get("profile")
    if profile and profile not in PROFILES:
        problems.append("{0}: profile {1!r} is not one of {2}".format(where, profile, ", ".join(PROFILES)))
    stem = group.get("container_name_stem") or recipe.get("stem") or recipe_name.replace("_", "-")
    name = "{0}-{1}".format(stem, run_id)
    if not _names.DNS1123_LABEL_RE.match(stem):
        problems.append("{0}: container name stem {1!r} must be a lower-case DNS label".format(where, stem))
    elif len(name) > _names.DNS1123_LABEL_MAX:
        problems.append("{0}: container name {1!r} is longer than {2} characters; shorten the run id or the stem".format(
            where, name, _names.DNS1123_LABEL_MAX))
    return problems


def container_name(group: t.Mapping[str, t.Any], recipe: t.Mapping[str, t.Any], run_id: str) -> str:
    stem = group.get("container_name_stem") or recipe.get("stem") or str(group["recipe"]).replace("_", "-")
    return "{0}-{1}".format(stem, run_id)


def module_args(group: t.Mapping[str, t.Any], recipe: t.Mapping[str, t.Any], settings: t.Mapping[str, t.Any], where: str) -> dict[str, t.Any]:
    """The ephemeral_container options for one group (without wait_timeout/max_pods, set per run step)."""
    options = dict(recipe.get("options") or {})
    options.update(group.get("options") or {})
    command = _fill(group.get("command") or recipe.get("command") or [], options, where)
    args = _fill(group.get("args") or recipe.get("args") or [], options, where)
    security_context = dict(recipe.get("security_context") or {})
    security_context.update(group.get("security_context") or {})
    run_as_user = _int_or_none(group.get("run_as_user"))
    run_as_group = _int_or_none(group.get("run_as_group"))
    if recipe.get("run_as_target_user"):
        # Explicit user wins; without one the recipe's script reads the target process's uid at run time.
        if run_as_user is None:
            run_as_user = _int_or_none(settings.get("run_as_user"))
        if run_as_group is None:
            run_as_group = _int_or_none(settings.get("run_as_group"))
    if run_as_user is not None:
        security_context["runAsUser"] = run_as_user
    if run_as_group is not None:
        security_context["runAsGroup"] = run_as_group
    result: dict[str, t.Any] = {
        "name": container_name(group, recipe, str(settings["run_id"])),
        "image": group.get("image") or recipe.get("image"),
        "command": command,
        "args": args or None,
        "env": group.get("env") or recipe.get("env") or None,
        "target": group.get("container") or None,
        "mount_target_volumes": bool(group.get("mount_target_volumes", recipe.get("mount_target_volumes", False))) and bool(group.get("container")),
        "profile": group.get("profile") or recipe.get("profile") or default_of("profile"),
        "security_context": security_context or None,
        "namespace": None if group.get("all_namespaces") else (group.get("namespace") or "default"),
        "all_namespaces": bool(group.get("all_namespaces")),
        "label_selectors": _selectors(group),
        # metadata.name= keeps the module in its many-pod mode (skip reasons, guards) for one named pod.
        "field_selectors": list(group.get("field_selectors") or []) + (
            ["metadata.name={0}".format(group["pod"])] if group.get("pod") is not None else []),
        "image_pull_policy": settings.get("image_pull_policy") or None,
        "max_concurrency": int(settings.get("max_concurrency") or default_of("max_concurrency")),
        "max_ephemeral_containers": _int_or_none(settings.get("max_ephemeral_containers")),
        "logs_tail_lines": _int_or_none(settings.get("logs_tail_lines")),
        "fail_on_image_pull_error": _flag(settings.get("fail_on_image_pull_error"), default=default_of("fail_on_image_pull_error")),
    }
    needs = needs_of(group, recipe)
    result["guard_memory_mib"] = needs.get("memory_mib")
    result["guard_pause_seconds"] = needs.get("pause_seconds")
    guarded = result["guard_memory_mib"] is not None or result["guard_pause_seconds"] is not None
    result["guard_probe_image"] = (settings.get("guard_probe_image") or None) if result["guard_memory_mib"] is not None else None
    result["guard_override"] = override_of(group, settings) if guarded else None
    return result


def plan(targets: t.Any, recipes: t.Mapping[str, t.Any], settings: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Check every group and build its module arguments.

    Returns ``{"problems": [...], "groups": [{"index", "label", "recipe", "wait_timeout", "args"}]}``; the role
    stops before any API call when there are problems."""
    problems = run_id_problems(settings.get("run_id")) + settings_problems(settings) + budget_problems(settings)
    if not isinstance(targets, list) or not targets:
        problems.append("diagnostics_targets must be a non-empty list of target groups")
        return {"problems": problems, "groups": []}
    for name, recipe in recipes.items():
        unknown = sorted(set(recipe or {}) - RECIPE_KEYS)
        if unknown:
            problems.append("recipe {0}: unknown keys {1} (allowed: {2})".format(name, ", ".join(unknown), ", ".join(sorted(RECIPE_KEYS))))
    run_id = str(settings.get("run_id") or "")
    for index, group in enumerate(targets):
        problems.extend(_group_problems(group, index, recipes, run_id))
    if problems:
        return {"problems": problems, "groups": []}
    groups = []
    seen: dict[tuple[t.Any, ...], int] = {}
    for index, group in enumerate(targets):
        recipe = recipes[group["recipe"]]
        where = "diagnostics_targets[{0}]".format(index)
        args = module_args(group, recipe, settings, where)
        scope = ("*" if args["all_namespaces"] else args["namespace"], args["name"])
        if scope in seen:
            problems.append(
                "{0}: container name {1!r} is also used by diagnostics_targets[{2}] in the same namespace scope; set "
                "container_name_stem on one of them (a pod in both groups would get one container, not two)".format(where, args["name"], seen[scope])
            )
        seen[scope] = index
        wait_timeout = group.get("wait_timeout")
        groups.append({
            "index": index,
            "label": group_label(group, index),
            "recipe": group["recipe"],
            "wait_timeout": int(wait_timeout if wait_timeout is not None else settings.get("wait_timeout") or default_of("wait_timeout")),
            "args": args,
            "isolate": {"namespace": args["namespace"], "pod": group["pod"]} if group.get("isolate") else None,
            "recycle": bool(group.get("recycle")),
        })
    return {"problems": problems, "groups": groups if not problems else []}
