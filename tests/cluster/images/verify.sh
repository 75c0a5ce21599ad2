#!/usr/bin/env bash
# Smoke-test the built image archives in a throwaway containerd (own root/state/socket under a
# temp dir, CRI plugin disabled), then stop it and remove everything it made.
#
#   sudo tests/cluster/images/verify.sh          # after ./build.sh
#
# Checks: names after import; pause stays up, reaps orphans, exits 0 on SIGTERM; busybox-tools runs
# tcpdump and ps; java-app prints as uid 1000; jstack from the jdk image, in java-app's PID namespace
# with the same /tmp, dumps kubedebug-worker-1 as uid 1000 and as root, and fails without the /tmp.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $(id -u) == 0 ]] || { echo "must run as root" >&2; exit 1; }

T=$(mktemp -d /tmp/kubedebug-images-verify.XXXXXX)
SOCK=$T/c.sock
CPID=
C() { ctr --address "$SOCK" -n k8s.io "$@"; }
ok() { printf '[verify] ok: %s\n' "$*" >&2; }
fail() { printf '[verify] FAIL: %s\n' "$*" >&2; exit 1; }

cleanup() {
	local rc=$? c
	set +e
	if [[ -n $CPID ]] && kill -0 "$CPID" 2>/dev/null; then
		for c in $(C tasks ls -q 2>/dev/null); do C tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true; done
		sleep 1
		for c in $(C containers ls -q 2>/dev/null); do
			C tasks rm -f "$c" >/dev/null 2>&1 || true
			C containers rm "$c" >/dev/null 2>&1 || true
		done
		kill "$CPID"
		wait "$CPID" 2>/dev/null || true
	fi
	findmnt -rno TARGET | grep "^$T/" | sort -r | while read -r m; do umount -l "$m" || true; done
	rm -rf --one-file-system "$T"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$T/config.toml" <<CFG
version = 2
root = "$T/root"
state = "$T/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$T/opt"
CFG
containerd --config "$T/config.toml" >"$T/containerd.log" 2>&1 &
CPID=$!
for _ in $(seq 50); do [[ -S $SOCK ]] && C version >/dev/null 2>&1 && break; sleep 0.2; done
C version >/dev/null || fail "containerd did not start (see $T/containerd.log)"

"$HERE/import.sh" "$SOCK"
while read -r ref; do
	C images ls -q | grep -xF "$ref" >/dev/null || fail "missing $ref"
done < <(awk '!/^#/ && NF { print $2 }' "$HERE/refs")
ok "images named: $(C images ls -q | tr '\n' ' ')"

# pause
C run -d kubedebug.local/pause:1 v-pause >/dev/null
sleep 1
[[ $(C tasks ls | awk '$1 == "v-pause" { print $3 }') == RUNNING ]] || fail "pause is not running"
C tasks kill -s SIGTERM v-pause
for _ in $(seq 20); do [[ $(C tasks ls | awk '$1 == "v-pause" { print $3 }') == STOPPED ]] && break; sleep 0.2; done
C containers rm v-pause >/dev/null
set +e
C run --rm kubedebug.local/pause:1 v-pause2 >/dev/null 2>&1 &
rp=$!; sleep 1; C tasks kill -s SIGTERM v-pause2; wait $rp; rc=$?
set -e
[[ $rc == 0 ]] || fail "pause exited $rc on SIGTERM"
ok "pause stays up and exits 0 on SIGTERM"
# zombie reaping: run the pause binary as PID 1 of a busybox-tools container and orphan children
mkdir -p "$T/pb"
(cd "$HERE/pause" && CGO_ENABLED=0 GOTOOLCHAIN=local go build -trimpath -o "$T/pb/pause" .)
C run -d --mount "type=bind,src=$T/pb,dst=/pb,options=rbind:ro" kubedebug.local/busybox-tools:1 v-reap2 /pb/pause >/dev/null
sleep 1
C tasks exec --exec-id e1 v-reap2 sh -c 'for i in 1 2 3; do sleep 1 & done; exit 0'
sleep 2.5
z=$(C tasks exec --exec-id e2 v-reap2 ps -eo stat= | grep -c '^Z' || true)
[[ $z == 0 ]] || fail "pause left $z zombies"
C tasks kill -s SIGTERM v-reap2; sleep 1; C containers rm v-reap2 >/dev/null
ok "pause reaps orphaned children"

# busybox-tools
C run --rm kubedebug.local/busybox-tools:1 v-bb tcpdump --version 2>&1 | grep '^tcpdump version' >/dev/null || fail "tcpdump"
C run --rm kubedebug.local/busybox-tools:1 v-bb2 ps -ef | grep 'ps -ef' >/dev/null || fail "ps"
C run --rm kubedebug.local/busybox-tools:1 v-bb3 sh -c 'busybox wget --help 2>&1 | head -1; command -v vi nc wget' >/dev/null || fail "busybox applets"
ok "busybox-tools: tcpdump, ps, busybox applets"

# java-app + jdk
mkdir -m 1777 "$T/shared-tmp"
MNT="type=bind,src=$T/shared-tmp,dst=/tmp,options=rbind:rw"
C run -d --mount "$MNT" kubedebug.local/java-app:17 v-java >/dev/null
sleep 5
JPID=$(C tasks ls | awk '$1 == "v-java" { print $2 }')
[[ $(stat -c %u "/proc/$JPID") == 1000 ]] || fail "java-app does not run as uid 1000"
C run --rm kubedebug.local/java-app:17 v-jre sh -c '! command -v jstack && ! command -v jcmd && ! command -v javac && ! ls /usr/lib/jvm/*/bin/jstack' >/dev/null 2>&1 ||
	fail "java-app image has JDK tools"
ok "java-app runs as uid 1000; JRE only"
AS1000=(setpriv --reuid 1000 --regid 1000 --clear-groups)
C run --rm --with-ns "pid:/proc/$JPID/ns/pid" --mount "$MNT" kubedebug.local/jdk:17 v-jstack "${AS1000[@]}" jstack 1 >"$T/dump-1000.txt" 2>&1 || true
grep -q '"kubedebug-worker-1"' "$T/dump-1000.txt" || { cat "$T/dump-1000.txt" >&2; fail "jstack as uid 1000"; }
C run --rm --with-ns "pid:/proc/$JPID/ns/pid" --mount "$MNT" kubedebug.local/jdk:17 v-jstack-root jstack 1 >"$T/dump-root.txt" 2>&1 || true
grep -q '"kubedebug-worker-1"' "$T/dump-root.txt" || { cat "$T/dump-root.txt" >&2; fail "jstack as root"; }
ok "jstack 1 from the jdk image (uid 1000 and root, shared PID ns + /tmp) dumps kubedebug-worker-1"
C run --rm --with-ns "pid:/proc/$JPID/ns/pid" kubedebug.local/jdk:17 v-jstack-notmp "${AS1000[@]}" jstack 1 >"$T/dump-notmp.txt" 2>&1 || true
grep -q 'Unable to open socket file /tmp/.java_pid1' "$T/dump-notmp.txt" || { cat "$T/dump-notmp.txt" >&2; fail "jstack without shared /tmp should fail"; }
ok "without the shared /tmp jstack fails: $(head -1 "$T/dump-notmp.txt")"
C tasks kill -s SIGTERM v-java
ok "all checks passed"
