"""Building the era's Kubernetes binaries from the Go module proxy, and images of them."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import openapi
from .eras import CACHE_ROOT, CLUSTER_DIR, Era

COMPONENTS = ("kube-apiserver", "kubelet", "kubectl", "kube-scheduler", "kube-controller-manager")


def _build_env(era: Era) -> dict[str, str]:
    env = dict(os.environ)
    if era.static_control_plane:
        # These binaries run inside otherwise empty images, so they must not need libc.
        env["CGO_ENABLED"] = "0"
    return env


def _ldflags(era: Era) -> str:
    flags = "-s -w"
    # What hack/lib/version.sh stamps in an official build; without it every component says v0.0.0.
    major, minor = era.version[1:].split(".")[:2]
    packages = ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]
    if era.minor < 17:
        # 1.16's /version is still served from its own copy (component-base took it over in 1.17), and its
        # kubectl's client version from a third (else `kubectl version` says v0.0.0-master).
        packages += ["k8s.io/kubernetes/pkg/version", "k8s.io/kubectl/pkg/version"]
    for package in packages:
        flags += (f" -X {package}.gitVersion={era.version} -X {package}.gitMajor={major}"
                  f" -X {package}.gitMinor={minor} -X {package}.gitTreeState=clean")
    if era.minor < 24:
        # Old dependencies reach into the runtime with go:linkname, which Go >= 1.23 forbids by default.
        flags += " -checklinkname=0"
    return flags


def _cgo_commands(era: Era) -> tuple[str, ...]:
    """Commands a static era still builds with cgo: 1.16's kubelet, whose cadvisor (v0.34) imports a gonvml with no
    cgo-free file; the release built its kubelet with cgo too (hack/lib/golang.sh: KUBE_STATIC_LIBRARIES lacks it).
    It runs on the host, not in an image, so its libc is there."""
    return ("kubelet",) if era.static_control_plane and era.minor < 17 else ()


def _stamp(era: Era) -> str:
    digest = hashlib.sha256()
    for name in ("go.mod", "go.sum"):
        digest.update((era.module_dir / name).read_bytes())
    digest.update(_ldflags(era).encode() + _build_env(era).get("CGO_ENABLED", "").encode())
    if _cgo_commands(era):  # only then: every other era's stamp (and so its cached build) stays as it was
        digest.update(("cgo:" + ",".join(_cgo_commands(era))).encode())
    return digest.hexdigest()


def binaries_current(era: Era, components: tuple[str, ...] = COMPONENTS) -> bool:
    """The era's ``components`` are built from its pinned module as it is now."""
    stamp_file = era.bin_dir / ".stamp"
    return (stamp_file.exists() and stamp_file.read_text() == _stamp(era)
            and all((era.bin_dir / c).exists() for c in components))


def ensure_binaries(era: Era, components: tuple[str, ...] = COMPONENTS, env: dict[str, str] | None = None) -> float:
    """Build ``components`` of the era unless current; returns the seconds the build took (0: cached).
    ``env`` adds to the build's environment (the version matrix's GOTOOLCHAIN for an old release)."""
    if binaries_current(era, components):
        return 0.0
    era.bin_dir.mkdir(parents=True, exist_ok=True)
    print(f"building Kubernetes {era.version} ({', '.join(components)}); a cold build takes 15-30 minutes",
          file=sys.stderr, flush=True)
    started = time.monotonic()
    build_env = {**_build_env(era), **(env or {})}
    modfile = openapi.modfile(era, build_env, components if components != COMPONENTS else None)
    with_openapi = [f"-modfile={modfile}"] if modfile else []
    with_cgo = [c for c in components if c in _cgo_commands(era)]
    for group, group_env in (([c for c in components if c not in with_cgo], build_env),
                             (with_cgo, {**build_env, "CGO_ENABLED": "1"})):
        if group:
            subprocess.run(["go", "build", "-trimpath", f"-ldflags={_ldflags(era)}", *with_openapi, "-o",
                            f"{era.bin_dir}/", *(f"k8s.io/kubernetes/cmd/{c}" for c in group)],
                           cwd=era.module_dir, env=group_env, check=True)
    (era.bin_dir / ".stamp").write_text(_stamp(era))
    seconds = time.monotonic() - started
    print(f"built Kubernetes {era.version} in {seconds:.0f} s", file=sys.stderr, flush=True)
    return seconds


# Other Go commands the test bed builds like the Kubernetes components: one pinned main module each
# (components/<name>/go.mod), the package to build, the version in the binary's directory name.
TOOLS = {
    # kwok simulates nodes and the kubelet's status updates for the scale era.
    "kwok": ("sigs.k8s.io/kwok/cmd/kwok", "v0.8.0"),
    # etcd 3.6 answers watch progress requests, which kwok's watch-lists need (Debian's 3.4 does not).
    "etcd": ("go.etcd.io/etcd/server/v3", "v3.6.16"),
    # versitygw: the S3-compatible server the diagnostics role's S3 sink is tested against (testbed/s3.py).
    "versitygw": ("github.com/versity/versitygw/cmd/versitygw", "v1.8.0"),
}


def tool_path(name: str) -> Path:
    package, version = TOOLS[name]
    return CACHE_ROOT / "bin" / f"{name}-{version}" / name


def ensure_tool(name: str) -> Path:
    """Build ``name`` from its pinned module (components/<name>) unless its binary is current."""
    package, version = TOOLS[name]
    binary = tool_path(name)
    module_dir = CLUSTER_DIR / "components" / name
    digest = hashlib.sha256((module_dir / "go.mod").read_bytes() + (module_dir / "go.sum").read_bytes()).hexdigest()
    stamp = binary.parent / ".stamp"
    if binary.exists() and stamp.exists() and stamp.read_text() == digest:
        return binary
    binary.parent.mkdir(parents=True, exist_ok=True)
    print(f"building {name} {version}; a cold build takes a few minutes", file=sys.stderr, flush=True)
    started = time.monotonic()
    # nice: the machine's cores are shared with the tests that run meanwhile.
    subprocess.run(["nice", "-n", "10", "go", "build", "-trimpath", "-ldflags=-s -w", "-o", str(binary), package],
                   cwd=module_dir, check=True)
    stamp.write_text(digest)
    print(f"built {name} {version} in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return binary


def prepare(eras: list[Era]) -> None:
    """Everything the eras need before they start: the images (debootstrap and apt, mostly waiting on
    the network and disks) built while Go compiles the binaries (busy on every core)."""
    images = subprocess.Popen([str(CLUSTER_DIR / "images" / "build.sh")])
    try:
        for era in eras:
            ensure_binaries(era)
    finally:
        if images.wait() != 0:
            raise RuntimeError("building the test bed's images failed (tests/cluster/images/build.sh)")


def component_image(era: Era, component: str) -> tuple[str, "os.PathLike[str]"]:
    """An OCI archive holding only ``component``'s static binary, as kubeadm's images do."""
    ref = f"kubedebug.local/{component}:{era.version}"
    archive = CACHE_ROOT / "images" / f"{component}-{era.version}.tar"
    binary = era.bin_dir / component
    if archive.exists() and archive.stat().st_mtime >= binary.stat().st_mtime:
        return ref, archive
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kubedebug-image-") as tmp:
        layout, bundle = f"{tmp}/layout", f"{tmp}/bundle"
        tag = f"{layout}:{era.version}"

        def umoci(*args: str) -> None:
            subprocess.run(["umoci", *args], check=True, capture_output=True)

        umoci("init", "--layout", layout)
        umoci("new", "--image", tag)
        umoci("unpack", "--image", tag, bundle)
        os.makedirs(f"{bundle}/rootfs/usr/local/bin", exist_ok=True)
        shutil.copy2(binary, f"{bundle}/rootfs/usr/local/bin/{component}")
        umoci("repack", "--image", tag, bundle)
        umoci("config", "--image", tag, "--config.env", "PATH=/usr/local/bin",
              f"--config.entrypoint=/usr/local/bin/{component}")
        subprocess.run(["tar", "-C", layout, "-cf", f"{archive}.tmp", "."], check=True)
        os.replace(f"{archive}.tmp", archive)
    return ref, archive
