"""Stopping an era so that no process, mount or network device is left behind."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from . import containerd, kubelet, namespaces, processes
from .eras import Era, KubeletEra

HOST_PROCESSES = ("versitygw", "kwok", "kube-scheduler", "kube-controller-manager", "kube-apiserver", "etcd")


def mounts_under(prefixes: list[Path]) -> list[str]:
    wanted = [str(p).rstrip("/") + "/" for p in prefixes] + [str(p) for p in prefixes]
    points = []
    with open("/proc/self/mountinfo") as mountinfo:
        for line in mountinfo:
            point = line.split()[4].replace("\\040", " ")
            if any(point == w or point.startswith(w) for w in wanted):
                points.append(point)
    return sorted(set(points), key=len, reverse=True)  # children before parents


def down(era: Era) -> list[str]:
    """Stop everything of ``era``; returns what had to be cleaned up by force."""
    forced = []
    processes.stop(era, "kubelet")
    containerd.remove_all_containers(era)
    for name in HOST_PROCESSES:
        processes.stop(era, name)
    processes.stop(era, "containerd")
    if isinstance(era, KubeletEra):
        namespaces.stop_holder(era)  # its mounts (pod log dirs, the pods' netns and rootfs) go with it
    dirs = [era.run_dir, era.state_dir, era.containerd_root]
    leftovers = processes.pids_rooted_under(dirs)
    if leftovers:
        forced.append(f"killed {len(leftovers)} leftover processes")
        processes.kill_all(leftovers)
    for point in mounts_under(dirs):
        result = subprocess.run(["umount", point], capture_output=True, check=False)
        if result.returncode != 0:
            subprocess.run(["umount", "-l", point], capture_output=True, check=False)
        forced.append(f"unmounted {point}")
    if era.bridge and Path(f"/sys/class/net/{era.bridge}").exists():
        subprocess.run(["ip", "link", "delete", era.bridge], capture_output=True, check=False)
    remove_cgroups(era)
    shutil.rmtree(era.state_dir, ignore_errors=True)
    shutil.rmtree(era.run_dir, ignore_errors=True)
    return forced


def remove_cgroups(era: Era) -> None:
    """Remove the era's (now empty) cgroup trees, children first: cgroupfs only removes empty dirs."""
    for root in kubelet.cgroup_dirs(era):
        if root.exists():
            for directory in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
                directory.rmdir()
            root.rmdir()


def leftovers(era: Era) -> list[str]:
    """What of ``era`` still exists; empty after a clean stop."""
    dirs = [era.run_dir, era.state_dir, era.containerd_root]
    found = [f"process {pid}" for pid in processes.pids_rooted_under(dirs)]
    found += [f"mount {point}" for point in mounts_under(dirs)]
    if era.bridge and Path(f"/sys/class/net/{era.bridge}").exists():
        found.append(f"network device {era.bridge}")
    found += [f"cgroup {d}" for d in kubelet.cgroup_dirs(era) if d.exists()]
    if isinstance(era, KubeletEra):
        found += [f"namespace holder {pid}" for pid in namespaces.holders(era)]
    return found
