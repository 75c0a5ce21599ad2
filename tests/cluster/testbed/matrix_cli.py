"""``testbed matrix build|up|down|status``: the version matrix's eras (matrix.py) from the command line."""

from __future__ import annotations

import argparse
import sys

from . import matrix


def _minors(words: list[str]) -> list[int]:
    """``all``, ``representative`` or minors written 16 or 1.16."""
    if "all" in words:
        return list(matrix.VERSIONS)
    if "representative" in words:
        return list(matrix.REPRESENTATIVE)
    minors = []
    for word in words:
        try:
            minors.append(int(word.split(".")[-1]))
        except ValueError:
            raise SystemExit(f"{word!r}: give minors as 16 or 1.16, or all, or representative") from None
        matrix.era(minors[-1])  # refuses a minor outside the matrix
    return minors


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("matrix", help="the version matrix: kube-apiserver and etcd of each minor 1.16-1.28")
    parser.add_argument("action", choices=("build", "up", "down", "status"))
    parser.add_argument("minors", nargs="*", default=["all"], help="16 or 1.16 ..., all, representative")
    parser.add_argument("--gate", choices=("default", "on", "off"), default="default",
                        help="up: --feature-gates=EphemeralContainers=true|false, or no flag (default)")


def run(options: argparse.Namespace) -> int:
    minors = _minors(options.minors)
    if options.action == "build":
        outcome = matrix.build_all(minors)
        return 1 if any(text.startswith("FAILED") for text in outcome.values()) else 0
    if options.action == "up":
        gate = {"default": None, "on": True, "off": False}[options.gate]
        for minor in minors:
            seconds = matrix.up(minor, gate)
            print(f"1.{minor} ({matrix.VERSIONS[minor]}) up in {seconds:.1f} s", file=sys.stderr)
            print(matrix.era(minor).kubeconfig)
        return 0
    if options.action == "down":
        left = {minor: matrix.down(minor) for minor in minors}
        for minor, leftovers in left.items():
            print(f"1.{minor}: down" + (f"; LEFT BEHIND: {', '.join(leftovers)}" if leftovers else ""), file=sys.stderr)
        return 1 if any(left.values()) else 0
    for minor in minors:
        state = "up" if matrix.running(minor) else "down"
        print(f"1.{minor}\t{matrix.VERSIONS[minor]}\t{'built' if matrix.built(minor) else 'not built'}\t{state}")
    return 0
