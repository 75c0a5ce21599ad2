# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The unit tests' one way to make a Pod as the API returns it (a dict, as ``sanitize_for_serialization`` gives).

Every test asks only for what it is about; the rest is a plausible running pod ``shop/web`` on ``node-1`` with one
container ``app`` that mounts the volume ``tmp`` at /tmp (what "mount the target's volumes" copies).
"""

from __future__ import annotations

import json
import typing as t

APP = {"name": "app", "image": "distroless/app:1", "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]}
TMP_VOLUME = {"name": "tmp", "emptyDir": {}}
TERMINATING_SINCE = "2026-12-02T11:00:00Z"


def pod(name: str = "web", namespace: str = "shop", *, phase: str = "Running", labels: dict | None = None,
        annotations: dict | None = None, containers: list | None = None, volumes: list | None = None,
        ephemeral: t.Iterable[t.Any] = (), statuses: t.Iterable[dict] = (), conditions: list | None = None,
        container_statuses: list | None = None, init_container_statuses: list | None = None,
        owner: str | None = None, terminating: bool = False, managed: list | None = None,
        resource_version: str = "1", uid: str | None = None) -> dict:
    """A Pod. ``ephemeral`` takes container dicts or bare names; ``owner`` is the kind of a controlling owner
    (ReplicaSet, StatefulSet, ...); ``terminating`` sets a deletionTimestamp; ``managed`` is managedFields."""
    metadata: dict = {"name": name, "namespace": namespace, "uid": uid or "uid-" + name, "resourceVersion": resource_version,
                      "labels": {"app": "web"} if labels is None else labels, "annotations": annotations or {}}
    if owner:
        metadata["ownerReferences"] = [{"kind": owner, "name": "o", "uid": "owner-uid", "controller": True}]
    if terminating:
        metadata["deletionTimestamp"] = TERMINATING_SINCE
    if managed is not None:
        metadata["managedFields"] = managed
    spec: dict = {"nodeName": "node-1", "containers": [dict(APP)] if containers is None else containers,
                  "volumes": [dict(TMP_VOLUME)] if volumes is None else volumes}
    status: dict = {"phase": phase}
    # The API leaves empty lists out (omitempty), and the code must cope with the key missing.
    if ephemeral:
        spec["ephemeralContainers"] = [{"name": c} if isinstance(c, str) else c for c in ephemeral]
    if statuses:
        status["ephemeralContainerStatuses"] = list(statuses)
    if conditions is not None:
        status["conditions"] = conditions
    if container_statuses is not None:
        status["containerStatuses"] = container_statuses
    if init_container_statuses is not None:
        status["initContainerStatuses"] = init_container_statuses
    return {"kind": "Pod", "apiVersion": "v1", "metadata": metadata, "spec": spec, "status": status}


def mirror_pod_json(annotations: dict | None = None, conditions: list | None = None,
                    container_statuses: list | None = None) -> str:
    """A static pod's mirror pod as ``kubectl get pod -o json`` prints it (kube-apiserver on node1)."""
    return json.dumps(pod("kube-apiserver-node1", "kube-system", annotations=annotations, conditions=conditions,
                          container_statuses=container_statuses))


def managed_entry(manager: str, operation: str, fields: dict, subresource: str | None = None) -> dict:
    """One managedFields entry as the apiserver writes it."""
    entry = {"manager": manager, "operation": operation, "apiVersion": "v1", "time": "2026-12-07T10:00:00Z",
             "fieldsType": "FieldsV1", "fieldsV1": fields}
    if subresource:
        entry["subresource"] = subresource
    return entry


def full_pod(index: int = 0, namespace: str = "fleet", ephemeral: t.Iterable[str] = ()) -> dict:
    """A whole pod of a Deployment as a LIST returns it (about 5 KB of JSON): managedFields of the controller, of
    kwok's status and of ``kubectl debug``, env, probes, tolerations, affinity, conditions, statuses.
    ``ephemeral`` names ephemeral containers added with ``kubectl debug`` (with their statuses and ownership)."""
    name = "web-5d8f7c9b4-{0:05d}".format(index)
    pod_ip = "10.244.{0}.{1}".format(index // 250 % 250, index % 250)
    uid = "9c1f{0:04x}-3e2a-4b7c-9d1e-{1:012x}".format(index % 65536, index)
    labels = {"app": "web", "pod-template-hash": "5d8f7c9b4", "tier": "frontend"}
    container = {
        "name": "app", "image": "registry.example.com/shop/web:1.27.3", "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
        "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 10, "failureThreshold": 3,
                          "timeoutSeconds": 1, "successThreshold": 1},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 5, "failureThreshold": 3,
                           "timeoutSeconds": 1, "successThreshold": 1},
        "volumeMounts": [{"name": "cache", "mountPath": "/cache"}, {"name": "config", "mountPath": "/etc/web", "readOnly": True},
                         {"name": "kube-api-access-{0:05d}".format(index), "readOnly": True,
                          "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
    }
    debuggers = [{"name": n, "image": "busybox:1.36", "targetContainerName": "app", "stdin": True, "tty": True,
                  "imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log",
                  "terminationMessagePolicy": "File", "resources": {}} for n in ephemeral]
    managed = [
        managed_entry("kube-controller-manager", "Update", {
            "f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {}, "f:pod-template-hash": {}, "f:tier": {}},
                           "f:ownerReferences": {".": {}, 'k:{"uid":"5b0e2c1d-0000-4000-8000-000000000001"}': {}}},
            "f:spec": {"f:containers": {'k:{"name":"app"}': {
                ".": {}, "f:env": {".": {}, 'k:{"name":"LOG_LEVEL"}': {".": {}, "f:name": {}, "f:value": {}}},
                "f:image": {}, "f:imagePullPolicy": {}, "f:livenessProbe": {".": {}, "f:httpGet": {}}, "f:name": {}, "f:ports": {},
                "f:readinessProbe": {}, "f:resources": {}, "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {},
                "f:volumeMounts": {}}},
                "f:dnsPolicy": {}, "f:enableServiceLinks": {}, "f:restartPolicy": {}, "f:schedulerName": {},
                "f:securityContext": {}, "f:terminationGracePeriodSeconds": {}, "f:tolerations": {}, "f:volumes": {}}}),
        managed_entry("kwok", "Update", {"f:status": {"f:conditions": {'k:{"type":"Ready"}': {".": {}, "f:status": {}, "f:type": {}}},
                                                      "f:containerStatuses": {}, "f:hostIP": {}, "f:phase": {}, "f:podIP": {},
                                                      "f:podIPs": {}, "f:startTime": {}}}, subresource="status"),
    ]
    if ephemeral:
        fields = {".": {}, "f:image": {}, "f:name": {}, "f:stdin": {}, "f:tty": {}, "f:targetContainerName": {}}
        owned = {'k:{{"name":"{0}"}}'.format(n): dict(fields) for n in ephemeral}
        managed.append(managed_entry("kubectl-debug", "Update", {"f:spec": {"f:ephemeralContainers": owned}}, subresource="ephemeralcontainers"))
    pod_ = {
        "kind": "Pod", "apiVersion": "v1",
        "metadata": {
            "name": name, "generateName": "web-5d8f7c9b4-", "namespace": namespace, "uid": uid, "resourceVersion": str(100000 + index),
            "creationTimestamp": "2026-12-07T09:00:00Z", "labels": labels,
            "annotations": {"kwok.x-k8s.io/node": "fake", "kubectl.kubernetes.io/restartedAt": "2026-12-07T08:59:00Z"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8f7c9b4",
                                 "uid": "5b0e2c1d-0000-4000-8000-000000000001", "controller": True, "blockOwnerDeletion": True}],
            "managedFields": managed,
        },
        "spec": {
            "volumes": [{"name": "cache", "emptyDir": {}}, {"name": "config", "configMap": {"name": "web-config", "defaultMode": 420}},
                        {"name": "kube-api-access-{0:05d}".format(index), "projected": {"defaultMode": 420, "sources": [
                            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}}],
            "containers": [container], "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default", "serviceAccount": "default", "nodeName": "kwok-node-{0}".format(index % 1000),
            "securityContext": {}, "schedulerName": "default-scheduler", "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority",
            "priority": 0,
            "tolerations": [{"key": "kwok.x-k8s.io/node", "operator": "Exists", "effect": "NoSchedule"},
                            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "type", "operator": "In", "values": ["kwok"]}]}]}}},
        },
        "status": {
            "phase": "Running", "hostIP": "10.0.{0}.{1}".format(index // 250 % 250, index % 250), "podIP": pod_ip,
            "podIPs": [{"ip": pod_ip}], "qosClass": "Burstable", "startTime": "2026-12-07T09:00:01Z",
            "conditions": [{"type": t_, "status": "True", "lastProbeTime": None, "lastTransitionTime": "2026-12-07T09:00:01Z"}
                           for t_ in ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
            "containerStatuses": [{"name": "app", "ready": True, "restartCount": 0, "image": "registry.example.com/shop/web:1.27.3",
                                   "imageID": "registry.example.com/shop/web@sha256:" + "ab" * 32, "started": True,
                                   "containerID": "containerd://" + "{0:064x}".format(index),
                                   "state": {"running": {"startedAt": "2026-12-07T09:00:02Z"}}, "lastState": {}}],
        },
    }
    if debuggers:
        pod_["spec"]["ephemeralContainers"] = debuggers
        pod_["status"]["ephemeralContainerStatuses"] = [
            {"name": n, "image": "busybox:1.36", "imageID": "", "ready": False, "restartCount": 0, "containerID": "containerd://" + "cd" * 32,
             "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": "2026-12-07T09:10:00Z",
                                      "finishedAt": "2026-12-07T09:10:05Z", "containerID": "containerd://" + "cd" * 32}}} for n in ephemeral]
    return pod_


def kwok_pod(index: int, namespace: str = "fleet") -> dict:
    """One pod of the fleet benchmark as the kwok bed lists it (tests/integration/support/fleet.py's pod with the
    apiserver's defaults, kwok's status and both managedFields entries): about 3 KB of JSON."""
    name = "pod-{0:05d}".format(index)
    ip = "10.{0}.{1}.{2}".format(index // 65536 % 256, index // 256 % 256, index % 256)
    return {
        "kind": "Pod", "apiVersion": "v1",
        "metadata": {
            "name": name, "namespace": namespace, "uid": "6f1e{0:04x}-8d2c-4e9a-b1f3-{1:012x}".format(index % 65536, index),
            "resourceVersion": str(200000 + index), "creationTimestamp": "2026-12-07T09:00:00Z", "labels": {"fleet": "yes"},
            "managedFields": [
                managed_entry("OpenAPI-Generator", "Update", {
                    "f:metadata": {"f:labels": {".": {}, "f:fleet": {}}},
                    "f:spec": {"f:automountServiceAccountToken": {}, "f:containers": {'k:{"name":"app"}': {
                        ".": {}, "f:command": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {}, "f:resources": {},
                        "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {}}},
                        "f:dnsPolicy": {}, "f:enableServiceLinks": {}, "f:restartPolicy": {}, "f:schedulerName": {},
                        "f:securityContext": {}, "f:terminationGracePeriodSeconds": {}}}),
                managed_entry("kwok", "Update", {"f:status": {
                    "f:conditions": {'k:{"type":"ContainersReady"}': {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}},
                                     'k:{"type":"Initialized"}': {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}},
                                     'k:{"type":"Ready"}': {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}}},
                    "f:containerStatuses": {}, "f:hostIP": {}, "f:phase": {}, "f:podIP": {}, "f:podIPs": {".": {}, 'k:{"ip":"%s"}' % ip: {".": {}, "f:ip": {}}},
                    "f:startTime": {}}}, subresource="status"),
            ],
        },
        "spec": {
            "containers": [{"name": "app", "image": "registry.local/kubedebug/tools:1.0", "command": ["sleep", "1000000"], "resources": {},
                            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                            "imagePullPolicy": "IfNotPresent"}],
            "restartPolicy": "Always", "terminationGracePeriodSeconds": 0, "dnsPolicy": "ClusterFirst", "automountServiceAccountToken": False,
            "serviceAccountName": "default", "serviceAccount": "default", "nodeName": "kwok-node-{0:04d}".format(index % 1000),
            "securityContext": {}, "schedulerName": "default-scheduler", "enableServiceLinks": True, "priority": 0,
            "preemptionPolicy": "PreemptLowerPriority",
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
        },
        "status": {
            "phase": "Running", "hostIP": "10.1.{0}.{1}".format(index // 256 % 4, index % 256), "podIP": ip, "podIPs": [{"ip": ip}],
            "qosClass": "BestEffort", "startTime": "2026-12-07T09:00:01Z",
            "conditions": [{"type": c, "status": "True", "lastProbeTime": None, "lastTransitionTime": "2026-12-07T09:00:01Z"}
                           for c in ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
            "containerStatuses": [{"name": "app", "ready": True, "restartCount": 0, "image": "registry.local/kubedebug/tools:1.0",
                                   "imageID": "", "started": True, "state": {"running": {"startedAt": "2026-12-07T09:00:02Z"}},
                                   "lastState": {}}],
        },
    }
