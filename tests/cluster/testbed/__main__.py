"""Command line: python3 -m testbed {build,up,down,status,gate,restart-kubelet,kubectl,env} ..."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Iterator

from . import build, cluster, kubelet, scale, teardown
from .eras import ERAS, era


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="testbed", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build_parser = sub.add_parser("build", help="build eras' Kubernetes binaries and the images, side by side")
    build_parser.add_argument("eras", choices=[*ERAS, "all"], nargs="+")
    up = sub.add_parser("up", help="start an era and print its kubeconfig path")
    up.add_argument("era", choices=ERAS)
    up.add_argument("--gate", choices=("on", "off"), default="off", help="legacy: EphemeralContainers gate")
    up.add_argument("--nodes", type=int, default=scale.Settings.nodes, help="scale: how many kwok nodes (1-1000)")
    up.add_argument("--delay-ms", type=_pair, default=scale.Settings.delay_ms, metavar="MIN:MAX",
                    help="scale: an ephemeral container's write to terminated, in ms (default 800:1500)")
    up.add_argument("--max-inflight", type=_pair, default=None, metavar="READS:WRITES",
                    help="scale: kube-apiserver's inflight limits (429 past them); default: its own")
    down = sub.add_parser("down", help="stop an era (or all) and remove its state")
    down.add_argument("era", choices=[*ERAS, "all"], nargs="?", default="all")
    sub.add_parser("status", help="which eras are up")
    gate = sub.add_parser("gate", help="switch the legacy era's gate")
    gate.add_argument("era", choices=ERAS)
    gate.add_argument("state", choices=("on", "off"))
    sub.add_parser("restart-kubelet", help="restart an era's kubelet").add_argument("era", choices=ERAS)
    sub.add_parser("env", help="print shell exports for an era").add_argument("era", choices=ERAS)
    kubectl = sub.add_parser("kubectl", help="run the era's own kubectl")
    kubectl.add_argument("era", choices=ERAS)
    kubectl.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)

    if options.command == "build":
        chosen_eras = [era(name) for name in (ERAS if "all" in options.eras else options.eras)]
        build.prepare(chosen_eras)
        if any(e.simulated for e in chosen_eras):
            for tool in build.TOOLS:
                build.ensure_tool(tool)
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
        for name in ERAS if options.era == "all" else [options.era]:
            forced = teardown.down(ERAS[name])
            left = teardown.leftovers(ERAS[name])
            print(f"{name}: down" + (f" ({'; '.join(forced)})" if forced else ""), file=sys.stderr)
            if left:
                print(f"{name}: LEFT BEHIND: {', '.join(left)}", file=sys.stderr)
                return 1
    elif options.command == "status":
        for name, chosen in ERAS.items():
            state = "up" if cluster.running(chosen) else "down"
            print(f"{name}\t{chosen.version}\t{state}\t{chosen.kubeconfig if state == 'up' else ''}")
    elif options.command == "gate":
        cluster.set_gate(era(options.era), options.state == "on")
    elif options.command == "restart-kubelet":
        kubelet.restart(era(options.era))
    elif options.command == "env":
        chosen = era(options.era)
        print(f"export KUBECONFIG={chosen.kubeconfig}\nexport PATH={chosen.bin_dir}:$PATH")
    elif options.command == "kubectl":
        chosen = era(options.era)
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
