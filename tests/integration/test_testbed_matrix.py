"""The version matrix's fixed facts, no server needed: each minor's listeners clash with no other era's and stay below
Linux's ephemeral ports, each minor is pinned to its own release, the openapi step skips what Go never builds, and
the support table keeps the rows of minors a run did not cover."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from testbed import eras, matrix, matrix_cli, openapi

SUFFIXES = (443, 444, 379, 380, 381)  # apiserver, the refusal probe's apiserver, etcd client, peer, metrics
REPO = Path(__file__).resolve().parents[2]


def _ports(era: eras.Era) -> set[int]:
    return {era.port(s) for s in SUFFIXES}


def test_every_minor_listens_on_its_own_ports_below_the_ephemeral_range():
    taken = set().union(*(_ports(e) for e in eras.ALL_ERAS.values())) | {19379, 19443}  # legacy-ha's host listeners
    for minor in matrix.VERSIONS:
        ports = _ports(matrix.era(minor))
        assert not ports & taken, f"1.{minor}: {sorted(ports & taken)} already taken"
        assert max(ports) < 32768, f"1.{minor}: {max(ports)} is in Linux's ephemeral port range"
        taken |= ports


def test_each_minor_is_pinned_to_its_release():
    for minor, version in matrix.VERSIONS.items():
        era = matrix.era(minor)
        assert era.minor == minor and version.startswith(f"v1.{minor}.")
        go_mod = (era.module_dir / "go.mod").read_text()
        assert f"require k8s.io/kubernetes {version}" in go_mod or f"k8s.io/kubernetes {version}\n" in go_mod, era.module_dir
        assert "cmd/kube-apiserver" in (era.module_dir / "tools.go").read_text()


def test_minors_are_read_as_16_or_1_16_and_the_sets_by_name():
    assert matrix_cli._minors(["16", "1.18"]) == [16, 18]
    assert matrix_cli._minors(["representative"]) == list(matrix.REPRESENTATIVE)
    assert matrix_cli._minors(["all"]) == list(matrix.VERSIONS)


def test_openapi_skips_directories_go_never_builds():
    assert not openapi._ignored_by_go(".") and not openapi._ignored_by_go("pkg/apis/core")
    assert openapi._ignored_by_go("_examples/apiserver/apis/example/v1") and openapi._ignored_by_go("pkg/testdata/x")


def test_the_support_table_keeps_rows_a_run_did_not_cover():
    spec = importlib.util.spec_from_file_location("matrix_table", REPO / "hack" / "matrix_table.py")
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    old = table.HEADER + "| 1.16 | v1.16.15 | earlier | **passed** (9/9) | 2026-12-01 |\n| 1.18 | v1.18.19 | not run yet | | |\n"
    merged = table.merged_table(old, {18: "| 1.18 | v1.18.19 | now | **passed** (9/9) | 2026-12-07 |"})
    assert merged.splitlines()[2:] == ["| 1.16 | v1.16.15 | earlier | **passed** (9/9) | 2026-12-01 |",
                                       "| 1.18 | v1.18.19 | now | **passed** (9/9) | 2026-12-07 |"]
