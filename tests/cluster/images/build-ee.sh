#!/usr/bin/env bash
# Build the test bed's execution-environment image: what docs/examples/diagnostics-cronjob.yaml runs.
#
#   tests/cluster/images/build-ee.sh COLLECTION_TARBALL      # from `make build` (build/kubedebug-ephemeral-*.tar.gz)
#
# Output: ${KUBEDEBUG_TESTBED_CACHE:-$HOME/.cache/kubedebug-testbed}/images/ee.tar, ref kubedebug.local/ee:1.
# Two layers, so a change of the collection rebuilds seconds, not minutes:
#   1. dependencies (cached as ee-deps.tar, keyed by this script and the pins below): the Debian minbase rootfs that
#      build.sh makes for the other images, python3, and a venv at /opt/ee with ansible-core, the kubernetes client, minio
#      - the same Python packages meta/execution-environment.yml declares (requirements.txt);
#   2. the collection, installed from the tarball into /usr/share/ansible/collections.
# Separate from build.sh on purpose: build.sh's recipe hash covers itself and ./refs, so adding an image there would
# rebuild the four others. Needs root, umoci, jq, and network access to deb.debian.org and PyPI.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
CACHE=${KUBEDEBUG_TESTBED_CACHE:-$HOME/.cache/kubedebug-testbed}
OUT=$CACHE/images
ARCH=$(dpkg --print-architecture)
REF=kubedebug.local/ee:1
BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The controller's pins (tests/requirements-dev.txt): ansible-core, and the collection's requirements (requirements.txt:
# kubernetes, and minio for the diagnostics role's S3 sink).
ANSIBLE_CORE=$(awk -F'==' '/^ansible-core==/ { print $2 }' "$REPO/tests/requirements-dev.txt")
KUBERNETES=$(awk -F'==' '/^kubernetes==/ { print $2 }' "$REPO/tests/requirements-dev.txt")
MINIO=$(awk -F'==' '/^minio==/ { print $2 }' "$REPO/tests/requirements-dev.txt")

log() { printf '[images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $# -eq 1 && -f $1 ]] || die "usage: $0 COLLECTION_TARBALL (from make build)"
TARBALL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[[ $(id -u) == 0 ]] || die "must run as root (chroot, mount)"
for t in umoci jq tar sha256sum flock ansible-galaxy; do command -v "$t" >/dev/null || die "missing tool: $t"; done
[[ -n $ANSIBLE_CORE && -n $KUBERNETES && -n $MINIO ]] || die "no ansible-core/kubernetes/minio pins in tests/requirements-dev.txt"
PIP=${PIP:-$(command -v pip3 || command -v pip)} || die "pip (the host's) is needed to download the wheels"

# The base rootfs of the other images (debootstrap minbase), made or found up to date by build.sh.
"$HERE/build.sh" busybox-tools
BASE_TAR=$OUT/base-bookworm.tar
[[ -f $BASE_TAR ]] || die "no $BASE_TAR after build.sh"

mkdir -p "$OUT"
exec 9>"$OUT/.ee.lock"
flock 9 || die "cannot lock $OUT/.ee.lock"
W=$OUT/.work/ee
MOUNTS=()
cleanup() {
	local rc=$? i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		mountpoint -q "${MOUNTS[i]}" && { umount "${MOUNTS[i]}" || umount -l "${MOUNTS[i]}"; }
	done
	if [[ -d $W ]] && ! findmnt -rno TARGET | grep -q "^$W/"; then rm -rf --one-file-system "$W"; fi
	rm -f "$OUT"/ee*.tar.tmp
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
rm -rf --one-file-system "$W"
mkdir -p "$W"

# ---- layer 1: Debian, python3, /opt/ee venv with ansible-core and kubernetes (cached) ------------------------
DEPS=$OUT/ee-deps.tar
deps_hash() { { sha256sum "$HERE/build-ee.sh" | cut -d' ' -f1; cat "$BASE_TAR.recipe"; echo "$ANSIBLE_CORE $KUBERNETES $MINIO"; } | sha256sum | cut -d' ' -f1; }
if [[ -f $DEPS && -f $DEPS.recipe && $(cat "$DEPS.recipe") == "$(deps_hash)" ]]; then
	log "ee: dependency layer up to date ($DEPS)"
else
	t0=$SECONDS
	root=$W/rootfs
	mkdir -p "$root"
	tar --numeric-owner -xpf "$BASE_TAR" -C "$root"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 0755 "$root/usr/sbin/policy-rc.d"
	mount -t proc proc "$root/proc"; MOUNTS+=("$root/proc")
	mkdir -p "$OUT/apt-archives/partial"
	mount --bind "$OUT/apt-archives" "$root/var/cache/apt/archives"; MOUNTS+=("$root/var/cache/apt/archives")
	in_root() { chroot "$root" /usr/bin/env -i PATH="$BASE_PATH" HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
	{
		in_root apt-get -q update
		in_root apt-get -q install -y --no-install-recommends python3 python3-venv ca-certificates
		# The CronJob runs as uid 1000: Ansible looks its user name up (getpass), so the uid needs a passwd entry.
		in_root groupadd -g 1000 runner
		in_root useradd -u 1000 -g 1000 -M -d /tmp -s /bin/sh runner
		in_root python3 -m venv /opt/ee
		# Wheels come through the host's pip (its index and certificates; the chroot trusts neither), for the
		# chroot's Python (Debian's 3.11), into a cache reused by later builds.
		mkdir -p "$OUT/ee-wheels" "$root/wheels"
		"$PIP" download -q --disable-pip-version-check --only-binary=:all: --python-version "$(in_root python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \
			--platform "manylinux2014_$(uname -m)" --platform "manylinux_2_28_$(uname -m)" --platform linux_"$(uname -m)" \
			-d "$OUT/ee-wheels" "ansible-core==$ANSIBLE_CORE" "kubernetes==$KUBERNETES" "minio==$MINIO"
		mount --bind "$OUT/ee-wheels" "$root/wheels"; MOUNTS+=("$root/wheels")
		in_root /opt/ee/bin/pip install -q --no-cache-dir --disable-pip-version-check --no-index --find-links /wheels \
			"ansible-core==$ANSIBLE_CORE" "kubernetes==$KUBERNETES" "minio==$MINIO"
	} >"$W/deps.log" 2>&1 || { tail -n 30 "$W/deps.log" >&2; die "the dependency layer failed (log above)"; }
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount "${MOUNTS[i]}"; done
	MOUNTS=()
	rmdir "$root/wheels"
	rm -f "$root/usr/sbin/policy-rc.d"
	: >"$root/etc/resolv.conf"
	rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/* "$root"/tmp/* "$root"/root/.[!.]* \
		"$root"/usr/share/man/* "$root"/usr/share/doc/* "$root"/usr/share/locale/*
	find "$root/dev" -mindepth 1 -delete
	find "$root/opt/ee" -name __pycache__ -type d -prune -exec rm -rf {} +
	chmod 1777 "$root/tmp"
	tar --numeric-owner -C "$root" -cf "$DEPS.tmp" .
	mv "$DEPS.tmp" "$DEPS"
	deps_hash >"$DEPS.recipe"
	rm -rf --one-file-system "$root"
	log "ee: dependency layer built ($(du -h "$DEPS" | cut -f1), $((SECONDS - t0)) s)"
fi

# ---- layer 2: the collection, from the tarball -----------------------------------------------------------
t0=$SECONDS
mkdir -p "$W/collection/usr/share/ansible/collections"
ansible-galaxy collection install --offline --no-deps -p "$W/collection/usr/share/ansible/collections" "$TARBALL" >/dev/null
tar --numeric-owner --owner=0 --group=0 -C "$W/collection" -cf "$W/collection.tar" .

# ---- the image ------------------------------------------------------------------------------------------
lay=$W/oci
umoci init --layout "$lay"
umoci new --image "$lay:1"
umoci raw add-layer --image "$lay:1" --history.created_by "tests/cluster/images/build-ee.sh (dependencies)" \
	--history.created "1970-01-01T00:00:00Z" "$DEPS"
umoci raw add-layer --image "$lay:1" --history.created_by "tests/cluster/images/build-ee.sh $(basename "$TARBALL")" \
	--history.created "1970-01-01T00:00:00Z" "$W/collection.tar"
umoci config --no-history --image "$lay:1" --architecture "$ARCH" --os linux \
	--author "kubedebug test bed (tests/cluster/images/build-ee.sh)" --created "1970-01-01T00:00:00Z" \
	--config.label "org.opencontainers.image.ref.name=$REF" --config.workingdir /tmp --config.cmd ansible-playbook \
	--config.env "PATH=/opt/ee/bin:$BASE_PATH" --config.env "ANSIBLE_COLLECTIONS_PATH=/usr/share/ansible/collections" \
	--config.env "HOME=/tmp" --config.env "LC_ALL=C.UTF-8" --config.env "ANSIBLE_PYTHON_INTERPRETER=/opt/ee/bin/python"
umoci gc --layout "$lay"
jq --arg ref "$REF" --arg arch "$ARCH" '.manifests |= map(
	.annotations = ((.annotations // {}) + {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": $ref})
	| .platform = {"architecture": $arch, "os": "linux"})' "$lay/index.json" >"$lay/index.json.new"
mv "$lay/index.json.new" "$lay/index.json"
tar --numeric-owner --owner=0 --group=0 -C "$lay" -cf "$OUT/ee.tar.tmp" oci-layout index.json blobs
mv "$OUT/ee.tar.tmp" "$OUT/ee.tar"
log "ee: built $OUT/ee.tar ($(du -h "$OUT/ee.tar" | cut -f1); collection layer and image $((SECONDS - t0)) s)"
