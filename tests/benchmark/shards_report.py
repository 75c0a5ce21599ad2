# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shards benchmark's report: every results/shards-*.json merged (the newest run of each N and configuration
wins) into a committed summary, a chart (wall time and peak RSS per configuration) and the generated block of
docs/benchmarks.md."""

from __future__ import annotations

import json
from pathlib import Path

from doc_block import write_block

PHASES = ("list", "plan", "write", "wait", "logs")
RSS_TARGET_MIB = 200


def merged(results: Path) -> tuple[dict, list[str]]:
    runs: dict = {}
    sources = []
    for path in sorted(results.glob("shards-*.json")):
        data = json.loads(path.read_text())
        sources.append(f"{path.name} (started {data['started']} UTC)")
        for run in data["runs"]:
            runs[(run["n"], run["shards"], bool(run["killed"]))] = run
    return runs, sources


def _phase_cells(run: dict) -> list[str]:
    """Each phase's seconds, the slowest process's where there are several (they run at once)."""
    cells = []
    for phase in PHASES:
        values = [(p.get("timings") or {}).get(phase) for p in run["processes"]]
        values = [v for v in values if v is not None]
        cells.append(format(max(values), ".1f") if values else "–")
    return cells


def table(runs: dict) -> list[str]:
    lines = ["| N | configuration | wall s | vs one process | " + " | ".join(PHASES) +
             " | peak RSS MiB (largest process) | writes logged 2xx (+ cut off) | pods missed / twice | LIST / WATCH requests |"
             " load start → end |",
             "|---:|---|---:|---:|" + "---:|" * len(PHASES) + "---:|---:|---:|---:|---|"]
    for key in sorted(runs):
        run = runs[key]
        one = runs.get((key[0], 1, False))
        speedup = f"**{one['seconds'] / run['seconds']:.2f}×**" if one and one["ok"] and key[1] > 1 else ""
        rss = [p["module_peak_rss_mib"] for p in run["processes"] if p["module_peak_rss_mib"] is not None]
        checks, requests = run["checks"], run.get("module_requests") or {}
        cut_off = f" (+{checks['writes_cut_off']})" if checks.get("writes_cut_off") else ""
        lines.append(f"| {run['n']:,} | {run['label']}{'' if run['ok'] else ' (NOT OK)'} | {run['seconds']:.1f} | "
                     f"{speedup} | " + " | ".join(_phase_cells(run)) + f" | {max(rss, default=0):.0f} | "
                     f"{checks['writes']:,}{cut_off} | {checks['pods_missed']} / {checks['pods_written_twice']} | "
                     f"{requests.get('list pods', 0)} / {requests.get('watch pods', 0)} | "
                     f"{run['loadavg_start'][0]:.1f} → {run['loadavg_end'][0]:.1f} |")
    return lines


def cpu_table(runs: dict) -> list[str]:
    """Where the machine's CPU went during each run: all the bed's parts and every process share its cores."""
    lines = ["| N | configuration | cores busy | CPU s in all | kube-apiserver | etcd | kwok | module processes |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for key in sorted(runs):
        run, cpu = runs[key], runs[key].get("cpu")
        if not cpu:
            continue
        modules = [p.get("module_cpu_seconds") for p in run["processes"] if p.get("module_cpu_seconds") is not None]
        busy = "–" if cpu["machine_busy_share"] is None else f"{100 * cpu['machine_busy_share']:.0f} % of {cpu['cores']}"
        lines.append(f"| {run['n']:,} | {run['label']} | {busy} | {cpu['machine_cpu_seconds']:.0f} | "
                     f"{cpu.get('kube-apiserver_cpu_seconds', 0):.0f} | {cpu.get('etcd_cpu_seconds', 0):.0f} | "
                     f"{cpu.get('kwok_cpu_seconds', 0):.0f} | {sum(modules):.0f} |")
    return lines + [""] if len(lines) > 2 else []


def killed_lines(runs: dict) -> list[str]:
    lines = []
    for key in sorted(k for k in runs if k[2]):
        run, killed = runs[key], runs[key]["killed"]
        lines.append(f"Killed and re-run (N={run['n']:,}, {run['shards']} shards): shard 0 was killed (SIGKILL to its "
                     f"ansible-runner and every process below it) {killed['after_seconds']} s in, when all shards "
                     f"together had {killed['writes_of_all_shards_then']:,} writes; {killed['written_before_kill']:,} of "
                     f"its {killed['shard_pods']:,} pods were written before the kill and none again by the re-run "
                     f"({killed['rerun_seconds']} s), which wrote the rest. " + cut_off_sentence(run["checks"]))
    return lines + [""] if lines else []


def cut_off_sentence(checks: dict) -> str:
    if not checks["writes_cut_off"]:
        return "No write was in flight when it died. Every pod's spec gained exactly one container."
    return (f"The kill cut off {checks['writes_cut_off']} writes in flight (the audit log says 504, context canceled); "
            f"{checks['pods_written_by_a_cut_off_request']} of them had reached etcd all the same (the pod holds the "
            "container, the log no 2xx write for it), and the re-run saw them and left them be; the others it wrote. "
            "Every pod's spec gained exactly one container.")


def chart(runs: dict, path: Path) -> None:
    # matplotlib is a bench-only requirement (tests/benchmark/requirements-bench.txt).
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    keys = sorted(runs)
    labels = [f"N={k[0]:,}\n{runs[k]['label'].replace(', ', chr(10))}" for k in keys]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    left.bar(range(len(keys)), [runs[k]["seconds"] for k in keys], color="tab:blue")
    left.set_ylabel("wall time (s)")
    left.set_title("one task over the fleet, 1 / 4 / 8 processes")
    right.bar(range(len(keys)), [max((p["module_peak_rss_mib"] or 0) for p in runs[k]["processes"]) for k in keys],
              color="tab:green")
    right.axhline(RSS_TARGET_MIB, color="tab:red", linestyle="--", label=f"{RSS_TARGET_MIB} MiB")
    right.set_ylabel("peak RSS of the largest module process (MiB)")
    right.set_title("memory")
    right.legend(fontsize=8)
    for ax in (left, right):
        ax.set_xticks(range(len(keys)), labels, fontsize=7)
        ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)


def report(results: Path, summary: Path, chart_path: Path, doc: Path, markers: tuple[str, str]) -> int:
    runs, sources = merged(results)
    if not runs:
        raise SystemExit(f"no shards results in {results}")
    summary.write_text(json.dumps({"sources": sources, "runs": [runs[k] for k in sorted(runs)]}, indent=1) + "\n")
    chart(runs, chart_path)
    lines = ["Merged from " + "; ".join(sources) + ". Phases: seconds of the slowest process.", ""]
    lines += table(runs) + [""] + killed_lines(runs)
    lines += ["CPU during each run (from /proc; ansible-playbook and ansible-runner themselves are in the total only):",
              ""] + cpu_table(runs)
    lines += [f"![wall time and peak RSS per configuration]({chart_path.relative_to(doc.parent).as_posix()})", ""]
    write_block(doc, markers, lines)
    return 0
