# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where the roles' Python helpers meet Jinja: the base class of the problems a user can fix, and the one wrapper
that turns them into filter errors.

Ansible prints an AnsibleFilterError's message as the task's ``msg``, without a traceback, so the helpers raise
UserError subclasses whose message says what to do; anything else is a bug in our code and keeps its traceback.
"""

from __future__ import annotations

import functools
import typing as t

from ansible.errors import AnsibleFilterError


class UserError(Exception):
    """A problem with the input that the user can fix; the message says how and is shown as it is."""


def as_filter(func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """``func`` as a filter: a UserError becomes an AnsibleFilterError with the same message."""
    @functools.wraps(func)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            raise AnsibleFilterError(str(exc)) from exc
    return wrapper
