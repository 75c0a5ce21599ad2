"""The scale era's kwok: its configuration (Stages that play the kubelet, logs it serves) and its flags.

Stages, in the order a pod meets them:

- node-ready: a node kwok manages gets Ready conditions, the address 127.0.0.1 and kwok's server as
  its kubelet endpoint (the apiserver reads logs there); node-heartbeat keeps it Ready (kwok renews
  the node leases itself).
- pod-running: a scheduled pod is Running at once, each container running, with a pod IP from the
  era's loopback range.
- ephemeral-start, then ephemeral-exit: an ephemeral container with no status gets ``running``, and
  a running one ``terminated`` with exit code 0, each after a delay with jitter; together they take
  the ``delay_ms`` range (default 0.8-1.5 s, what our real kubelet takes: docs/benchmarks.md).
- pod-delete: a deleted pod goes away.

Every container's log, ephemeral ones included, is one fixed ``ps`` listing (ClusterLogs).
"""

from __future__ import annotations

import json
from pathlib import Path

from . import build
from .eras import Era

NODE_ANNOTATION = "kwok.x-k8s.io/node"
# The share of the whole delay before ``running``; the rest comes before ``terminated``.
START_SHARE = 0.4

_NODE_STAGES = """apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-ready
spec:
  resourceRef: {apiGroup: v1, kind: Node}
  selector:
    matchExpressions:
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: NotIn
      values: ['True']
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      {{ range NodeConditions }}
      - lastHeartbeatTime: {{ $now | Quote }}
        lastTransitionTime: {{ $now | Quote }}
        message: {{ .message | Quote }}
        reason: {{ .reason | Quote }}
        status: {{ .status | Quote }}
        type: {{ .type | Quote }}
      {{ end }}
      addresses:
      - address: {{ NodeIP | Quote }}
        type: InternalIP
      - address: {{ .metadata.name | Quote }}
        type: Hostname
      daemonEndpoints:
        kubeletEndpoint:
          Port: {{ NodePort }}
      allocatable: {cpu: 1k, memory: 1Ti, pods: 1M}
      capacity: {cpu: 1k, memory: 1Ti, pods: 1M}
      nodeInfo:
        architecture: amd64
        kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
        operatingSystem: linux
      phase: Running
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-heartbeat
spec:
  resourceRef: {apiGroup: v1, kind: Node}
  selector:
    matchExpressions:
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: In
      values: ['True']
  delay: {durationMilliseconds: 600000, jitterDurationMilliseconds: 610000}
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      {{ range NodeConditions }}
      - lastHeartbeatTime: {{ $now | Quote }}
        lastTransitionTime: {{ $now | Quote }}
        message: {{ .message | Quote }}
        reason: {{ .reason | Quote }}
        status: {{ .status | Quote }}
        type: {{ .type | Quote }}
      {{ end }}
"""

_POD_STAGES = """apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-running
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: DoesNotExist
    - key: '.status.phase'
      operator: In
      values: [Pending]
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      {{ range list "PodScheduled" "Initialized" "ContainersReady" "Ready" }}
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: {{ . }}
      {{ end }}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: true
        restartCount: 0
        started: true
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      hostIPs:
      - ip: {{ NodeIPWith .spec.nodeName | Quote }}
      {{ with PodIPWith .spec.nodeName false ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
      podIP: {{ . | Quote }}
      podIPs:
      - ip: {{ . | Quote }}
      {{ end }}
      phase: Running
      startTime: {{ $now | Quote }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: ephemeral-start
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: DoesNotExist
    - key: '.status.phase'
      operator: In
      values: [Running]
    - key: '([.spec.ephemeralContainers[]?.name] - [.status.ephemeralContainerStatuses[]?.name] | length) > 0'
      operator: In
      values: ['true']
  delay: {durationMilliseconds: START_MIN, jitterDurationMilliseconds: START_MAX}
  next:
    statusTemplate: |
      {{ $now := Now }}
      {{ $statuses := or .status.ephemeralContainerStatuses list }}
      ephemeralContainerStatuses:
      {{ range .spec.ephemeralContainers }}
      {{ $name := .name }}
      {{ $found := false }}
      {{ range $statuses }}{{ if eq .name $name }}{{ $found = true }}
      - {{ toJson . }}
      {{ end }}{{ end }}
      {{ if not $found }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        imageID: {{ printf "kwok://%s" .image | Quote }}
        containerID: {{ printf "kwok://%s" .name | Quote }}
        ready: false
        restartCount: 0
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}
      {{ end }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: ephemeral-exit
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: DoesNotExist
    - key: '[.status.ephemeralContainerStatuses[]? | select(.state.running != null)] | length > 0'
      operator: In
      values: ['true']
  delay: {durationMilliseconds: EXIT_MIN, jitterDurationMilliseconds: EXIT_MAX}
  next:
    statusTemplate: |
      {{ $now := Now }}
      ephemeralContainerStatuses:
      {{ range .status.ephemeralContainerStatuses }}
      {{ if .state.running }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        imageID: {{ .imageID | Quote }}
        containerID: {{ .containerID | Quote }}
        ready: false
        restartCount: 0
        state:
          terminated:
            exitCode: 0
            reason: Completed
            containerID: {{ .containerID | Quote }}
            startedAt: {{ .state.running.startedAt | Quote }}
            finishedAt: {{ $now | Quote }}
      {{ else }}
      - {{ toJson . }}
      {{ end }}
      {{ end }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-delete
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: Exists
  next:
    delete: true
"""

# What every simulated container "printed", in the CRI log format kwok reads.
PS_OUTPUT = ("PID   USER     TIME  COMMAND", "    1 root      0:00 /pause", "    7 root      0:00 ps")


def stages(delay_ms: tuple[int, int]) -> str:
    low, high = delay_ms
    start = (int(low * START_SHARE), int(high * START_SHARE))
    values = {"START_MIN": start[0], "START_MAX": start[1], "EXIT_MIN": low - start[0], "EXIT_MAX": high - start[1]}
    text = _POD_STAGES
    for key, value in values.items():
        text = text.replace(key, str(value))
    return _NODE_STAGES + "---\n" + text


def logs_file(era: Era) -> Path:
    return era.state_dir / "kwok" / "ps.log"


def config(era: Era, delay_ms: tuple[int, int]) -> str:
    logs = {"apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": "ClusterLogs", "metadata": {"name": "every-container"},
            "spec": {"selector": {}, "logs": [{"logsFile": str(logs_file(era))}]}}
    # JSON is YAML: one document per object.
    return stages(delay_ms) + "---\n" + json.dumps(logs) + "\n"


def write_config(era: Era, delay_ms: tuple[int, int]) -> Path:
    directory = era.state_dir / "kwok"
    directory.mkdir(parents=True, exist_ok=True)
    logs_file(era).write_text("".join(f"2026-01-01T00:00:00.000000000Z stdout F {line}\n" for line in PS_OUTPUT))
    path = directory / "kwok.yaml"
    path.write_text(config(era, delay_ms))
    return path


def argv(era: Era, config_path: Path) -> list[str]:
    pki = era.state_dir / "pki"
    return [
        str(build.tool_path("kwok")),
        f"--config={config_path}",
        f"--kubeconfig={era.state_dir / 'kwok.kubeconfig'}",
        f"--manage-nodes-with-annotation-selector={NODE_ANNOTATION}=fake",
        "--node-ip=127.0.0.1",
        f"--node-port={era.kubelet_port}",
        f"--cidr={era.pod_subnet}",
        # kwok's kubelet API (logs) on loopback; the apiserver does not check a kubelet's certificate here.
        f"--server-address=127.0.0.1:{era.kubelet_port}",
        f"--tls-cert-file={pki / 'apiserver.crt'}",
        f"--tls-private-key-file={pki / 'apiserver.key'}",
        "--node-lease-duration-seconds=40",
    ]


def node(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "annotations": {NODE_ANNOTATION: "fake"},
                         "labels": {"type": "kwok", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}}}


def node_name(index: int) -> str:
    return f"kwok-node-{index:03d}"
