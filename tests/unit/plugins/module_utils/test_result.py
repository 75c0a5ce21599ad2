# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject.result import attach_command


@pytest.mark.parametrize(
    "tty, stdin, expected",
    [
        (True, True, "kubectl attach -n shop web -c debugger-1 -it"),
        (False, True, "kubectl attach -n shop web -c debugger-1 -i"),
        (True, False, "kubectl attach -n shop web -c debugger-1 -t"),
        (False, False, "kubectl attach -n shop web -c debugger-1"),
    ],
)
def test_attach_command(tty, stdin, expected):
    assert attach_command("shop", "web", "debugger-1", tty=tty, stdin=stdin) == expected


def test_attach_command_quotes():
    assert attach_command("my ns", "web", "d", tty=False, stdin=False) == "kubectl attach -n 'my ns' web -c d"
