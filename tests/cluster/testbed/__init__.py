"""The local Kubernetes test bed: real kube-apiserver, kubelet and containerd on 127.0.0.1.

Run it as ``python3 -m testbed`` from ``tests/cluster`` (or ``tests/cluster/testbed.sh``).
"""
