# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The diagnostics role's diagnostics_connection takes exactly the modules' connection options (an
open dict would silently drop client certificates, passwords, proxies and impersonation)."""

from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.connection import CONNECTION_ARG_SPEC

ROLE = Path(__file__).resolve().parents[4] / "roles" / "diagnostics"


def _shape(spec: dict) -> dict:
    """What matters for passing options through: type, elements, aliases, secrecy, suboptions."""
    sub = spec.get("options")
    return {
        "type": spec.get("type", "str"),
        "elements": spec.get("elements"),
        "aliases": sorted(spec.get("aliases") or []),
        "no_log": bool(spec.get("no_log")),
        "options": {k: _shape(v) for k, v in sub.items()} if sub else None,
    }


def test_diagnostics_connection_suboptions_are_the_modules_connection_options() -> None:
    specs = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())
    role = specs["argument_specs"]["main"]["options"]["diagnostics_connection"]["options"]
    module = dict(CONNECTION_ARG_SPEC)
    # The role may hide more than the module (client_key's path, proxy credentials), never less. Role argument specs
    # take no aliases (ansible-lint's schema), so the role names each option its one canonical way.
    assert sorted(role) == sorted(module)
    for name, spec in module.items():
        theirs, ours = _shape(spec), _shape(role[name])
        assert ours["no_log"] or not theirs["no_log"], name
        ours["no_log"] = theirs["no_log"] = False
        theirs["aliases"] = []
        if ours["options"] and theirs["options"]:
            for sub in ours["options"]:
                ours["options"][sub]["no_log"] = theirs["options"][sub]["no_log"] = False
        assert ours == theirs, name
