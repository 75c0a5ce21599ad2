"""The scheduled paths of docs/diagnostics.md, run for real: the playbook through
ansible-runner, which AWX and Ansible Automation Platform run every job with, and the documented CronJob in the
execution-environment image, every minute on the current era."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from support.ansible import REPO, environment
from support.diagnostics import EXAMPLES, summary
from support.ephemeral import ephemeral_names, raw_pod
from support.pods import IMAGES, create_and_wait, tools_pod


def test_diagnose_through_ansible_runner_as_awx_runs_it(cluster, ns, tmp_path):
    """An AWX-style private data directory: a project whose playbook imports kubedebug.ephemeral.diagnose, the job
    template's variables as extravars, and the Kubernetes credential as K8S_AUTH_* environment variables."""
    create_and_wait(cluster.core(), ns, tools_pod("web", labels={"app": "web"}))
    private = tmp_path / "runner"
    for sub in ("project", "inventory", "env"):
        (private / sub).mkdir(parents=True)
    (private / "project" / "diagnose.yml").write_text("---\n- name: Scheduled diagnostics\n  ansible.builtin.import_playbook: kubedebug.ephemeral.diagnose\n")
    (private / "inventory" / "hosts").write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
    artifacts = tmp_path / "diagnostics"
    (private / "env" / "extravars").write_text(yaml.safe_dump({
        "diagnostics_artifacts_dir": str(artifacts), "diagnostics_run_id": "awx1", "diagnostics_fail_on_problems": True,
        "diagnostics_process_list_image": IMAGES["tools"],
        "diagnostics_targets": [{"namespace": ns, "label_selector": "app=web", "container": "app", "recipe": "process_list"}]}))
    env = environment()
    (private / "env" / "envvars").write_text(yaml.safe_dump({
        "K8S_AUTH_KUBECONFIG": str(cluster.kubeconfig), "ANSIBLE_COLLECTIONS_PATH": env["ANSIBLE_COLLECTIONS_PATH"]}))
    bin_dir = Path(sys.executable).parent
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env.pop("KUBECONFIG", None)
    proc = subprocess.run([str(bin_dir / "ansible-runner"), "run", str(private), "-p", "diagnose.yml", "--ident", "job-1"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    job = private / "artifacts" / "job-1"
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert (job / "rc").read_text().strip() == "0" and (job / "status").read_text().strip() == "successful"
    events = [json.loads(p.read_text()) for p in sorted((job / "job_events").glob("*.json"))]
    stats = [e for e in events if e.get("event") == "playbook_on_stats"]
    assert stats and stats[0]["event_data"]["ok"].get("localhost", 0) > 0 and not stats[0]["event_data"]["failures"]
    said = [e["event_data"]["res"].get("msg") for e in events
            if e.get("event") == "runner_on_ok" and e["event_data"].get("task") == "Say how the run went"]
    assert said and said[0].startswith("the run completed; 1 pod(s): 1 ok"), said
    assert "Say how the run went" in (job / "stdout").read_text()
    data = summary(artifacts, "awx1")
    assert data["status"] == "ok" and "PID" in (artifacts / "awx1" / ns / "web" / "ps-awx1.log").read_text()
    assert (artifacts / "awx1" / "report.html").is_file() and (artifacts / "index.html").is_file()


EE_REF = "kubedebug.local/ee:1"
CACHE = Path(os.environ.get("KUBEDEBUG_TESTBED_CACHE", Path.home() / ".cache" / "kubedebug-testbed"))


def _plain_env() -> dict[str, str]:
    """The environment without the tests' collections path, where this checkout is already "installed"."""
    env = environment()
    env.pop("ANSIBLE_COLLECTIONS_PATH")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.fixture(scope="module")
def ee_tarball() -> Path:
    """The execution-environment image built from `make build`'s tarball (tests/cluster/images/build-ee.sh), as the
    other test-bed images are; returns the tarball."""
    build = subprocess.run([str(REPO / "hack" / "build.sh")], capture_output=True, text=True, env=_plain_env(), timeout=600, check=False)
    assert build.returncode == 0, build.stderr[-3000:]
    tarball = sorted((REPO / "build").glob("kubedebug-ephemeral-*.tar.gz"))[-1]
    started = time.monotonic()
    made = subprocess.run([str(REPO / "tests" / "cluster" / "images" / "build-ee.sh"), str(tarball)],
                          capture_output=True, text=True, env=_plain_env(), timeout=1200, check=False)
    assert made.returncode == 0, made.stderr[-3000:]
    print(f"ee image: {time.monotonic() - started:.0f} s; " + made.stderr.strip().splitlines()[-1])  # noqa: T201
    return tarball


def _dist_infos(archive: Path) -> dict[str, str]:
    """name -> version of the Python distributions in /opt/ee of the image's dependency layer."""
    found = {}
    listing = subprocess.run(["tar", "-tf", str(archive)], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        match = re.match(r"^\./opt/ee/lib/python3\.\d+/site-packages/([A-Za-z0-9_.]+)-([^-/]+)\.dist-info/$", line)
        if match:
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


def test_ansible_builder_accepts_the_definition_and_the_image_holds_the_same_dependencies(ee_tarball, tmp_path):
    definition = yaml.safe_load((EXAMPLES / "execution-environment.yml").read_text())
    assert [c["name"] for c in definition["dependencies"]["galaxy"]["collections"]] == ["kubedebug.ephemeral"]
    # The same definition, with the collection from the tarball instead of Galaxy (not reachable here).
    definition["dependencies"]["galaxy"] = {"collections": [{"name": str(ee_tarball), "type": "file"}]}
    (tmp_path / "execution-environment.yml").write_text(yaml.safe_dump(definition))
    bin_dir = Path(sys.executable).parent
    created = subprocess.run([str(bin_dir / "ansible-builder"), "create", "-f", "execution-environment.yml", "--context", "context"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert created.returncode == 0, created.stdout + created.stderr
    # Containerfile or Dockerfile, after the container runtime ansible-builder finds (none is needed for create).
    build_file = [p for p in (tmp_path / "context").iterdir() if p.name in ("Containerfile", "Dockerfile")][0]
    assert "ansible-galaxy collection install" in build_file.read_text() and "introspect" in build_file.read_text()
    assert yaml.safe_load((tmp_path / "context" / "_build" / "requirements.yml").read_text())["collections"][0]["name"] == str(ee_tarball)
    # What ansible-builder would install for the collection: the requirements meta/execution-environment.yml names.
    collections = tmp_path / "collections"
    subprocess.run([str(bin_dir / "ansible-galaxy"), "collection", "install", "--offline", "--no-deps", "-p", str(collections),
                    str(ee_tarball)], check=True, capture_output=True, timeout=120, env=_plain_env())
    introspected = subprocess.run([str(bin_dir / "ansible-builder"), "introspect", "--sanitize", str(collections)],
                                  capture_output=True, text=True, timeout=120, check=True).stdout
    wanted = yaml.safe_load(introspected)["python"]
    assert wanted == ["kubernetes>=24.2.0  # from collection kubedebug.ephemeral",
                      "minio>=7.2.0  # from collection kubedebug.ephemeral"], wanted
    held = _dist_infos(CACHE / "images" / "ee-deps.tar")
    for requirement in wanted:
        req = Requirement(requirement.split("#")[0].strip())
        assert req.name in held and req.specifier.contains(held[req.name]), (req, held)
    assert "ansible-core" in held, held


def _example(name: str, namespace: str) -> list[dict]:
    items = yaml.safe_load((EXAMPLES / name).read_text())["items"]
    for item in items:
        item["metadata"]["namespace"] = namespace
        for subject in item.get("subjects") or []:
            subject["namespace"] = namespace
    return items


def _apply(cluster, tmp_path: Path, items: list[dict]) -> None:
    manifest = tmp_path / f"apply-{len(list(tmp_path.glob('apply-*')))}.yaml"
    manifest.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items}))
    cluster.kubectl("apply", "-f", str(manifest))


def _jobs_story(cluster, ns: str) -> str:
    """The jobs, their pods and the last lines of each pod's log, for a failure message."""
    text = cluster.kubectl("get", "cronjobs,jobs,pods", "-n", ns, "-o", "wide", check=False).stdout
    for name in cluster.kubectl("get", "pods", "-n", ns, "-o", "name", check=False).stdout.split():
        if "kubedebug-diagnostics" in name or "diagnostics-now" in name:
            text += f"\n--- {name}\n" + cluster.kubectl("logs", "-n", ns, name, "--tail=40", check=False).stdout
    return text


def test_the_documented_cronjob_runs_every_minute_and_keeps_its_runs(cluster, ns, tmp_path, ee_tarball):
    """docs/examples/diagnostics-cronjob.yaml with its Role, as documented, with what only the test bed needs changed:
    every minute, the local image, a hostPath for the claim, and (the test bed has no Service proxy) the
    apiserver's host address for the in-cluster configuration."""
    subprocess.run(["ctr", "--address", str(cluster.era.containerd_socket), "-n", "k8s.io", "images", "import",
                    "--snapshotter", "overlayfs", str(CACHE / "images" / "ee.tar")], check=True, capture_output=True, timeout=300)
    _apply(cluster, tmp_path, _example("diagnostics-rbac.yaml", ns))
    create_and_wait(cluster.core(), ns, tools_pod("web-0", labels={"app": "web"}))
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    artifacts.chmod(0o777)  # the job runs as uid 1000
    items = [i for i in _example("diagnostics-cronjob.yaml", ns) if i["kind"] != "PersistentVolumeClaim"]
    config = [i for i in items if i["kind"] == "ConfigMap"][0]
    variables = yaml.safe_load(config["data"]["vars.yml"])
    assert variables["diagnostics_artifacts_dir"] == "/artifacts"
    variables.update({"diagnostics_process_list_image": IMAGES["tools"], "diagnostics_keep_runs": 5, "diagnostics_targets": [
        {"namespace": ns, "label_selector": "app=web", "container": "app", "recipe": "process_list"}]})
    config["data"]["vars.yml"] = yaml.safe_dump(variables)
    cron = [i for i in items if i["kind"] == "CronJob"][0]
    cron["spec"]["schedule"] = "* * * * *"
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    pod["hostNetwork"] = True
    pod["volumes"] = [v if v["name"] != "artifacts" else {"name": "artifacts", "hostPath": {"path": str(artifacts), "type": "Directory"}}
                      for v in pod["volumes"]]
    container = pod["containers"][0]
    container["image"] = EE_REF
    container["imagePullPolicy"] = "IfNotPresent"
    container["env"] += [{"name": "KUBERNETES_SERVICE_HOST", "value": "127.0.0.1"},
                         {"name": "KUBERNETES_SERVICE_PORT", "value": str(cluster.era.apiserver_port)}]
    _apply(cluster, tmp_path, items)

    deadline = time.monotonic() + 240
    runs: list[str] = []
    while time.monotonic() < deadline and len(runs) < 2:
        time.sleep(5)
        index = artifacts / "index.json"
        runs = [r["run_id"] for r in json.loads(index.read_text())["runs"]] if index.exists() else []
    assert len(runs) >= 2, f"scheduled runs seen: {runs}\n" + _jobs_story(cluster, ns)
    cluster.kubectl("patch", "cronjob", "-n", ns, "kubedebug-diagnostics", "-p", '{"spec": {"suspend": true}}')
    # A run the schedule started meanwhile ends first: the manual run below must not overlap it.
    while cluster.kubectl("get", "cronjob", "-n", ns, "kubedebug-diagnostics", "-o", "jsonpath={.status.active}").stdout.strip():
        assert time.monotonic() < deadline + 180, _jobs_story(cluster, ns)
        time.sleep(3)
    first, second = sorted(runs)[:2]
    assert first != second
    for run_id in (first, second):
        data = summary(artifacts, run_id)
        assert data["status"] == "ok", data["message"]
        assert "PID" in (artifacts / run_id / ns / "web-0" / f"ps-{run_id}.log").read_text()
        assert (artifacts / run_id / "report.html").is_file()
    # Consecutive minutes, both listed, one new container each in the pod.
    assert abs(datetime.strptime(second, "%Y%m%dt%H%M%Sz") - datetime.strptime(first, "%Y%m%dt%H%M%Sz")) < timedelta(seconds=150)
    html = (artifacts / "index.html").read_text()
    assert f"{first}/report.html" in html and f"{second}/report.html" in html
    names = ephemeral_names(raw_pod(cluster, ns, "web-0"))
    assert f"ps-{first}" in names and f"ps-{second}" in names

    # Retention when asked: one more run (the documented "run it now") keeping only 1 removes the older ones.
    variables["diagnostics_keep_runs"] = 1
    config["data"]["vars.yml"] = yaml.safe_dump(variables)
    _apply(cluster, tmp_path, [config])
    cluster.kubectl("create", "job", "-n", ns, "--from=cronjob/kubedebug-diagnostics", "diagnostics-now")
    waited = cluster.kubectl("wait", "-n", ns, "--for=condition=complete", "job/diagnostics-now", "--timeout=180s", timeout=200, check=False)
    assert waited.returncode == 0, _jobs_story(cluster, ns)
    left = [r["run_id"] for r in json.loads((artifacts / "index.json").read_text())["runs"]]
    assert len(left) == 1 and left[0] not in runs, left
    assert not (artifacts / first).exists() and not (artifacts / second).exists()
