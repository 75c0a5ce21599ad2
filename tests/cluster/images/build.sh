#!/usr/bin/env bash
# Build the local test bed's container images as OCI archives, without Docker or a registry.
#
#   tests/cluster/images/build.sh [NAME...]      # default: every image in ./refs
#
# Output: ${KUBEDEBUG_TESTBED_CACHE:-$HOME/.cache/kubedebug-testbed}/images/<name>.tar
#   (a tar of an OCI image layout whose index names the image by its full ref, see ./refs),
#   next to it <name>.tar.recipe (hash of the recipe; the archive is rebuilt only when it changes).
# Debian images start from one debootstrap --variant=minbase rootfs, cached as base-<suite>.tar;
# downloaded .debs are kept in apt-archives/ and reused. Needs root (debootstrap, chroot, mount),
# debootstrap, umoci, jq, and for the pause/java-app images go and javac (Java 17).
# Import into a containerd with ./import.sh ADDRESS.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${KUBEDEBUG_TESTBED_CACHE:-$HOME/.cache/kubedebug-testbed}
OUT=$CACHE/images
SUITE=${KUBEDEBUG_DEBIAN_SUITE:-bookworm}
MIRROR=${KUBEDEBUG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
ARCH=$(dpkg --print-architecture)   # amd64/arm64: same names as OCI
JVM=/usr/lib/jvm/java-17-openjdk-$ARCH
BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
APP_UID=1000                         # java-app runs as this uid; run jstack as it (or root), see README

log() { printf '[images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

ref_of() { awk -v n="$1" '$1 == n { print $2 }' "$HERE/refs"; }
all_names() { awk '!/^#/ && NF { print $1 }' "$HERE/refs"; }

[[ $(id -u) == 0 ]] || die "must run as root (debootstrap, chroot, mount)"
for t in umoci jq tar sha256sum flock; do command -v "$t" >/dev/null || die "missing tool: $t"; done

mkdir -p "$OUT" "$OUT/apt-archives/partial"
exec 9>"$OUT/.lock"
flock 9 || die "cannot lock $OUT/.lock"

# ---------------------------------------------------------------------------------------------
# Mount bookkeeping: everything mounted is unmounted in the EXIT trap, even on failure,
# before any work directory is removed.
MOUNTS=()
WORKDIRS=()
cleanup() {
	local rc=$? i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		if mountpoint -q "${MOUNTS[i]}"; then
			umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" || log "WARNING: could not unmount ${MOUNTS[i]}"
		fi
	done
	MOUNTS=()
	rm -f "$OUT"/*.tar.tmp
	for d in "${WORKDIRS[@]}"; do
		if [[ -d $d ]]; then
			if findmnt -rno TARGET | grep "^$d/" >/dev/null; then
				log "WARNING: mounts left under $d; not removing it"
			else
				rm -rf --one-file-system "$d"
			fi
		fi
	done
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

do_mount() { # do_mount TARGET mount-args...
	local target=$1; shift
	mount "$@" "$target"
	MOUNTS+=("$target")
}
undo_mounts() {
	local i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		mountpoint -q "${MOUNTS[i]}" && umount "${MOUNTS[i]}"
	done
	MOUNTS=()
}

WORK=
new_workdir() { # new_workdir NAME -> sets WORK (no subshell: the EXIT trap must know it)
	local d=$OUT/.work/$1
	if [[ -e $d ]]; then
		findmnt -rno TARGET | grep "^$d/" >/dev/null && die "stale mounts under $d; unmount them first"
		rm -rf --one-file-system "$d"
	fi
	mkdir -p "$d"
	WORKDIRS+=("$d")
	WORK=$d
}

# ---------------------------------------------------------------------------------------------
# Base rootfs: debootstrap --variant=minbase, cached as a tarball.
BASE_TAR=$OUT/base-$SUITE.tar
BASE_KEY="debootstrap --variant=minbase --arch=$ARCH $SUITE $MIRROR v1"
base_hash() { printf '%s\n' "$BASE_KEY" | sha256sum | cut -d' ' -f1; }

ensure_base() {
	if [[ -f $BASE_TAR && -f $BASE_TAR.recipe && $(cat "$BASE_TAR.recipe") == "$(base_hash)" ]]; then
		return
	fi
	local w t0=$SECONDS
	new_workdir base
	w=$WORK
	log "debootstrap $SUITE (minbase) from $MIRROR ..."
	debootstrap --variant=minbase --arch="$ARCH" "$SUITE" "$w/rootfs" "$MIRROR" >"$w/debootstrap.log" 2>&1 ||
		{ tail -n 30 "$w/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
	rm -rf "$w/rootfs/var/cache/apt/archives/"*.deb
	tar --numeric-owner -C "$w/rootfs" -cf "$BASE_TAR.tmp" .
	mv "$BASE_TAR.tmp" "$BASE_TAR"
	base_hash >"$BASE_TAR.recipe"
	rm -rf --one-file-system "$w"
	log "base rootfs ready: $BASE_TAR ($(du -h "$BASE_TAR" | cut -f1), $((SECONDS - t0)) s)"
}

# A Debian rootfs for one image: unpack base, apt-get install inside a chroot.
ROOT=
in_chroot() {
	chroot "$ROOT" /usr/bin/env -i PATH="$BASE_PATH" HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}
debian_rootfs() { # debian_rootfs WORKDIR PACKAGE...
	local w=$1; shift
	ROOT=$w/rootfs
	mkdir -p "$ROOT"
	tar --numeric-owner -xpf "$BASE_TAR" -C "$ROOT"
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
	printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
	chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
	cat >"$ROOT/etc/dpkg/dpkg.cfg.d/90-kubedebug-nodoc" <<-'NODOC'
		path-exclude=/usr/share/doc/*
		path-include=/usr/share/doc/*/copyright
		path-exclude=/usr/share/man/*
		path-exclude=/usr/share/info/*
		path-exclude=/usr/share/locale/*
	NODOC
	do_mount "$ROOT/proc" -t proc proc
	do_mount "$ROOT/var/cache/apt/archives" --bind "$OUT/apt-archives"
	in_chroot apt-get -q update >"$w/apt.log" 2>&1 ||
		{ tail -n 30 "$w/apt.log" >&2; die "apt-get update failed (log above)"; }
	in_chroot apt-get -q install -y --no-install-recommends "$@" >>"$w/apt.log" 2>&1 ||
		{ tail -n 30 "$w/apt.log" >&2; die "apt-get install $* failed (log above)"; }
}
finish_rootfs() { # unmount, then strip caches and docs
	undo_mounts
	rm -f "$ROOT/usr/sbin/policy-rc.d"
	: >"$ROOT/etc/resolv.conf"  # the runtime bind-mounts its own
	rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb \
		"$ROOT"/var/cache/debconf/*-old "$ROOT"/var/lib/dpkg/*-old "$ROOT"/var/log/* \
		"$ROOT"/tmp/* "$ROOT"/var/tmp/* "$ROOT"/root/.[!.]* \
		"$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* "$ROOT"/usr/share/locale/*
	find "$ROOT/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
	find "$ROOT/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
	find "$ROOT/dev" -mindepth 1 -delete  # runtimes mount their own /dev
	chmod 1777 "$ROOT/tmp"
}
add_app_user() { # a fixed non-root user "app", uid/gid $APP_UID, writable HOME
	in_chroot groupadd -g "$APP_UID" app
	in_chroot useradd -u "$APP_UID" -g "$APP_UID" -m -d /home/app -s /bin/sh app
}

# ---------------------------------------------------------------------------------------------
# OCI packaging: one layer from a directory, config from umoci, index named by the full ref.
oci_archive() { # oci_archive NAME WORKDIR ROOTFS umoci-config-args...
	local name=$1 w=$2 rootfs=$3; shift 3
	local ref tag lay=$w/oci
	ref=$(ref_of "$name")
	tag=${ref##*:}
	tar --numeric-owner -C "$rootfs" -cf "$w/layer.tar" .
	umoci init --layout "$lay"
	umoci new --image "$lay:$tag"
	umoci raw add-layer --image "$lay:$tag" --history.created_by "tests/cluster/images/build.sh $name" \
		--history.created "1970-01-01T00:00:00Z" "$w/layer.tar"
	rm -f "$w/layer.tar"
	umoci config --no-history --image "$lay:$tag" --architecture "$ARCH" --os linux \
		--author "kubedebug test bed (tests/cluster/images)" --created "1970-01-01T00:00:00Z" \
		--config.label "org.opencontainers.image.ref.name=$ref" "$@"
	umoci gc --layout "$lay"
	# containerd names an imported image after io.containerd.image.name (else ref.name);
	# both carry the full ref, so `ctr images import` needs no --base-name.
	jq --arg ref "$ref" --arg arch "$ARCH" '.manifests |= map(
		.annotations = ((.annotations // {}) + {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": $ref})
		| .platform = {"architecture": $arch, "os": "linux"})' "$lay/index.json" >"$lay/index.json.new"
	mv "$lay/index.json.new" "$lay/index.json"
	tar --numeric-owner --owner=0 --group=0 -C "$lay" -cf "$OUT/$name.tar.tmp" oci-layout index.json blobs
	mv "$OUT/$name.tar.tmp" "$OUT/$name.tar"
}

# ---------------------------------------------------------------------------------------------
# Recipes.
build_pause() {
	local w=$1
	command -v go >/dev/null || die "go is needed to build the pause image"
	mkdir -p "$w/rootfs"
	(cd "$HERE/pause" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod \
		go build -trimpath -ldflags='-s -w' -o "$w/rootfs/pause" .)
	chmod 0755 "$w/rootfs/pause"
	oci_archive pause "$w" "$w/rootfs" \
		--config.entrypoint /pause --config.user 65535:65535 --config.workingdir / \
		--config.env "PATH=$BASE_PATH"
}

build_busybox_tools() {
	local w=$1
	ensure_base
	debian_rootfs "$w" busybox-static tcpdump procps iproute2
	in_chroot busybox --install -s /bin  # all applets; existing commands (ps, ip, sh...) win
	finish_rootfs
	oci_archive busybox-tools "$w" "$ROOT" \
		--config.cmd sh --config.workingdir / --config.env "PATH=$BASE_PATH"
}

build_java_app() {
	local w=$1
	command -v javac >/dev/null || die "javac (Java 17) is needed to compile java-app/Busy.java"
	ensure_base
	debian_rootfs "$w" openjdk-17-jre-headless
	add_app_user
	mkdir -p "$ROOT/app"
	javac --release 17 -d "$ROOT/app" "$HERE/java-app/Busy.java"
	chmod -R a+rX "$ROOT/app"
	finish_rootfs
	# JRE only: no diagnostic or compiler tools may be present.
	local bad
	bad=$(find "$ROOT/usr/bin" "$ROOT$JVM/bin" \( -name jstack -o -name jcmd -o -name javac -o -name jps \
		-o -name jmap -o -name jinfo -o -name jhsdb \) 2>/dev/null || true)
	[[ -z $bad ]] || die "java-app image must be JRE-only, found: $bad"
	[[ -x $ROOT$JVM/bin/java ]] || die "no java in the JRE rootfs"
	oci_archive java-app "$w" "$ROOT" \
		--config.entrypoint java --config.entrypoint -cp --config.entrypoint /app --config.entrypoint Busy \
		--config.user "$APP_UID:$APP_UID" --config.workingdir /home/app \
		--config.env "PATH=$BASE_PATH" --config.env HOME=/home/app --config.env "JAVA_HOME=$JVM"
}

build_jdk() {
	local w=$1
	ensure_base
	debian_rootfs "$w" openjdk-17-jdk-headless
	add_app_user
	rm -rf "$ROOT$JVM/jmods"  # only jlink needs them (~75 MB)
	finish_rootfs
	local t
	for t in jstack jcmd jps java; do
		[[ -x $ROOT$JVM/bin/$t && -e $ROOT/usr/bin/$t ]] || die "jdk image lacks $t"
	done
	oci_archive jdk "$w" "$ROOT" \
		--config.cmd sh --config.workingdir / \
		--config.env "PATH=$JVM/bin:$BASE_PATH" --config.env "JAVA_HOME=$JVM"
}

# Recipe hash: this script, the refs, the image's own directory, the base key, tool versions.
recipe_hash() {
	local name=$1
	{
		sha256sum "$HERE/build.sh" "$HERE/refs" | cut -d' ' -f1
		if [[ -d $HERE/$name ]]; then
			(cd "$HERE/$name" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
		fi
		case $name in
		pause) go version ;;
		java-app) javac -version 2>&1; printf '%s\n' "$BASE_KEY" ;;
		*) printf '%s\n' "$BASE_KEY" ;;
		esac
	} | sha256sum | cut -d' ' -f1
}

build_one() {
	local name=$1 h t0=$SECONDS w
	[[ -n $(ref_of "$name") ]] || die "unknown image '$name' (see $HERE/refs)"
	h=$(recipe_hash "$name")
	if [[ -f $OUT/$name.tar && -f $OUT/$name.tar.recipe && $(cat "$OUT/$name.tar.recipe") == "$h" ]]; then
		log "$name: up to date ($OUT/$name.tar)"
		return
	fi
	rm -f "$OUT/$name.tar.recipe"
	log "$name: building $(ref_of "$name") ..."
	new_workdir "$name"
	w=$WORK
	"build_${name//-/_}" "$w"
	rm -rf --one-file-system "$w"
	echo "$h" >"$OUT/$name.tar.recipe"
	log "$name: built $OUT/$name.tar ($(du -h "$OUT/$name.tar" | cut -f1), $((SECONDS - t0)) s)"
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] || mapfile -t names < <(all_names)
for n in "${names[@]}"; do
	build_one "$n"
done
