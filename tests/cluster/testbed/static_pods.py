"""kube-apiserver and kube-scheduler as static pods (kubeadm layout), for the legacy era."""

from __future__ import annotations

from .eras import Era


def _manifest(era: Era, component: str, image: str, args: list[str]) -> str:
    command = "\n".join(f"    - {arg}" for arg in [component, *args])
    # Same shape as kubeadm writes, so the feature_gates role meets the layout it meets in clusters.
    return f"""apiVersion: v1
kind: Pod
metadata:
  labels:
    component: {component}
    tier: control-plane
  name: {component}
  namespace: kube-system
spec:
  containers:
  - command:
{command}
    image: {image}
    imagePullPolicy: IfNotPresent
    name: {component}
    volumeMounts:
    - mountPath: {era.state_dir}
      name: testbed-state
  hostNetwork: true
  priorityClassName: system-node-critical
  volumes:
  - hostPath:
      path: {era.state_dir}
      type: Directory
    name: testbed-state
"""


def write(era: Era, component: str, image: str, args: list[str]) -> None:
    era.manifests_dir.mkdir(parents=True, exist_ok=True)
    path = era.manifests_dir / f"{component}.yaml"
    tmp = era.state_dir / f".{component}.yaml.tmp"  # outside the manifests dir: the kubelet reads every file there
    tmp.write_text(_manifest(era, component, image, args))
    tmp.replace(path)
