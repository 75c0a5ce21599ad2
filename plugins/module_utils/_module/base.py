# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The AnsibleModule every module wraps: connection options injected into the argument spec, the library
checks, kubeconfig secrets hidden, one way to fail (message + API status + library versions), and
the first steps of every run (client, server discovery, pod selection)."""

from __future__ import annotations

import typing as t
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule, _load_params, missing_required_lib
from ansible.module_utils.compat.version import LooseVersion

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import discovery as _discovery
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import connection as _connection
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.option import empty_choices_let_through
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError


class KubedebugModule:
    """A thin wrapper around AnsibleModule; ``self.module`` is the real one."""

    def __init__(self, argument_spec: t.Dict[str, t.Any], **kwargs: t.Any) -> None:
        spec = dict(_connection.CONNECTION_ARG_SPEC)
        spec.update(_pods.POD_SELECTION_ARG_SPEC)
        spec.update(argument_spec)
        # The task's arguments as given (Ansible's own reader, which AnsibleModule then reads again): an empty string
        # for an option with choices is left to the options table's check, which names the option and its default.
        # (None while ansible-test reads the argument spec without running the module.)
        spec = empty_choices_let_through(spec, _load_params() or {})
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params: t.Dict[str, t.Any] = self.module.params
        self._check_library()
        # kubeconfig is type raw, so no_log cannot cover a dict's tokens and keys.
        self.module.no_log_values.update(_connection.kubeconfig_secrets(self.params.get("kubeconfig")))

    def _check_library(self) -> None:
        if not _connection.HAS_K8S:
            self.module.fail_json(
                msg=missing_required_lib("kubernetes>={0}".format(_connection.MIN_K8S_VERSION)), exception=_connection.K8S_IMPORT_ERROR
            )
        version = _connection.library_version() or "0"
        if LooseVersion(version) < LooseVersion(_connection.MIN_K8S_VERSION):
            self.module.fail_json(
                msg="kubernetes>={0} is required, found {1}. Upgrade it on the host that runs the module: "
                "pip install 'kubernetes>={0}'".format(_connection.MIN_K8S_VERSION, version)
            )

    @property
    def check_mode(self) -> bool:
        return self.module.check_mode

    @property
    def diff_mode(self) -> bool:
        return bool(self.module._diff)  # pylint: disable=protected-access

    def warn(self, message: str) -> None:
        self.module.warn(message)

    def fail(self, error: KubedebugError, **result: t.Any) -> t.NoReturn:
        """Fail with the error's message, its API status/reason/details, and the library version."""
        extra = dict(error.result)
        extra.update(result)
        extra.setdefault("kubernetes_version", _connection.library_version())
        # No traceback: the message already says what failed and what to do. Bugs (any other
        # exception) are not caught anywhere, so Ansible shows them with their traceback.
        self.module.fail_json(msg=error.msg, **extra)

    def fail_problems(self, problems: t.Sequence[str], what: str) -> t.NoReturn:
        self.module.fail_json(msg="{0} ({1} problem(s)): {2}".format(what, len(problems), " | ".join(problems)), problems=list(problems))

    def exit(self, **result: t.Any) -> t.NoReturn:
        self.module.exit_json(**result)

    def selection(self, require_selector: bool) -> _pods.Selection:
        selection = _pods.Selection.from_params(self.params)
        problems = _pods.selection_problems(selection, require_selector)
        if problems:
            self.fail_problems(problems, "Invalid pod selection")
        return selection

    def connect(self) -> t.Tuple[t.Any, _discovery.ServerInfo]:
        """API client and what the server supports (version, era)."""
        api_client = _connection.create_api_client(self.params)
        return api_client, _discovery.discover(api_client)

    def connect_and_select(self, selection: _pods.Selection, pool_size: int = 0) -> t.Tuple[t.Any, _discovery.ServerInfo, _pods.Selected]:
        """connect(), with the pods read at the same time as discovery: three requests in one round trip.
        A failed discovery is reported before a failed selection, as if they had run in turn."""
        api_client = _connection.create_api_client(self.params, pool_size)
        with ThreadPoolExecutor(max_workers=1) as pool:
            selected = pool.submit(_pods.select_pods_versioned, api_client, selection)
            try:
                server = _discovery.discover(api_client)
            finally:
                selected.exception()  # never leave the read running behind a failure
        return api_client, server, selected.result()
