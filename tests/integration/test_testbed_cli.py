"""The test bed's command line contract and its build on a fresh machine.

``KUBECONFIG=$(testbed.sh up ERA)`` is how the quickstart and users take the kubeconfig, so stdout
must be that one path whatever the build or its child processes print. And a fresh machine's Go
module cache holds nothing, so nothing may rely on ``go list`` knowing a module's directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import types
from pathlib import Path

from support.clusters import CLUSTER_DIR
from testbed import __main__ as testbed_main
from testbed import eras as testbed_eras
from testbed import openapi


def test_up_prints_only_the_kubeconfig_path_on_stdout(testbed_current):
    proc = subprocess.run([str(CLUSTER_DIR / "testbed.sh"), "up", "current"], capture_output=True, text=True,
                          timeout=900, check=True)
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, f"stdout must be one line, the kubeconfig path; got {proc.stdout!r}"
    assert Path(lines[0]).is_file() and lines[0] == str(testbed_current.era.kubeconfig)
    assert "up in" in proc.stderr


def test_up_sends_what_builds_and_their_children_print_to_stderr(monkeypatch, capfd, tmp_path):
    # What a cold build does: our own progress lines and child processes (go, debootstrap, apt) that
    # write to the inherited stdout. Only the kubeconfig path may reach stdout.
    def noisy_up(era, gate=False):
        print("building Kubernetes v0.0.0 (kube-apiserver); a cold build takes 15-30 minutes", flush=True)
        subprocess.run(["sh", "-c", "echo 'Get:1 http://deb.debian.org/debian bookworm InRelease'"], check=True)
        os.write(1, b"go: downloading k8s.io/kubernetes v1.37.2\n")
        return 1.0

    monkeypatch.setattr(testbed_main.cluster, "up", noisy_up)
    assert testbed_main.main(["up", "current"]) == 0
    out, err = capfd.readouterr()
    assert out == f"{testbed_eras.ERAS['current'].kubeconfig}\n"
    assert "building Kubernetes" in err and "deb.debian.org" in err and "go: downloading" in err


def test_module_directories_resolve_with_an_empty_module_cache(tmp_path, monkeypatch, request):
    # On a fresh machine `go list -m -json all` reports no Dir for anything; the old code then failed
    # with KeyError: 'k8s.io/kubernetes'. A tiny module with k8s.io requirements (and a replace, as
    # the era modules have) shows the directories are found by downloading first.
    module = tmp_path / "mod"
    module.mkdir()
    (module / "go.mod").write_text(textwrap.dedent("""\
        module kubedebug.invalid/emptycache

        go 1.22

        require (
        \tk8s.io/klog/v2 v2.130.1
        \tk8s.io/utils v0.0.0-20241104100929-3ea5e8cea738
        )

        replace k8s.io/utils => k8s.io/utils v0.0.0-20241104100929-3ea5e8cea738
        """))
    cache = tmp_path / "gomodcache"
    monkeypatch.setenv("GOMODCACHE", str(cache))
    monkeypatch.setenv("GOFLAGS", "-mod=mod")
    # The module cache is read-only; let go remove it.
    request.addfinalizer(lambda: subprocess.run(["go", "clean", "-modcache"], env=dict(os.environ, GOMODCACHE=str(cache)),
                                                check=False))
    listed = subprocess.run(["go", "list", "-m", "-json", "all"], cwd=module, check=True, capture_output=True, text=True).stdout
    assert not any(m.get("Dir") for m in openapi._json_stream(listed) if m["Path"] != "kubedebug.invalid/emptycache"), \
        "precondition: an empty module cache gives no Dir"

    dirs = openapi._module_dirs(types.SimpleNamespace(module_dir=module))
    assert set(dirs) == {"k8s.io/klog/v2", "k8s.io/utils"}
    for path in dirs.values():
        assert path.is_dir() and str(path).startswith(str(cache))
        assert any(path.rglob("*.go"))


def test_a_release_that_ships_openapi_needs_no_generation():
    assert openapi.modfile(testbed_eras.ERAS["current"]) is None


def test_json_stream_reads_go_json_output():
    assert openapi._json_stream('{"a": 1}\n{"b": [2]}\n  ') == [{"a": 1}, {"b": [2]}]
    assert json.dumps(openapi._json_stream("")) == "[]"
