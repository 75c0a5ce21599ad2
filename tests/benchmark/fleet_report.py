# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet benchmark's report: every results/fleet-*.json merged (the newest run of each bed, N and
side wins) into a committed summary, a chart (time against N per side, log scale) and the generated
block of docs/benchmarks.md."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from doc_block import write_block

SIDE_ORDER = ("kubectl_loop", "kubectl_xargs_p8", "module_c8", "module_c32", "module_c64", "module_rerun", "floor_c32")
NAMES = {"kubectl_loop": "kubectl loop", "kubectl_xargs_p8": "kubectl xargs -P 8", "module_c8": "module c=8",
         "module_c32": "module c=32", "module_c64": "module c=64", "module_rerun": "module re-run (c=32)",
         "floor_c32": "minimal client c=32 (the floor)"}
PHASES = ("list", "plan", "write", "wait", "logs")
BED_NAMES = {"scale": "scale bed (kwok, 100 nodes)", "real": "current era (real pods, one node)"}


def merged(results: Path) -> tuple[dict, dict, list[str]]:
    runs: dict = {}
    beds: dict = {}
    sources = []
    for path in sorted(results.glob("fleet-*.json")):
        data = json.loads(path.read_text())
        sources.append(f"{path.name} (started {data['started']} UTC, load {data['loadavg_start'][0]:.1f})")
        for run in data["runs"]:
            if run["side"].startswith("1pod"):
                runs[(run["bed"], 1, run["side"], run["round"])] = run
            else:
                runs[(run["bed"], run["n"], run["side"])] = run
        beds.update(data.get("beds", {}))
    return runs, beds, sources


def _cell(run: dict | None, key: str, fmt: str) -> str:
    if run is None:
        return "–"
    if "skipped" in run:
        return "skipped"
    value = run.get(key)
    text = "–" if value is None else format(value, fmt)
    return text if run.get("ok") else text + " (NOT OK)"


def table(runs: dict, bed: str) -> list[str]:
    sizes = sorted({k[1] for k in runs if k[0] == bed and len(k) == 3})
    lines = ["| N | side | seconds | s/pod | requests/pod (by verb) | writes/pod | module peak RSS (MiB) | apiserver CPU s | vs loop | vs xargs -P 8 |",
             "|---:|---|---:|---:|---|---:|---:|---:|---:|---:|"]
    for n in sizes:
        loop, xargs = runs.get((bed, n, "kubectl_loop")), runs.get((bed, n, "kubectl_xargs_p8"))
        for side in SIDE_ORDER:
            run = runs.get((bed, n, side))
            if run is None:
                continue
            if "skipped" in run:
                lines.append(f"| {n} | {NAMES[side]} | {run['skipped']} | | | | | | | |")
                continue
            verbs = ", ".join(f"{k} {v / n:.2f}" for k, v in sorted(run["requests_by_verb"].items()))

            def ratio(other: dict | None) -> str:
                ok = other and "skipped" not in other and other.get("ok") and side.startswith("module")
                return f"**{run['seconds'] / other['seconds']:.3f}×**" if ok else ""

            lines.append(f"| {n} | {NAMES[side]} | {_cell(run, 'seconds', '.2f')} | {run['seconds'] / n:.3f} | "
                         f"{run['requests_per_pod']:.2f} ({verbs}) | {run['writes_per_pod']:.2f} | "
                         f"{'' if run.get('module_peak_rss_mib') is None else format(run['module_peak_rss_mib'], '.0f')} | "
                         f"{_cell(run, 'apiserver_cpu_seconds', '.1f')} | {ratio(loop)} | {ratio(xargs)} |")
    return lines


def phases(runs: dict, bed: str) -> list[str]:
    """Seconds per phase: the module's own ``timings`` against the minimal client's (floor_patch.py)."""
    lines = ["| N | side | " + " | ".join(PHASES) + " |", "|---:|---|" + "---:|" * len(PHASES)]
    for key in sorted(k for k in runs if len(k) == 3 and k[0] == bed):
        run = runs[key]
        if "skipped" in run or not run.get("timings"):
            continue
        cells = ["" if run["timings"].get(phase) is None else format(run["timings"][phase], ".2f") for phase in PHASES]
        lines.append(f"| {key[1]} | {NAMES.get(key[2], key[2])} | " + " | ".join(cells) + " |")
    return lines if len(lines) > 2 else []


def one_pod(runs: dict, bed: str) -> list[str]:
    """Medians over the rounds: kubectl's whole process against the module's task and playbook."""
    def med(side: str, key: str) -> float | None:
        values = [r[key] for k, r in runs.items() if len(k) == 4 and k[0] == bed and k[2] == side and r.get("ok")
                  and r.get(key) is not None]
        return statistics.median(values) if values else None

    kubectl, task, playbook = med("1pod_kubectl", "seconds"), med("1pod_module", "task_seconds"), med("1pod_module", "seconds")
    if kubectl is None or task is None:
        return []
    k_write, m_write = med("1pod_kubectl", "to_first_write"), med("1pod_module", "to_first_write")
    p_write = med("1pod_module", "process_to_first_write")
    return [f"One pod (median of 3 rounds): kubectl debug + wait + logs {kubectl:.2f} s as a whole process (its write "
            f"{k_write or 0:.2f} s after start); the module's task {task:.2f} s (its write {m_write or 0:.2f} s after the "
            f"task started, {'–' if p_write is None else format(p_write, '.2f')} s after the module's Python process "
            f"started; task / kubectl **{task / kubectl:.2f}×**); the whole ansible-playbook {playbook:.2f} s "
            f"(**{playbook / kubectl:.2f}×**).", ""]


def chart(runs: dict, path: Path) -> None:
    # matplotlib is a bench-only requirement (tests/benchmark/requirements-bench.txt).
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    beds = [b for b in ("scale", "real") if any(k[0] == b for k in runs)]
    fig, axes = plt.subplots(1, len(beds), figsize=(6 * len(beds), 4.5), squeeze=False)
    for ax, bed in zip(axes[0], beds):
        for side in SIDE_ORDER:
            points = sorted((k[1], r["seconds"]) for k, r in runs.items()
                            if len(k) == 3 and k[0] == bed and k[2] == side and "skipped" not in r and r.get("ok"))
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=NAMES[side])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("pods (N)")
        ax.set_ylabel("wall time (s)")
        ax.set_title(BED_NAMES[bed])
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)


def report(results: Path, summary: Path, chart_path: Path, doc: Path, markers: tuple[str, str]) -> int:
    runs, beds, sources = merged(results)
    if not runs:
        raise SystemExit(f"no fleet results in {results}")
    summary.write_text(json.dumps({"sources": sources, "beds": beds,
                                   "runs": [runs[k] for k in sorted(runs, key=lambda k: (k[0], k[1], k[2], k[3:]))]},
                                  indent=1, default=str) + "\n")
    chart(runs, chart_path)
    lines = ["Merged from " + "; ".join(sources) + ".", ""]
    for bed in ("scale", "real"):
        if not any(k[0] == bed for k in runs):
            continue
        lines += [f"**{BED_NAMES[bed]}**", ""]
        latencies = [f"N={key.split('/')[1]}: {v['latency']['median']:.2f} s ({v['latency']['min']:.2f}–{v['latency']['max']:.2f})"
                     for key, v in sorted(beds.items(), key=lambda kv: int(kv[0].split('/')[1])) if key.startswith(bed + "/")]
        if latencies:
            lines += ["The bed's own latency, kubectl debug write → terminated status seen by a watch (median, min–max of 5): "
                      + "; ".join(latencies) + ".", ""]
        lines += one_pod(runs, bed)
        lines += table(runs, bed) + [""]
        split = phases(runs, bed)
        if split:
            lines += ["Seconds per phase: the module's `timings` against the minimal client's (tests/benchmark/floor_patch.py).", ""]
            lines += split + [""]
    lines += [f"![time against N, log scale]({chart_path.relative_to(doc.parent).as_posix()})", ""]
    write_block(doc, markers, lines)
    return 0
