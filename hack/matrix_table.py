# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The version matrix's support table, from a run's JUnit XML (hack/test-matrix.sh writes it).

Prints one row per minor that ran. With --update-docs it also replaces those minors' rows in the table between
the ``matrix-table`` markers of docs/ephemeral-containers.md, docs/feature-gates.md and their zh-CN twins; the rows
of minors this run did not cover stay as they were, so a subset run never erases an earlier result.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from xml.etree import ElementTree
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "cluster"))

from testbed import matrix  # noqa: E402  (the test bed's package, next to the tests)

DOCS = ("docs/ephemeral-containers.md", "docs/feature-gates.md",
        "docs/zh-CN/ephemeral-containers.md", "docs/zh-CN/feature-gates.md")
START, END = "<!-- matrix-table:start -->", "<!-- matrix-table:end -->"
HEADER = ("| minor | kube-apiserver | what ran | result | date |\n"
          "|---|---|---|---|---|\n")
# Test function -> the short name of what it checks, in the table's words.
CHECKS = {
    "test_named_container_is_written_once_and_a_rerun_writes_nothing": "inject named, re-run 0 writes",
    "test_derived_name_is_stable_and_a_rerun_writes_nothing": "derived name",
    "test_an_immutable_change_is_refused_before_writing": "immutable change refused",
    "test_check_mode_sends_only_what_this_server_supports": "check mode",
    "test_info_reads_the_pods_ephemeral_containers_and_the_era": "info",
    "test_preflight_names_the_era_and_no_gate_problem": "preflight",
    "test_gate_off_info_and_preflight_name_the_gate": "gate off: info, preflight",
    "test_gate_off_ephemeral_container_fails_without_writing": "gate off: error, 0 writes",
    "test_alpha_and_beta_gates_take_both_values_and_the_role_decides_by_stage": "gate =true/=false, role decision",
    "test_locked_gate_true_is_accepted": "gate =true accepted",
    "test_locked_gate_false_stops_the_apiserver_and_the_role_never_writes_it": "=false refused, role agrees",
    "test_removed_gate_stops_the_apiserver_and_the_role_refuses_the_same": "=true refused, role agrees",
}
_CASE = re.compile(r"^(?P<test>test_\w+)\[1\.(?P<minor>\d+)\]$")


def results(junit: Path) -> dict[int, list[tuple[str, bool]]]:
    """minor -> [(check, passed)] in the order they ran."""
    out: dict[int, list[tuple[str, bool]]] = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        match = _CASE.match(case.get("name", ""))
        if not match:
            continue
        passed = not any(child.tag in ("failure", "error", "skipped") for child in case)
        check = CHECKS.get(match["test"], match["test"])
        out.setdefault(int(match["minor"]), []).append((check, passed))
    return out


def row(minor: int, checks: list[tuple[str, bool]], date: str) -> str:
    failed = [name for name, ok in checks if not ok]
    verdict = f"**passed** ({len(checks)}/{len(checks)})" if not failed else f"**FAILED**: {', '.join(failed)}"
    return f"| 1.{minor} | {matrix.VERSIONS[minor]} | {'; '.join(name for name, _ok in checks)} | {verdict} | {date} |"


def merged_table(old: str, new_rows: dict[int, str]) -> str:
    rows = {int(m.group(1)): line for line in old.splitlines() if (m := re.match(r"^\| 1\.(\d+) \|", line))}
    rows.update(new_rows)
    return HEADER + "".join(rows[m] + "\n" for m in sorted(rows))


def update(doc: Path, new_rows: dict[int, str]) -> None:
    text = doc.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"{doc}: no {START} ... {END} markers")
    head, rest = text.split(START, 1)
    old, tail = rest.split(END, 1)
    doc.write_text(f"{head}{START}\n{merged_table(old, new_rows)}{END}{tail}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("junit", type=Path)
    parser.add_argument("--update-docs", action="store_true")
    parser.add_argument("--date", default=datetime.date.today().isoformat())
    options = parser.parse_args(argv)
    found = results(options.junit)
    new_rows = {minor: row(minor, checks, options.date) for minor, checks in found.items()}
    for minor in matrix.VERSIONS:
        print(new_rows.get(minor, f"| 1.{minor} | {matrix.VERSIONS[minor]} | not run in this run | | |"))
    if options.update_docs:
        for doc in DOCS:
            update(REPO / doc, new_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
