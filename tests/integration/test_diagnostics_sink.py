"""The diagnostics role's sinks on the current era: an S3 bucket on the test bed's S3-compatible server (versitygw)
and a mounted path that two shards share.

Each test runs the real diagnose playbook and reads what the sink holds: the bucket through the MinIO client, the
path from disk. Bad sink settings stop the run before any container is added or any file written."""

from __future__ import annotations

import concurrent.futures
import json
import re
import uuid

import pytest
from minio import Minio

from support.diagnostics import diagnose, ok, recap
from support.ephemeral import ephemeral_names, raw_pod
from support.pods import create_and_wait, tools_pod
from testbed import s3 as testbed_s3
from testbed.eras import era

LABEL = "app=sinkweb"


@pytest.fixture(scope="module")
def s3_server() -> dict:
    """The S3 server beside the current era (testbed.sh s3 up current); stopped by testbed.sh down current."""
    current = era("current")
    endpoint = testbed_s3.up(current)
    return {"endpoint_url": endpoint, "access_key": testbed_s3.ACCESS_KEY, "secret_key": testbed_s3.SECRET_KEY,
            "region": testbed_s3.REGION}


@pytest.fixture
def bucket(s3_server) -> tuple[Minio, str]:
    client = Minio(s3_server["endpoint_url"].split("//", 1)[1], access_key=s3_server["access_key"],
                   secret_key=s3_server["secret_key"], secure=False, region=s3_server["region"])
    name = "diag-" + uuid.uuid4().hex[:10]
    client.make_bucket(name)
    return client, name


def keys(client: Minio, name: str, prefix: str = "") -> set[str]:
    return {o.object_name for o in client.list_objects(name, prefix=prefix, recursive=True)}


def read(client: Minio, name: str, key: str) -> str:
    response = client.get_object(name, key)
    try:
        return response.read().decode()
    finally:
        response.close()
        response.release_conn()


def custom_stats(proc) -> dict:
    """The set_stats data, as ansible-playbook prints it with ANSIBLE_SHOW_CUSTOM_STATS."""
    match = re.search(r"^\s*RUN: (\{.*\})\s*$", proc.stdout, re.M)
    assert match, proc.stdout[-3000:]
    return json.loads(match.group(1))


def web_pods(cluster, ns: str, count: int) -> list[str]:
    names = [f"web-{i}" for i in range(count)]
    for name in names:
        create_and_wait(cluster.core(), ns, tools_pod(name, labels={"app": "sinkweb"}))
    return names


def runner(tmp_path, name: str):
    """One runner's working directory (its artifacts directory inside), as a container-group pod has its own."""
    directory = tmp_path / name
    directory.mkdir()
    return directory


def targets(ns: str) -> list[dict]:
    return [{"namespace": ns, "label_selector": LABEL, "container": "app", "recipe": "process_list"}]


STATS = {"ANSIBLE_SHOW_CUSTOM_STATS": "true"}


@pytest.mark.s3
def test_artifacts_go_to_the_bucket_and_the_index_reads_them_back_across_runs(cluster, ns, tmp_path, s3_server, bucket):
    client, name = bucket
    web_pods(cluster, ns, 2)
    sink = {"type": "s3", "bucket": name, "prefix": "team-a/diag", **s3_server}
    proc, staging = diagnose(cluster, runner(tmp_path, "runner-1"), targets(ns), run_id="s3a", diagnostics_sink=sink,
                             diagnostics_keep_runs=2, env=STATS)
    ok(proc)
    held = keys(client, name)
    assert {"team-a/diag/s3a/summary.json", "team-a/diag/s3a/report.md", "team-a/diag/s3a/report.html",
            "team-a/diag/index.json", "team-a/diag/index.md", "team-a/diag/index.html",
            f"team-a/diag/s3a/{ns}/web-0/ps-s3a.log", f"team-a/diag/s3a/{ns}/web-1/ps-s3a.log"} <= held, held
    summary = json.loads(read(client, name, "team-a/diag/s3a/summary.json"))
    assert summary["status"] == "ok" and summary["totals"]["ok"] == 2, summary["message"]
    assert "PID" in read(client, name, f"team-a/diag/s3a/{ns}/web-0/ps-s3a.log")
    assert [r["run_id"] for r in json.loads(read(client, name, "team-a/diag/index.json"))["runs"]] == ["s3a"]
    assert f"report s3://{name}/team-a/diag/s3a/report.html" in proc.stdout
    assert custom_stats(proc) == {"kubedebug_diagnostics_report": {"s3a": {
        "index": f"s3://{name}/team-a/diag/index.html",
        "reports": {"s3a": {"location": f"s3://{name}/team-a/diag/s3a", "report": f"s3://{name}/team-a/diag/s3a/report.html",
                            "status": "ok"}}}}}

    # The same run id from a new runner (an empty staging directory, as in a new container-group pod): the earlier
    # summary is read back from the bucket, so nothing is uploaded and nothing changes.
    again = diagnose(cluster, runner(tmp_path, "runner-2"), targets(ns), run_id="s3a", diagnostics_sink=sink,
                     diagnostics_keep_runs=2)[0]
    ok(again)
    assert recap(again)["changed"] == 0, again.stdout[-4000:]
    assert keys(client, name) == held

    # Two more runs with diagnostics_keep_runs 2: the index, read back from the bucket each time, keeps the newest two.
    for run_id, directory in (("s3b", "runner-3"), ("s3c", "runner-4")):
        ok(diagnose(cluster, runner(tmp_path, directory), targets(ns), run_id=run_id, diagnostics_sink=sink, diagnostics_keep_runs=2)[0])
    index = json.loads(read(client, name, "team-a/diag/index.json"))
    assert [r["run_id"] for r in index["runs"]] == ["s3c", "s3b"]
    assert not keys(client, name, "team-a/diag/s3a/"), "the oldest run stays in the bucket"
    assert {"team-a/diag/s3b/summary.json", "team-a/diag/s3c/summary.json"} <= keys(client, name)
    # Staging holds the summaries only; the runner's own artifacts directory has no run directory of its own.
    assert not (staging / "s3c").exists()


@pytest.mark.s3
def test_check_mode_reaches_the_bucket_and_writes_nothing(cluster, ns, tmp_path, s3_server, bucket):
    client, name = bucket
    web_pods(cluster, ns, 1)
    sink = {"type": "s3", "bucket": name, **s3_server}
    proc, artifacts = diagnose(cluster, tmp_path, targets(ns), run_id="chk", diagnostics_sink=sink, options=("--check",))
    ok(proc)
    assert ephemeral_names(raw_pod(cluster, ns, "web-0")) == []
    assert not keys(client, name)
    assert not artifacts.exists() or not any(p.is_file() for p in artifacts.rglob("*"))
    # The bucket is checked in check mode too: a missing one is refused.
    refused, _artifacts = diagnose(cluster, tmp_path, targets(ns), run_id="chk", options=("--check",),
                                   diagnostics_sink=dict(sink, bucket="no-such-bucket-here"))
    assert refused.returncode != 0 and "bucket 'no-such-bucket-here' does not exist" in refused.stdout, refused.stdout[-3000:]


@pytest.mark.s3
@pytest.mark.parametrize("change, words", [
    ({"bucket": "Bad_Bucket"}, "diagnostics_sink.bucket: 'Bad_Bucket' is not a bucket name"),
    ({"colour": "blue"}, "diagnostics_sink.colour: not an option of type s3"),
    ({"secret_key": None}, "give access_key and secret_key together"),
    ({"endpoint_url": "127.0.0.1:16999"}, "diagnostics_sink.endpoint_url: '127.0.0.1:16999' must be an http:// or https:// URL"),
    ({"endpoint_url": "http://127.0.0.1:16999"}, "is unreachable"),
    ({"bucket": "no-such-bucket-here"}, "bucket 'no-such-bucket-here' does not exist at http://127.0.0.1:16900"),
    ({"secret_key": "wrong"}, "was refused (AccessDenied): check diagnostics_sink.access_key/secret_key"),
])
def test_bad_s3_settings_stop_the_run_with_nothing_written(cluster, ns, tmp_path, s3_server, bucket, change, words):
    client, name = bucket
    web_pods(cluster, ns, 1)
    sink = {k: v for k, v in {"type": "s3", "bucket": name, **s3_server, **change}.items() if v is not None}
    proc, artifacts = diagnose(cluster, tmp_path, targets(ns), run_id="bad", diagnostics_sink=sink)
    assert proc.returncode != 0 and words in proc.stdout, proc.stdout[-3000:]
    assert ephemeral_names(raw_pod(cluster, ns, "web-0")) == []
    assert not keys(client, name)
    assert not artifacts.exists() or not any(p.is_file() for p in artifacts.rglob("*"))


def test_two_shards_share_a_mounted_path_each_its_own_files_one_merged_index(cluster, ns, tmp_path):
    web_pods(cluster, ns, 6)
    volume = tmp_path / "pvc"
    volume.mkdir()
    sink = {"type": "path", "path": str(volume)}

    def shard(index: int):
        return diagnose(cluster, runner(tmp_path, f"runner-{index}"), targets(ns), run_id="pvc1", diagnostics_sink=sink,
                        diagnostics_shard={"index": index, "count": 2}, env=STATS)[0]

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        procs = list(pool.map(shard, (0, 1)))
    for proc in procs:
        ok(proc)
    runs = sorted(d.name for d in volume.iterdir() if d.is_dir())
    assert runs == ["pvc1-shard-0-of-2", "pvc1-shard-1-of-2"]
    summaries = [json.loads((volume / run / "summary.json").read_text()) for run in runs]
    pods = sorted(p["pod"] for s in summaries for p in s["pods"])
    assert pods == [f"web-{i}" for i in range(6)], "every pod in exactly one shard's summary"
    for run, data in zip(runs, summaries):
        for entry in data["pods"]:
            assert (volume / run / ns / entry["pod"] / "ps-pvc1.log").is_file()
    index = json.loads((volume / "index.json").read_text())
    assert sorted(r["run_id"] for r in index["runs"]) == runs
    for index_no, proc in enumerate(procs):
        stats = custom_stats(proc)["kubedebug_diagnostics_report"]["pvc1"]
        assert stats["index"] == f"{volume}/index.html"
        assert stats["reports"] == {f"pvc1-shard-{index_no}-of-2": {
            "location": f"{volume}/pvc1-shard-{index_no}-of-2", "report": f"{volume}/pvc1-shard-{index_no}-of-2/report.html",
            "status": "ok"}}
    # Nothing went to the runners' own artifacts directories.
    assert not (tmp_path / "runner-0" / "artifacts").exists() and not (tmp_path / "runner-1" / "artifacts").exists()


@pytest.mark.parametrize("sink, words", [
    ({"type": "path", "path": "/nonexistent/kubedebug-pvc"}, "diagnostics_sink.path /nonexistent/kubedebug-pvc is not a writable directory"),
    ({"type": "path", "path": "relative/dir"}, "diagnostics_sink.path: 'relative/dir' must be an absolute path"),
    ({"type": "nfs"}, "diagnostics_sink.type: 'nfs' is not one of local, path, s3"),
])
def test_bad_path_sinks_stop_the_run_with_nothing_written(cluster, ns, tmp_path, sink, words):
    web_pods(cluster, ns, 1)
    proc, artifacts = diagnose(cluster, tmp_path, targets(ns), run_id="badpath", diagnostics_sink=sink)
    assert proc.returncode != 0 and words in proc.stdout, proc.stdout[-3000:]
    assert ephemeral_names(raw_pod(cluster, ns, "web-0")) == []
    assert not artifacts.exists()
    assert not (tmp_path / "relative").exists()
