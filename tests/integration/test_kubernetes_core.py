"""Our modules and kubernetes.core's in one play, with kubernetes.core itself.

What the README and the guides promise about kubernetes.core is checked against kubernetes.core as a
user installs it, from the `ansible` packages on PyPI (throwaway venvs made by hack/venv-ansible.sh):
`ansible` 11 (ansible-core 2.18, kubernetes.core 5.4.1), its kubernetes.core under this venv's
ansible-core 2.19, and `ansible` 12 (ansible-core 2.19, kubernetes.core 6.x). One playbook per stack,
three plays against the current era:

- ``module_defaults: group/kubedebug.ephemeral.ephemeral`` configures both collections' modules (our
  group extends ``group/kubernetes.core.k8s``);
- ``module_defaults: group/kubernetes.core.k8s`` configures kubernetes.core's modules only: ours fail
  with the client's "No configuration found" (extend_group adds their modules to our group, not ours to
  theirs), which is why the docs do not claim it;
- ``K8S_AUTH_KUBECONFIG`` in the play's environment configures both.

The only kubeconfig the modules could find on their own is a file that does not exist (KUBECONFIG), so
each success above comes from the setting under test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from support.ansible import REPO, collections_path, environment
from support.pods import IMAGES, create_and_wait, tools_pod

NO_CONFIG = "No configuration found"

# name: (ansible-playbook from the `ansible` package MAJOR's venv or None for this venv's,
#        kubernetes.core from the package MAJOR, ansible-core, kubernetes.core)
STACKS = {
    "ansible-11": ("11", "11", "2.18", "5.4.1"),
    "ansible-core-2.19+kubernetes.core-5.4.1": (None, "11", "2.19", "5.4.1"),
    "ansible-12": ("12", "12", "2.19", "6.2.0"),
}


def ansible_venv(major: str) -> Path:
    """The `ansible` package's venv (hack/venv-ansible.sh, kept warm in .cache/)."""
    return Path(subprocess.run([str(REPO / "hack" / "venv-ansible.sh"), major], capture_output=True, text=True,
                               check=True).stdout.strip())


def _stack(name: str) -> dict:
    """ansible-playbook, the modules' python and the collections path of one stack."""
    runner, collections, core, kubernetes_core = STACKS[name]
    site = next((ansible_venv(collections) / "lib").glob("python3*/site-packages"))
    version = json.loads((site / "ansible_collections/kubernetes/core/MANIFEST.json").read_text())["collection_info"]["version"]
    assert version == kubernetes_core, f"{site} has kubernetes.core {version}, the test is about {kubernetes_core}"
    bin_dir = ansible_venv(runner) / "bin" if runner else Path(sys.executable).parent
    return {"playbook": str(bin_dir / "ansible-playbook"), "python": str(bin_dir / "python"), "core": core,
            # Ours first, then the package's kubernetes.core; nothing from elsewhere on the machine.
            "env": {"ANSIBLE_COLLECTIONS_PATH": f"{collections_path()}:{site}",
                    "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false"}}


def _tasks(namespace: str, tag: str) -> list[dict]:
    pod = {"namespace": namespace, "pod": "web"}
    inject = {**pod, "image": IMAGES["tools"], "target": "app", "command": ["sh", "-c", "echo shared-defaults"],
              "wait": True, "wait_for": "terminated", "logs": True}
    return [
        {"name": f"{tag}: kubernetes.core", "kubernetes.core.k8s_info": {"kind": "Pod", "namespace": namespace,
                                                                         "name": "web"},
         "register": f"{tag}_k8s", "ignore_errors": True},
        {"name": f"{tag}: ours, write", "kubedebug.ephemeral.ephemeral_container": inject,
         "register": f"{tag}_ec", "ignore_errors": True},
        {"name": f"{tag}: ours, read", "kubedebug.ephemeral.ephemeral_container_info": {**pod, "logs": True},
         "register": f"{tag}_info", "ignore_errors": True},
    ]


def _playbook(namespace: str, kubeconfig: Path, out: Path) -> list[dict]:
    base = {"hosts": "localhost", "gather_facts": False, "connection": "local"}
    keep = {"name": "keep the results", "ansible.builtin.copy": {
        "dest": str(out), "content": "{{ {'core': ansible_version.full, 'ours': [ours_k8s, ours_ec, ours_info], "
                                     "'theirs': [theirs_k8s, theirs_ec, theirs_info], "
                                     "'env': [env_k8s, env_ec, env_info]} | to_json }}"}}
    return [
        {**base, "name": "group/kubedebug.ephemeral.ephemeral",
         "module_defaults": {"group/kubedebug.ephemeral.ephemeral": {"kubeconfig": str(kubeconfig)}},
         "tasks": _tasks(namespace, "ours")},
        {**base, "name": "group/kubernetes.core.k8s",
         "module_defaults": {"group/kubernetes.core.k8s": {"kubeconfig": str(kubeconfig)}},
         "tasks": _tasks(namespace, "theirs")},
        {**base, "name": "K8S_AUTH_KUBECONFIG", "environment": {"K8S_AUTH_KUBECONFIG": str(kubeconfig)},
         "tasks": [*_tasks(namespace, "env"), keep]},
    ]


def _run(stack: dict, playbook: list[dict], tmp: Path) -> None:
    path = tmp / "play.yml"
    path.write_text(yaml.safe_dump(playbook, sort_keys=False))
    env = {k: v for k, v in environment(stack["env"]).items()
           if not k.startswith("K8S_AUTH_") and k != "KUBERNETES_SERVICE_HOST"}
    env["KUBECONFIG"] = str(tmp / "no-such-kubeconfig")  # the client's default source, empty on purpose
    proc = subprocess.run([stack["playbook"], "-i", "localhost,", "-e", f"ansible_python_interpreter={stack['python']}",
                           str(path)], capture_output=True, text=True, env=env, cwd=tmp, timeout=600, check=False)
    if not (tmp / "results.json").exists():
        raise AssertionError(f"the play did not finish (rc={proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}")


def _ok(result: dict, what: str) -> None:
    assert not result.get("failed"), f"{what}: {result.get('msg')}"


@pytest.mark.parametrize("stack_name", list(STACKS))
def test_one_module_defaults_block_configures_both_collections(testbed_current, ns, stack_name):
    stack = _stack(stack_name)
    create_and_wait(testbed_current.core(), ns, tools_pod("web"))
    with tempfile.TemporaryDirectory(prefix="kubedebug-it-kcore-") as tmp_name:
        tmp = Path(tmp_name)
        _run(stack, _playbook(ns, testbed_current.kubeconfig, tmp / "results.json"), tmp)
        results = json.loads((tmp / "results.json").read_text())
    assert results["core"].startswith(stack["core"] + "."), results["core"]

    # group/kubedebug.ephemeral.ephemeral: kubernetes.core.k8s_info and both of ours.
    k8s, ec, info = results["ours"]
    _ok(k8s, "kubernetes.core.k8s_info under group/kubedebug.ephemeral.ephemeral")
    assert [r["metadata"]["name"] for r in k8s["resources"]] == ["web"]
    _ok(ec, "ephemeral_container under group/kubedebug.ephemeral.ephemeral")
    (entry,) = ec["results"]
    assert ec["changed"] is True and entry["status"]["exit_code"] == 0 and entry["logs"] == "shared-defaults\n"
    _ok(info, "ephemeral_container_info under group/kubedebug.ephemeral.ephemeral")
    assert [c["name"] for c in info["pods"][0]["ephemeral_containers"]] == [entry["container"]]

    # group/kubernetes.core.k8s: theirs only. If this starts to pass, the docs may say more.
    k8s, ec, info = results["theirs"]
    _ok(k8s, "kubernetes.core.k8s_info under group/kubernetes.core.k8s")
    for mine, name in ((ec, "ephemeral_container"), (info, "ephemeral_container_info")):
        assert mine.get("failed") is True and NO_CONFIG in mine["msg"], (
            f"{name} under group/kubernetes.core.k8s: expected '{NO_CONFIG}', got {mine.get('msg')!r}")

    # K8S_AUTH_KUBECONFIG: both, and the same task again changes nothing.
    k8s, ec, info = results["env"]
    _ok(k8s, "kubernetes.core.k8s_info with K8S_AUTH_KUBECONFIG")
    assert [r["metadata"]["name"] for r in k8s["resources"]] == ["web"]
    _ok(ec, "ephemeral_container with K8S_AUTH_KUBECONFIG")
    assert ec["changed"] is False and ec["results"][0]["container"] == entry["container"]
    _ok(info, "ephemeral_container_info with K8S_AUTH_KUBECONFIG")
    assert info["pods"][0]["ephemeral_containers"][0]["logs"] == "shared-defaults\n"


def test_the_docs_say_what_the_test_shows():
    """The README and the guides name the group that works and never the claim that did not hold."""
    false_claim = "join the `group/kubernetes.core.k8s`"
    for doc in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = doc.read_text()
        assert false_claim not in text.replace("\n", " "), f"{doc.relative_to(REPO)} repeats the claim this test disproves"
    readme = (REPO / "README.md").read_text()
    assert "group/kubedebug.ephemeral.ephemeral" in readme and "K8S_AUTH_KUBECONFIG" in readme
    assert os.path.basename(__file__) in readme, "the README points at the test that checks its kubernetes.core claim"
