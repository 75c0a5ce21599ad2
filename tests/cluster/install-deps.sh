#!/usr/bin/env bash
# Installs what the test bed needs on a fresh Debian machine (root): the container runtime,
# CNI plugins and etcd from Debian, and the image-building tools. Go comes with the machine.
set -euo pipefail
packages=(containerd runc containernetworking-plugins etcd-server etcd-client umoci debootstrap jq
          iproute2 openssl conntrack socat haproxy util-linux
          chromium fonts-noto-cjk  # headless, for the diagnostics report test and the docs screenshots (CJK glyphs)
          sudo python3-venv  # the become test: an unprivileged operator with sudo, and a Python that user can run
          default-jre-headless)    # Java 17+ for ansible-rulebook's rule engine (tests/integration/test_eda_triggers.py)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[testbed] installing from Debian: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts its own containerd, etcd and haproxy on install; the test bed runs its own instances.
for service in containerd etcd haproxy; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$service" 2>/dev/null; then
    systemctl stop "$service" || true
  fi
done
command -v go >/dev/null || { echo "[testbed] Go is required (the machine's Go builds Kubernetes)" >&2; exit 1; }
