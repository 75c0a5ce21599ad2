# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.common import DiagnosticsError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.gates import FeatureGateError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import UserError, as_filter


def _raises(exc: Exception):
    def func(value: object, *args: object, **kwargs: object) -> object:
        raise exc
    return func


@pytest.mark.parametrize("error", [UserError("fix it"), FeatureGateError("fix it"), DiagnosticsError("fix it")])
def test_user_errors_become_filter_errors_with_the_same_message(error: Exception) -> None:
    with pytest.raises(AnsibleFilterError, match="^fix it$") as info:
        as_filter(_raises(error))("x")
    assert info.value.__cause__ is error


def test_bugs_are_not_hidden() -> None:
    with pytest.raises(KeyError):
        as_filter(_raises(KeyError("bug")))("x")


def test_arguments_and_result_pass_through() -> None:
    def join(value: str, sep: str = "-", *, twice: bool = False) -> str:
        return sep.join([value, value] if twice else [value])

    wrapped = as_filter(join)
    assert wrapped("a", "+", twice=True) == "a+a"
    assert wrapped.__name__ == "join"
