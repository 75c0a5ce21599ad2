"""The README's "Install" and "On your own cluster in five minutes", run as a new user would.

The commands are read from README.md itself, so the README cannot drift from what is tested: the tarball install
line, `ansible --version`, the preflight, the one-pod and the fleet playbook. They run from the collection built
and installed into an empty ANSIBLE_COLLECTIONS_PATH (nothing of this checkout on the path), with a kubeconfig of
a ServiceAccount bound to exactly the Role of docs/examples/ephemeral-container-rbac.yaml, against the current
era as if it were the user's cluster. Not run: the git and Galaxy installs (no network here), the pip line (this
venv already holds the client; the unit tests check that it installs exactly requirements.txt), and kubectl.

The nodes of the test bed cannot reach Docker Hub: like a user behind a mirror (the README's mirror note), the
era's containerd is given busybox:1.36 as a second name of the test bed's busybox image for the duration.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.ephemeral import server_and_ca
from support.pods import IMAGES, create_and_wait, tools_pod
from support.rbac import bind, example_rules

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
OUTPUT = REPO / "tests" / "output"
SECTION = "## On your own cluster in five minutes"
INSTALL = "## Install"
SETTINGS = ("NS", "POD", "CONTAINER", "SELECTOR")
DEFAULT_IMAGE = "docker.io/library/busybox:1.36"  # debug_pod.yml's default, busybox:1.36, as containerd names it


def _section(text: str, heading: str) -> str:
    start = text.index(heading + "\n")
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end >= 0 else None]


def _sh_blocks(section: str) -> list[list[str]]:
    return [[line for line in block.splitlines() if line.strip()]
            for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def readme_commands() -> tuple[list[str], list[str], list[str]]:
    """(install lines, the settings lines, the own-cluster command lines), from README.md."""
    text = README.read_text(encoding="utf-8")
    install = [line for block in _sh_blocks(_section(text, INSTALL)) for line in block]
    blocks = _sh_blocks(_section(text, SECTION))
    settings, commands = blocks[0], [line for block in blocks[1:] for line in block]
    return install, settings, commands


def _preflight_sample() -> str:
    """The preflight answer README shows (the ```text block of step 1)."""
    section = _section(README.read_text(encoding="utf-8"), SECTION)
    return "\n".join(re.findall(r"```text\n(.*?)```", section, re.DOTALL))


def _run(line: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(["bash", "-c", line], env=env, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"README command failed (exit {done.returncode}): {line}\n{done.stdout}\n{done.stderr}"
    return done


def _ctr(cluster, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["ctr", "--address", str(cluster.era.containerd_socket), "-n", "k8s.io", *args],
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def default_image_on_the_node(cluster):
    assert cluster.is_testbed, "this test gives the test bed's containerd a second image name; it needs the test bed"
    tools_name = IMAGES["tools"].rsplit("/", maxsplit=1)[-1]
    tools = [ref for ref in _ctr(cluster, "images", "ls", "-q").stdout.split() if ref.endswith(tools_name)]
    assert tools, f"the era's containerd has no {IMAGES['tools']}"
    tools = tools[0]
    had = DEFAULT_IMAGE in _ctr(cluster, "images", "ls", "-q").stdout.split()
    if not had:
        tagged = _ctr(cluster, "images", "tag", tools, DEFAULT_IMAGE)
        assert tagged.returncode == 0, tagged.stderr
    yield
    if not had:
        _ctr(cluster, "images", "rm", DEFAULT_IMAGE)


def _user_kubeconfig(cluster, ns: str, tmp_path: Path) -> Path:
    """A kubeconfig with the token of a ServiceAccount bound to the example Role, nothing more."""
    token = bind(cluster, ns, "kubedebug-debugger", example_rules("ephemeral-container-rbac.yaml"))
    server, ca = server_and_ca(cluster, tmp_path)
    config = {"apiVersion": "v1", "kind": "Config", "current-context": "user",
              "clusters": [{"name": "c", "cluster": {"server": server, "certificate-authority": ca}}],
              "users": [{"name": "debugger", "user": {"token": token}}],
              "contexts": [{"name": "user", "context": {"cluster": "c", "user": "debugger", "namespace": ns}}]}
    path = tmp_path / "user-kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return path


def _tarball(tmp_path: Path, expected_name: str) -> Path:
    out = tmp_path / "dist"
    subprocess.run([str(Path(sys.executable).parent / "ansible-galaxy"), "collection", "build", "--output-path", str(out),
                    str(REPO)], check=True, capture_output=True, timeout=300)
    built = list(out.glob("*.tar.gz"))
    assert [p.name for p in built] == [expected_name], f"the README installs {expected_name}; the build made {built}"
    return built[0]


def test_readme_install_and_first_hour_commands_pass_with_least_privilege(cluster, ns, tmp_path, default_image_on_the_node):
    install, settings, commands = readme_commands()
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    name = f"{galaxy['namespace']}-{galaxy['name']}-{galaxy['version']}.tar.gz"
    tar_lines = [line for line in install if line.startswith("ansible-galaxy collection install ") and ".tar.gz" in line.split("#")[0]]
    assert len(tar_lines) == 1 and name in tar_lines[0], f"README's tarball install names another file than {name}: {tar_lines}"
    assigned = {word.split("=", 1)[0] for line in settings for word in shlex.split(line, comments=True) if "=" in word}
    assert set(SETTINGS) <= assigned, f"README's settings block no longer sets {set(SETTINGS) - assigned}: {settings}"

    create_and_wait(cluster.core(), ns, tools_pod("payments-1", labels={"app": "payments"}))
    create_and_wait(cluster.core(), ns, tools_pod("payments-2", labels={"app": "payments"}))
    work = tmp_path / "user"
    work.mkdir()
    (work / name).write_bytes(_tarball(tmp_path, name).read_bytes())
    collections = tmp_path / "collections"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "K8S_AUTH_"))}
    env.update({"PATH": f"{Path(sys.executable).parent}:{env['PATH']}", "ANSIBLE_COLLECTIONS_PATH": str(collections),
                "ANSIBLE_NOCOLOR": "1", "KUBECONFIG": str(_user_kubeconfig(cluster, ns, tmp_path)),
                "NS": ns, "POD": "payments-1", "CONTAINER": "app", "SELECTOR": "app=payments"})

    _run(tar_lines[0], env, work)
    assert (collections / "ansible_collections" / "kubedebug" / "ephemeral" / "MANIFEST.json").is_file()
    version = [line for line in install if line.startswith("ansible --version")]
    assert version, "README no longer shows how to find Ansible's interpreter"
    assert sys.executable in _run(version[0], env, work).stdout or str(Path(sys.executable).resolve()) in _run(version[0], env, work).stdout

    preflight, one, fleet = commands
    assert "ephemeral_container_preflight" in preflight and "debug_pod_name" in one and "debug_pod_label_selectors" in fleet
    answer = _run(preflight, env, work).stdout
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "readme-preflight.txt").write_text(answer, encoding="utf-8")  # what README's sample is taken from
    assert re.search(r'"ready": true', answer), answer
    shown = set(re.findall(r'"(\w+)":', _preflight_sample()))
    assert shown and shown <= set(re.findall(r'"(\w+)":', answer)), f"README's preflight sample shows keys the real answer lacks: {shown}"
    assert re.search(r'"api_era": "pod"', answer), answer

    first = _run(one, env, work).stdout
    assert re.search(r"changed=1\b", first), first
    # busybox ps in app's process namespace: app's own loop is listed, so target worked.
    assert "while true; do sleep 1; done" in first and "terminated, exit code 0" in first, first
    again = _run(one, env, work).stdout
    assert re.search(r"changed=0\b", again) and "while true; do sleep 1; done" in again, again

    many = _run(fleet, env, work).stdout
    assert re.search(r"changed=1\b", many), many  # payments-2 is new; payments-1 already has this very container
    assert f"{ns}/payments-1" in many and f"{ns}/payments-2" in many, many
    assert re.search(r"changed=0\b", _run(fleet, env, work).stdout)
