# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Decide whether a node is a plain kubeadm layout the role may edit, from facts the role gathered.

The kubelet runs **every non-dot file** in its static pod directory (``pkg/kubelet/config/file.go``, no extension
filter), so a ``kube-apiserver.yaml.bak`` is a second apiserver with the same name (k/k#55596, kubeadm#2823): we
refuse to start when such files exist rather than guess which one is live. kubespray, k3s and RKE2 rewrite their
own files on their next run, and managed control planes have no manifests at all, so each gets its own message.
"""

from __future__ import annotations

import os
import re
import typing as t

import yaml

# Names kubeadm writes are ``<component>.yaml``; anything else non-dot is a pod the kubelet would also run.
_MANIFEST = re.compile(r"^[^.~][^~]*\.(yaml|yml|json)$")
_BACKUP = re.compile(r"(~|\.(bak|orig|backup|old|save|swp|tmp|dpkg-[a-z]+|rpm[a-z]+))$|\.(yaml|yml|json)\.", re.I)

ADVICE = {
    "k3s": "k3s runs the control plane inside its own binary and rewrites its settings; set "
           "'kube-apiserver-arg: [feature-gates=EphemeralContainers=true]' and 'kubelet-arg: [...]' in "
           "/etc/rancher/k3s/config.yaml and restart k3s instead.",
    "rke2": "RKE2 regenerates its static pods from /etc/rancher/rke2/config.yaml; set 'kube-apiserver-arg' and "
            "'kubelet-arg' with feature-gates=EphemeralContainers=true there and restart rke2-server/rke2-agent instead.",
    "kubespray": "kubespray rewrites these files on every run; add 'EphemeralContainers=true' to kube_feature_gates in "
                 "the kubespray inventory and run its upgrade-cluster.yml instead.",
    "managed": "no kube-apiserver static pod manifest here: a managed control plane (EKS, GKE, AKS, ...) or another "
               "layout; enable the gate through the provider, or set feature_gates_manifests_dir if the kubelet's "
               "staticPodPath is elsewhere.",
}


def _names(entries: t.Iterable[t.Any]) -> list[tuple[str, bool]]:
    out = []
    for e in entries:
        if isinstance(e, dict):
            out.append((os.path.basename(str(e.get("path") or e.get("name"))), bool(e.get("isdir"))))
        else:
            out.append((os.path.basename(str(e)), False))
    return out


def _component(doc: dict) -> str | None:
    meta = doc.get("metadata") or {}
    labels = meta.get("labels") or {}
    if labels.get("component"):
        return str(labels["component"])
    containers = (doc.get("spec") or {}).get("containers") or []
    command = (containers[0].get("command") or [""]) if containers else [""]
    return os.path.basename(str(command[0])) or meta.get("name")


def _mentions_kubespray(doc: dict) -> bool:
    meta = doc.get("metadata") or {}
    for group in (meta.get("labels") or {}, meta.get("annotations") or {}):
        if any("kubespray" in str(k).lower() or "kubespray" in str(v).lower() for k, v in group.items()):
            return True
    return False


def _marker_hits(markers: t.Any) -> dict[str, list[str]]:
    """{layout: [paths]}; also takes the ``item`` list of a stat loop over ``dict2items | subelements('value')``."""
    if isinstance(markers, dict):
        return {str(k): [str(p) for p in v or [] if p] for k, v in markers.items()}
    out: dict[str, list[str]] = {}
    for hit in markers or []:
        layout, path = hit[0], hit[1]
        if isinstance(layout, dict):
            layout = layout.get("key")
        out.setdefault(str(layout), []).append(str(path))
    return out


def detect(facts: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Return ``{layout, ok, problems, static_pods, message}`` for one node.

    ``facts``: ``markers`` ({k3s|rke2|kubespray: [existing marker paths]}, or stat-loop items), ``components`` (static pods this run
    edits), ``manifests_dir``, ``manifests_dir_exists``, ``entries`` (find results or names, dot files included),
    ``manifests`` ({file name: text}).
    """
    markers = _marker_hits(facts.get("markers"))
    components = list(facts.get("components") or [])
    mdir = facts.get("manifests_dir") or "the manifests directory"
    out: dict[str, t.Any] = {"layout": "kubeadm", "ok": True, "problems": [], "static_pods": {}}
    for layout in ("k3s", "rke2", "kubespray"):
        found = [p for p in markers.get(layout) or [] if p]
        if found:
            return _refuse(out, layout, "%s found (%s). %s" % (layout, ", ".join(found), ADVICE[layout]))
    if not components:
        return _done(out)
    backup = facts.get("backup_dir")
    if backup and facts.get("manifests_dir"):
        inner = os.path.normpath(str(backup)) + os.sep
        if inner.startswith(os.path.normpath(str(facts["manifests_dir"])) + os.sep):
            out["problems"].append(
                "feature_gates_backup_dir %s is inside %s: the kubelet would run the backups as static pods. "
                "Choose a directory outside it (default /etc/kubernetes/tmp/...)." % (backup, mdir))
    if not facts.get("manifests_dir_exists"):
        return _refuse(out, "managed", "%s does not exist: %s" % (mdir, ADVICE["managed"]))
    docs: dict[str, dict] = {}
    for name, isdir in _names(facts.get("entries") or []):
        if isdir or name.startswith("."):
            continue  # the kubelet skips dot files (our temp files) and does not recurse
        if _BACKUP.search(name) or not _MANIFEST.match(name):
            out["problems"].append(
                "%s/%s looks like a backup or is not a manifest; the kubelet runs every non-dot file there as a static pod. "
                "Move it out of %s (for example to /etc/kubernetes/tmp/) and run again." % (mdir, name, mdir))
            continue
        try:
            doc = yaml.safe_load((facts.get("manifests") or {}).get(name, ""))
        except yaml.YAMLError as exc:
            out["problems"].append("%s/%s is not valid YAML (%s); fix or move it first." % (mdir, name, exc))
            continue
        if isinstance(doc, dict):
            docs[name] = doc
    if any(_mentions_kubespray(d) for d in docs.values()):
        return _refuse(out, "kubespray", "manifests in %s carry kubespray labels. %s" % (mdir, ADVICE["kubespray"]))
    by_name: dict[tuple[str, str], list[str]] = {}
    by_component: dict[str, list[str]] = {}
    for name, doc in sorted(docs.items()):
        meta = doc.get("metadata") or {}
        by_name.setdefault((str(meta.get("namespace", "default")), str(meta.get("name"))), []).append(name)
        comp = _component(doc)
        if comp:
            by_component.setdefault(comp, []).append(name)
    for (ns, pod), files in sorted(by_name.items()):
        if len(files) > 1:
            out["problems"].append("%s define the same static pod %s/%s; keep one and move the others out of %s." % (" and ".join(files), ns, pod, mdir))
    for comp in components:
        files = by_component.get(comp, [])
        if len(files) > 1 and len(set(files)) > 1:
            out["problems"].append("%s each run %s (a second static pod); keep one and move the others out of %s." % (" and ".join(files), comp, mdir))
        elif files:
            out["static_pods"][comp] = files[0]
    if "kube-apiserver" in components and "kube-apiserver" not in out["static_pods"]:
        return _refuse(out, "managed", "%s holds no kube-apiserver manifest: %s" % (mdir, ADVICE["managed"]))
    missing = [c for c in components if c not in out["static_pods"]]
    if missing:
        out["problems"].append("%s holds no static pod manifest for %s; this role edits kubeadm static pods only." % (mdir, ", ".join(missing)))
    return _done(out)


def _refuse(out: dict[str, t.Any], layout: str, message: str) -> dict[str, t.Any]:
    out.update(layout=layout, ok=False)
    out["problems"].insert(0, message)
    return _done(out)


def _done(out: dict[str, t.Any]) -> dict[str, t.Any]:
    out["ok"] = out["ok"] and not out["problems"]
    out["message"] = " ".join(out["problems"]) if out["problems"] else "plain kubeadm layout"
    return out
