# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The roles' one way into their Python helpers: ``value | kubedebug.ephemeral.roles_internal('<operation>', ...)``.

Not a public API (roles_internal.yml says so): the operations are the roles' own steps, shaped by the data their
tasks happen to hold, and they change with the roles. Keeping them behind one documented-as-internal filter keeps
them out of the collection's public filter names, which carry a semantic-versioning promise.
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics import (
    budget, html_report, outcomes, plan, report, retention, run_id, sink, trigger,
)
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import (
    access, canary, ha, kubeadm, kubelet, layout, manifest, mirror_pod, node_files, proof, records, version,
)
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils import _role_variables
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import as_filter

# Operation -> helper; the piped value is the helper's first argument, the filter's further arguments follow it.
OPERATIONS: dict[str, t.Callable[..., t.Any]] = {
    "diagnostics.budget": budget.budget,
    "diagnostics.index": report.index,
    "diagnostics.index_html": html_report.index_html,
    "diagnostics.index_md": report.index_markdown,
    "diagnostics.outcomes": outcomes.outcomes,
    "diagnostics.plan": plan.plan,
    "diagnostics.report_html": html_report.report_html,
    "diagnostics.report_md": report.report_markdown,
    "diagnostics.retention": retention.runs_to_remove,
    "diagnostics.run_id": run_id.default_run_id,
    "diagnostics.sink": sink.resolve,
    "diagnostics.sink_stats": sink.report_stats,
    "diagnostics.summary": report.summary,
    "diagnostics.trigger_gate": trigger.gate,
    "feature_gates.access_needs": access.needs,
    "feature_gates.configmap_value": records.configmap_value,
    "feature_gates.canary_compare": canary.compare,
    "feature_gates.canary_restarts": canary.restarts,
    "feature_gates.decisions": version.decisions,
    "feature_gates.failure": records.failure,
    "feature_gates.journal": records.journal,
    "feature_gates.kubelet_gates": proof.kubelet_gates,
    "feature_gates.kubeadm_config": kubeadm.cluster_configuration_gates,
    "feature_gates.kubeadm_manifest_gates": kubeadm.manifest_gates,
    "feature_gates.kubelet_configmap": kubeadm.kubelet_configmap,
    "feature_gates.kubelet_config": kubelet.config_edit,
    "feature_gates.kubelet_plan": kubelet.plan,
    "feature_gates.layout": layout.detect,
    "feature_gates.lb_report": ha.report,
    "feature_gates.manifest_edit": manifest.edit,
    "feature_gates.manifest_info": manifest.inspect,
    "feature_gates.mirror_pod": mirror_pod.identity,
    "feature_gates.node_files": node_files.wanted,
    "feature_gates.node_files_out_of_reach": node_files.out_of_reach,
    "feature_gates.retries": records.retries,
    "feature_gates.serves_ephemeral_containers": proof.serves_ephemeral_containers,
    "feature_gates.version": version.version_or_empty,
    "roles.unknown_variables": _role_variables.unknown_variables,
    "roles.warn": _role_variables.warn,
}


def roles_internal(value: t.Any, operation: str, *args: t.Any, **kwargs: t.Any) -> t.Any:
    helper = OPERATIONS.get(operation)
    if helper is None:
        raise AnsibleFilterError("roles_internal has no operation %r (it is internal to the collection's roles)" % (operation,))
    return as_filter(helper)(value, *args, **kwargs)


class FilterModule:
    """Internal helpers of the kubedebug.ephemeral roles; see roles_internal.yml."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"roles_internal": roles_internal}
