#!/usr/bin/env bash
# Import the test bed's image archives (made by ./build.sh) into a containerd.
#
#   tests/cluster/images/import.sh ADDRESS [NAME...]     # ADDRESS: containerd socket path
#
# Images land in namespace ${KUBEDEBUG_CONTAINERD_NAMESPACE:-k8s.io} (the one the CRI plugin uses)
# under exactly the refs in ./refs, unpacked for the snapshotter ${CONTAINERD_SNAPSHOTTER:-overlayfs}
# (must match the CRI plugin's snapshotter). No tag is `latest`, so kubelet's default
# imagePullPolicy (IfNotPresent) never pulls them; set imagePullPolicy: Never to be explicit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${KUBEDEBUG_TESTBED_CACHE:-$HOME/.cache/kubedebug-testbed}
OUT=$CACHE/images
NS=${KUBEDEBUG_CONTAINERD_NAMESPACE:-k8s.io}
SNAPSHOTTER=${CONTAINERD_SNAPSHOTTER:-overlayfs}
PLATFORM=linux/$(dpkg --print-architecture)

log() { printf '[images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $# -ge 1 ]] || die "usage: $0 ADDRESS [NAME...]"
ADDRESS=$1; shift
[[ -S $ADDRESS ]] || die "no containerd socket at $ADDRESS"

ref_of() { awk -v n="$1" '$1 == n { print $2 }' "$HERE/refs"; }
names=("$@")
[[ ${#names[@]} -gt 0 ]] || mapfile -t names < <(awk '!/^#/ && NF { print $1 }' "$HERE/refs")

ctr_() { ctr --address "$ADDRESS" -n "$NS" "$@"; }

for name in "${names[@]}"; do
	ref=$(ref_of "$name")
	[[ -n $ref ]] || die "unknown image '$name' (see $HERE/refs)"
	tar=$OUT/$name.tar
	[[ -f $tar ]] || die "$tar is missing; run $HERE/build.sh $name first"
	t0=$SECONDS
	ctr_ images import --platform "$PLATFORM" --snapshotter "$SNAPSHOTTER" "$tar" >/dev/null
	ctr_ images ls -q | grep -xF "$ref" >/dev/null || die "importing $tar did not create $ref"
	log "imported $ref ($((SECONDS - t0)) s)"
done
