# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Variables with a role's prefix that the role does not know, and warnings shown to the person running the play.

Ansible validates the variables a role declares, not the ones it does not: ``diagnostics_image`` instead of
``diagnostics_jdk_image`` is silently ignored and the default image used. The roles list every variable with their
prefix (the ``varnames`` lookup), compare them with their ``meta/argument_specs.yml`` and warn about the rest,
naming the closest known variable.
"""

from __future__ import annotations

import difflib
import typing as t

import yaml

from ansible.utils.display import Display

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import UserError


def known_variables(argument_specs_text: str, entry_point: str = "main") -> list[str]:
    """The variables a role declares in its meta/argument_specs.yml (given as text)."""
    try:
        specs = yaml.safe_load(argument_specs_text) or {}
        return sorted(specs["argument_specs"][entry_point]["options"])
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise UserError("cannot read the role's argument specs ({0}): {1}".format(entry_point, exc)) from exc


def unknown_variables(names: t.Iterable[str], argument_specs_text: str, prefix: str, also_known: t.Sequence[str] = ()) -> list[str]:
    """One message per variable starting with ``prefix`` that the role does not declare (nor ``also_known``, such
    as a variable of the collection's playbook that calls the role), with the nearest known name when one is close."""
    known = known_variables(argument_specs_text) + list(also_known or [])
    messages = []
    for name in sorted(set(names)):
        if not name.startswith(prefix) or name in known:
            continue
        # Compared without the prefix, which every name shares.
        close = difflib.get_close_matches(name[len(prefix):], [k[len(prefix):] for k in known if k.startswith(prefix)], n=1, cutoff=0.6)
        hint = "did you mean {0}{1}?".format(prefix, close[0]) if close else "ansible-doc -t role lists the variables it takes"
        messages.append("{0} is not a variable of the role, so it has no effect ({1})".format(name, hint))
    return messages


def warn(messages: t.Any, prefix: str = "") -> t.Any:
    """Show each message as an Ansible warning (also in AWX's job output); returns them unchanged."""
    for message in messages or []:
        Display().warning(prefix + str(message))
    return messages
