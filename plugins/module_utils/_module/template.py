# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one flow every module runs: problems in the options → pod selection → connect → the module's own work →
one error boundary. A module's ``main()`` fills in a :class:`ModuleSpec` with what is its own and calls
:func:`run_module`; nothing else is repeated per module."""

from __future__ import annotations

import time
import typing as t
from dataclasses import dataclass, field

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import discovery as _discovery
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.option import Option
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._module.base import KubedebugModule
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.checks import option_problems
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import argument_spec

Params = t.Mapping[str, t.Any]
Outcome = t.Tuple[t.Dict[str, t.Any], t.Optional[KubedebugError]]  # (result, failure after a complete run)


@dataclass(frozen=True)
class Task:
    """What the module's own work gets: the connection, the server, the selection and the task's options."""

    api_client: t.Any
    server: _discovery.ServerInfo
    selection: _pods.Selection
    selected: t.Optional[_pods.Selected]  # read while connecting, when the spec asks for it
    params: Params
    check_mode: bool
    diff_mode: bool
    warn: t.Callable[[str], None]
    # Seconds that discovery and the selection's read took (with select_while_connecting).
    list_seconds: float = 0.0


@dataclass(frozen=True)
class ModuleSpec:
    """What one module states about itself."""

    options: t.Sequence[Option]
    run: t.Callable[[Task], Outcome]
    # The headline of the failure when the options have problems; it says what was (not) done.
    invalid: str = "Invalid options; nothing was read"
    # Problems found without any API call; by default the options table's ranges and empty values.
    problems: t.Optional[t.Callable[[Params], t.List[str]]] = None
    require_selector: bool = False
    # Takes the shard option (the shard doc fragment): the run works on its share of the selected pods only.
    sharded: bool = False
    # Read the selected pods at the same time as discovery, with this many connections (0: one at a time).
    select_while_connecting: bool = False
    pool_size: t.Callable[[Params], int] = field(default=lambda params: 0)


def run_module(spec: ModuleSpec) -> None:
    options = argument_spec(spec.options)
    if spec.sharded:
        options.update(_pods.SHARD_ARG_SPEC)
    module = KubedebugModule(options, supports_check_mode=True)
    params = module.params
    problems = spec.problems(params) if spec.problems else option_problems(params, spec.options)
    if problems:
        module.fail_problems(problems, spec.invalid)
    selection = module.selection(require_selector=spec.require_selector)
    result: t.Dict[str, t.Any] = {}
    try:
        started = time.monotonic()
        if spec.select_while_connecting:
            api_client, server, selected = module.connect_and_select(selection, pool_size=spec.pool_size(params))
        else:
            (api_client, server), selected = module.connect(), None
        task = Task(api_client, server, selection, selected, params, module.check_mode, module.diff_mode, module.warn,
                    time.monotonic() - started)
        result, failure = spec.run(task)
    except KubedebugError as exc:
        # The one error boundary: failures we understand end here; anything else is a bug and keeps its traceback.
        module.fail(exc, **result)
    if failure:
        module.fail(failure, **result)
    module.exit(**result)
