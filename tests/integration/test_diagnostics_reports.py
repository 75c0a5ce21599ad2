"""report.html and index.html as a person sees them: two real runs on the test bed - thread
dumps of JVMs, a packet capture, a failing check and a skipped pod - then Debian's chromium, headless, loads both
pages from the file system: the DOM it built holds what a person looks for, and it takes the screenshots shown in
docs/diagnostics.md (KUBEDEBUG_UPDATE_SCREENSHOTS=1 writes them to docs/images/)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from html.parser import HTMLParser
from pathlib import Path

from support.ansible import REPO
from support.diagnostics import diagnose, ok, summary
from support.ephemeral import run_ec
from support.pods import IMAGES, create_and_wait, java_pod, tools_pod

SCREENSHOTS = REPO / "docs" / "images"


def chromium(*args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("chromium")
    assert binary, "Debian's chromium is missing: tests/cluster/install-deps.sh installs it"
    return subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--force-device-scale-factor=1", *args], capture_output=True, text=True, timeout=120, check=True)


class Dom(HTMLParser):
    """Elements of the DOM chromium built: (tag, attributes) and the text under each id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data

    def ids(self) -> set:
        return {a.get("id") for _t, a in self.tags if a.get("id")}


def loaded(page: Path) -> Dom:
    """The page as chromium built it from file:// (nothing fetched from elsewhere: the pages are self-contained)."""
    proc = chromium("--dump-dom", page.as_uri())
    dom = Dom()
    dom.feed(proc.stdout)
    assert dom.tags, proc.stderr[-2000:]
    return dom


def screenshot(page: Path, out: Path, height: int) -> None:
    chromium("--window-size=1000,{0}".format(height), f"--screenshot={out}", page.as_uri())
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_and_index_pages_in_a_real_browser(cluster, ns, tmp_path):
    core = cluster.core()
    for name in ("ledger-0", "ledger-1"):
        create_and_wait(core, ns, java_pod(name, labels={"app": "ledger"}))
    create_and_wait(core, ns, tools_pod("gateway-0", labels={"app": "gateway"}))
    create_and_wait(core, ns, tools_pod("batch-0", labels={"app": "batch"}))
    create_and_wait(core, ns, tools_pod("batch-1", labels={"app": "batch"}))
    # batch-1 already holds two containers: with diagnostics_max_ephemeral_containers=2 it is skipped in both runs (the
    # others get their second container in the second run), and the report says why.
    for name in ("earlier-1", "earlier-2"):
        assert not run_ec(cluster, {"namespace": ns, "pod": "batch-1", "name": name, "image": IMAGES["tools"],
                                    "command": ["true"], "wait": True, "wait_for": "terminated"}).get("failed")
    size = 1000 + uuid.uuid4().int % 900
    traffic = subprocess.Popen(  # pylint: disable=consider-using-with
        [str(cluster.era.bin_dir / "kubectl"), f"--kubeconfig={cluster.kubeconfig}", "exec", "-n", ns, "gateway-0", "--",
         "sh", "-c", f"while true; do ping -c 1 -W 1 -s {size} 127.0.0.1 >/dev/null 2>&1; sleep 0.2; done"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    targets = [
        {"name": "ledger thread dumps", "namespace": ns, "label_selector": "app=ledger", "container": "app", "recipe": "jvm_thread_dump"},
        {"name": "gateway traffic", "namespace": ns, "label_selector": "app=gateway", "recipe": "network_capture",
         "options": {"packets": 8, "seconds": 20, "filter": "icmp"}},
        {"name": "batch check", "namespace": ns, "label_selector": "app=batch", "recipe": "custom", "image": IMAGES["tools"],
         "command": ["sh", "-c", "echo checking; exit 3"]},
    ]
    try:
        for run_id in ("report1", "report2"):
            proc, artifacts = diagnose(cluster, tmp_path, targets, run_id=run_id, diagnostics_max_ephemeral_containers=2)
            ok(proc)
    finally:
        traffic.terminate()
        traffic.wait(timeout=30)
    data = summary(artifacts, "report2")

    report = artifacts / "report2" / "report.html"
    dom = loaded(report)
    assert {"status", "facts", "group-table", "pod-table", "thread-dumps", "captures", "capture-table", "skipped", "skipped-table"} <= dom.ids()
    assert "Completed with problems" in dom.text and "exit code 3" in dom.text
    # Thread counts by state per JVM, drawn as bars with their counts.
    bars = [a for t, a in dom.tags if t == "rect" and a.get("data-state")]
    assert {a["data-state"] for a in bars} >= {"RUNNABLE", "BLOCKED", "WAITING", "TIMED_WAITING"}
    assert len(bars) >= 8  # two JVMs, four states each
    assert sum(int(a["data-count"]) for a in bars if a["data-state"] == "TIMED_WAITING") >= 2  # the sleeping workers
    for pod in data["pods"]:
        if pod["recipe"] == "jvm_thread_dump":
            assert pod["analysis"]["threads"] >= 4 and pod["analysis"]["vm"], pod
    # The capture: packets and who sent them.
    capture = [p for p in data["pods"] if p["recipe"] == "network_capture"][0]
    assert capture["analysis"]["packets"] >= 8 and capture["analysis"]["top_talkers"][0][0] == "127.0.0.1", capture
    assert "127.0.0.1 (" in dom.text
    # The skipped pod and why; every log link opens a file that is there.
    assert "batch-1" in dom.text and "max_ephemeral_containers=2" in dom.text
    links = [a["href"] for t, a in dom.tags if t == "a"]
    assert len(links) == 4 and all((report.parent / link).is_file() for link in links), links

    index = artifacts / "index.html"
    dom = loaded(index)
    assert {"runs-chart", "run-table"} <= dom.ids()
    bars = [a for t, a in dom.tags if t == "rect" and "problems-bar" in (a.get("class") or "")]
    assert [(a["data-run"], a["data-problems"]) for a in bars] == [("report1", "1"), ("report2", "1")]
    links = [a["href"] for t, a in dom.tags if t == "a"]
    assert links == ["report2/report.html", "report1/report.html"] and all((index.parent / link).is_file() for link in links)

    shots = tmp_path / "shots"
    shots.mkdir()
    screenshot(report, shots / "diagnostics-report.png", 1500)
    screenshot(index, shots / "diagnostics-index.png", 640)
    if os.environ.get("KUBEDEBUG_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(exist_ok=True)
        for shot in shots.iterdir():
            shutil.copyfile(shot, SCREENSHOTS / shot.name)
