"""Command line: python3 -m testbed {build,up,down,status,gate,restart-kubelet,kubectl,env,s3,matrix} ..."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Iterator

from . import build, cluster, ha, kubelet, matrix_cli, multinode, s3, scale, teardown
from .eras import ALL_ERAS, ERAS, era

ALL = [*ALL_ERAS, *multinode.MODES]  # the eras (the kubelet eras too), and the multi-node mode of the legacy one


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="testbed", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build_parser = sub.add_parser("build", help="build eras' Kubernetes binaries and the images, side by side "
                                                "(all: not the kubelet eras, legacy-1.16 and legacy-1.19)")
    build_parser.add_argument("eras", choices=[*ALL_ERAS, "all"], nargs="+")
    up = sub.add_parser("up", help="start an era (or legacy-ha: 3 control planes, 2 workers) and print its kubeconfig path")
    up.add_argument("era", choices=ALL)
    up.add_argument("--gate", choices=("on", "off"), default="off", help="legacy: EphemeralContainers gate")
    up.add_argument("--nodes", type=int, default=scale.Settings.nodes, help="scale: how many kwok nodes (1-1000)")
    up.add_argument("--delay-ms", type=_pair, default=scale.Settings.delay_ms, metavar="MIN:MAX",
                    help="scale: an ephemeral container's write to terminated, in ms (default 800:1500)")
    up.add_argument("--max-inflight", type=_pair, default=None, metavar="READS:WRITES",
                    help="scale: kube-apiserver's inflight limits (429 past them); default: its own")
    down = sub.add_parser("down", help="stop an era (or all) and remove its state")
    down.add_argument("era", choices=[*ALL, "all"], nargs="?", default="all")
    sub.add_parser("status", help="which eras are up")
    gate = sub.add_parser("gate", help="switch the legacy era's gate (legacy-ha: on every node at once)")
    gate.add_argument("era", choices=ALL)
    gate.add_argument("state", choices=("on", "off"))
    sub.add_parser("restart-kubelet", help="restart an era's kubelet, or a node's: legacy-ha/cp2").add_argument("era")
    sub.add_parser("inventory", help="print the path of legacy-ha's Ansible inventory").add_argument(
        "era", choices=list(multinode.MODES))
    sub.add_parser("env", help="print shell exports for an era").add_argument("era", choices=ALL)
    kubectl = sub.add_parser("kubectl", help="run the era's own kubectl")
    kubectl.add_argument("era", choices=ALL)
    kubectl.add_argument("args", nargs=argparse.REMAINDER)
    s3_parser = sub.add_parser("s3", help="the S3-compatible server (versitygw) beside an era: up prints its endpoint")
    s3_parser.add_argument("action", choices=("up", "down", "env"))
    s3_parser.add_argument("era", choices=list(ERAS))
    matrix_cli.add_parser(sub)
    options = parser.parse_args(argv)

    if options.command == "matrix":
        return matrix_cli.run(options)
    if options.command == "build":
        chosen_eras = [era(name) for name in (ERAS if "all" in options.eras else options.eras)]
        build.prepare(chosen_eras)
        if any(e.simulated for e in chosen_eras):
            for tool in ("kwok", "etcd"):
                build.ensure_tool(tool)
    elif options.command == "up" and options.era in multinode.MODES:
        with _stdout_to_stderr():
            seconds = ha.up(gate=options.gate == "on")
        print(f"{options.era} ({multinode.CLUSTER.version}, {len(multinode.NODES)} nodes) up in {seconds:.1f} s",
              file=sys.stderr)
        print(multinode.CLUSTER.kubeconfig)
    elif options.command == "up":
        chosen = era(options.era)
        # Callers take stdout as the kubeconfig path (KUBECONFIG=$(testbed.sh up ...)), so
        # everything else, builds and their child processes included, goes to stderr.
        settings = scale.Settings(options.nodes, options.delay_ms, options.max_inflight)
        if not 1 <= options.nodes <= 1000:
            raise SystemExit("--nodes: use 1 to 1000")
        with _stdout_to_stderr():
            extra = {"settings": settings} if chosen.simulated else {}
            seconds = cluster.up(chosen, gate=options.gate == "on", **extra)
        print(f"{chosen.name} ({chosen.version}) up in {seconds:.1f} s", file=sys.stderr)
        print(chosen.kubeconfig)
    elif options.command == "down":
        for name in ALL if options.era == "all" else [options.era]:
            if name in multinode.MODES:
                forced, left = ha.down(), ha.leftovers()
            else:
                forced, left = teardown.down(ALL_ERAS[name]), teardown.leftovers(ALL_ERAS[name])
            print(f"{name}: down" + (f" ({'; '.join(forced)})" if forced else ""), file=sys.stderr)
            if left:
                print(f"{name}: LEFT BEHIND: {', '.join(left)}", file=sys.stderr)
                return 1
    elif options.command == "status":
        for name, chosen in ALL_ERAS.items():
            state = "up" if cluster.running(chosen) else "down"
            print(f"{name}\t{chosen.version}\t{state}\t{chosen.kubeconfig if state == 'up' else ''}")
        for name, mode in multinode.MODES.items():
            state = "up" if ha.running() else "down"
            print(f"{name}\t{mode.version}\t{state}\t{mode.kubeconfig if state == 'up' else ''}")
    elif options.command == "gate" and options.era in multinode.MODES:
        ha.set_gate(options.state == "on")
    elif options.command == "gate":
        cluster.set_gate(era(options.era), options.state == "on")
    elif options.command == "restart-kubelet" and "/" in options.era:
        ha.restart_kubelet(multinode.node(options.era))
    elif options.command == "restart-kubelet":
        kubelet.restart(era(options.era))
    elif options.command == "inventory":
        print(multinode.CLUSTER.inventory)
    elif options.command == "env":
        chosen = multinode.MODES.get(options.era) or era(options.era)
        print(f"export KUBECONFIG={chosen.kubeconfig}\nexport PATH={chosen.bin_dir}:$PATH")
    elif options.command == "s3":
        chosen = era(options.era)
        if options.action == "up":
            with _stdout_to_stderr():
                url = s3.up(chosen)
            print(url)
        elif options.action == "down":
            s3.down(chosen)
        else:
            print(s3.env(chosen))
    elif options.command == "kubectl":
        chosen = multinode.MODES.get(options.era) or era(options.era)
        os.execv(str(chosen.bin_dir / "kubectl"), ["kubectl", f"--kubeconfig={chosen.kubeconfig}", *options.args])
    return 0


def _pair(text: str) -> tuple[int, int]:
    try:
        low, high = (int(part) for part in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give two whole numbers as LOW:HIGH") from None
    if not 0 < low <= high:
        raise argparse.ArgumentTypeError(f"{text!r}: need 0 < LOW <= HIGH")
    return low, high


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    sys.stdout.flush()
    saved, saved_stream = os.dup(1), sys.stdout
    os.dup2(2, 1)  # child processes inherit fd 1
    sys.stdout = sys.stderr  # and our own prints may not go through fd 1
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stdout = saved_stream
        os.dup2(saved, 1)
        os.close(saved)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
