# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: shards
short_description: One local host per shard, so that forks and AWX job slicing divide a fleet
version_added: 0.1.0
author:
  - kubedebug.ephemeral maintainers (@kubedebug)
description:
  - Yields O(count) hosts in the group O(group), each running its tasks on the controller (C(ansible_connection=local))
    with the variable C(kubedebug_shard) set to C({index, count}), its share of the pods.
  - The collection's playbooks (C(diagnose.yml), C(debug_pod.yml), C(cleanup.yml)) run on these hosts when the
    inventory has them, and pass C(kubedebug_shard) on as the modules' O(kubedebug.ephemeral.ephemeral_container#module:shard)
    (the diagnostics role as C(diagnostics_shard)). Ansible's C(forks) then runs the shards at the same time, and AWX
    job slicing gives each slice some of them, so every pod is handled exactly once by one of them.
  - The file must be named C(*.shards.yml) or C(*.shards.yaml).
options:
  plugin:
    description: The name of this plugin; it makes the file an inventory source of this plugin.
    required: true
    type: str
    choices: [kubedebug.ephemeral.shards]
  count:
    description:
      - How many shards (and hosts), from 1 to 10000. Use at least as many as the slices or forks that should run at
        the same time.
    required: true
    type: int
  group:
    description: The group the hosts are in; the collection's playbooks look for C(kubedebug_shards).
    type: str
    default: kubedebug_shards
  name_prefix:
    description: The hosts are named O(name_prefix) followed by their index (C(kubedebug-shard-0), ...).
    type: str
    default: kubedebug-shard-
  python_interpreter:
    description:
      - Each host's C(ansible_python_interpreter), the Python that runs the modules (it needs the C(kubernetes)
        library).
      - Not set, the Python that reads this inventory (the one running ansible-playbook, or, on AWX, the inventory
        update's execution environment, which is usually the job's as well).
    type: str
  qps_total:
    description:
      - The API request rate (requests a second, 0.1 to 10000) for all shards together, set on every host as
        C(kubedebug_qps_total). The playbooks pass it as the modules'
        O(kubedebug.ephemeral.ephemeral_container#module:qps_total), which gives each shard O(qps_total) / O(count).
      - Not set, no client-side limit (the apiserver's priority and fairness still applies).
    type: float
seealso:
  - module: kubedebug.ephemeral.ephemeral_container
"""

EXAMPLES = r"""
# fleet.shards.yml: four shards; `ansible-playbook -i fleet.shards.yml --forks 4 kubedebug.ephemeral.diagnose -e @vars.yml`
# runs them at the same time, and an AWX job template with this inventory and 4 slices runs one per slice.
plugin: kubedebug.ephemeral.shards
count: 4
qps_total: 40
"""

import sys

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.shard import MAX_COUNT

SUFFIXES = (".shards.yml", ".shards.yaml")


class InventoryModule(BaseInventoryPlugin):
    NAME = "kubedebug.ephemeral.shards"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(SUFFIXES)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        count = self.get_option("count")
        group = self.get_option("group")
        prefix = self.get_option("name_prefix")
        qps_total = self.get_option("qps_total")
        problems = config_problems(count, group, prefix, qps_total)
        if problems:
            raise AnsibleParserError("{0}: {1}; nothing was added to the inventory".format(path, " | ".join(problems)))
        self.inventory.add_group(group)
        for index in range(count):
            host = self.inventory.add_host("{0}{1}".format(prefix, index), group=group)
            self.inventory.set_variable(host, "ansible_connection", "local")
            # As for the implicit localhost: the modules find the kubernetes library installed next to Ansible.
            self.inventory.set_variable(host, "ansible_python_interpreter", self.get_option("python_interpreter") or sys.executable)
            self.inventory.set_variable(host, "kubedebug_shard", {"index": index, "count": count})
            if qps_total is not None:
                self.inventory.set_variable(host, "kubedebug_qps_total", qps_total)


def config_problems(count, group, prefix, qps_total):
    """What is wrong with the file's settings, each with its fix."""
    problems = []
    if count is None or isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
        problems.append("count: {0!r} is out of range; give the number of shards, 1 to {1}".format(count, MAX_COUNT))
    if not group:
        problems.append("group: an empty name is not a group; remove group for kubedebug_shards, or name one")
    if not prefix:
        problems.append("name_prefix: an empty prefix would name the hosts 0, 1, ...; remove name_prefix for "
                        "kubedebug-shard-, or give one")
    if qps_total is not None and not 0.1 <= qps_total <= 10000:
        problems.append("qps_total: {0!r} is out of range; use 0.1 to 10000 requests a second, or remove it for no "
                        "client-side limit".format(qps_total))
    return problems
