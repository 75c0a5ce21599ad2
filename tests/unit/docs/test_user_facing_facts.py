# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Facts a new user reads in the README, the guides and the modules' docs, checked against their sources:
versions, Python floors, the requirement spec, links that survive `ansible-galaxy collection build`,
examples that work without gathered facts."""

from __future__ import annotations

import ast
import fnmatch
import importlib.metadata
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))
READMES = ("README.md", "README.zh-CN.md")
MODULES = sorted((ROOT / "plugins" / "modules").glob("*.py"))
SHIPPED_MARKDOWN = [ROOT / name for name in READMES] + sorted((ROOT / "docs").rglob("*.md"))
_LINK = re.compile(r"\]\((?P<href>[^)\s#]+)(?:#[^)\s]*)?\)")


def _doc(module: Path, name: str) -> str:
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return node.value.value
    raise AssertionError(f"{module.name} has no {name}")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _released() -> set[str]:
    changelog = yaml.safe_load((ROOT / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))
    return set((changelog.get("releases") or {}).keys())


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.stem)
def test_version_added_is_a_released_version_or_the_one_being_prepared(module):
    added = str(yaml.safe_load(_doc(module, "DOCUMENTATION"))["version_added"])
    allowed = _released() | {str(GALAXY["version"])}
    assert added in allowed, (f"{module.name}: version_added {added} is neither a release in changelogs/changelog.yaml "
                              f"({sorted(_released()) or 'none yet'}) nor galaxy.yml's version {GALAXY['version']}")


def test_no_example_relies_on_gathered_facts():
    """The playbooks, EXAMPLES and docs run with gather_facts: false, where ansible_date_time is undefined."""
    places = list(SHIPPED_MARKDOWN) + MODULES + sorted((ROOT / "playbooks").glob("*.yml")) + \
        sorted((ROOT / "docs" / "examples").iterdir())
    offenders = [str(p.relative_to(ROOT)) for p in places if "ansible_date_time" in p.read_text(encoding="utf-8")]
    assert not offenders, f"ansible_date_time needs gathered facts; use now(utc=true, fmt=...) in: {offenders}"


@pytest.mark.parametrize("readme", READMES)
def test_the_readme_installs_exactly_the_python_requirement(readme):
    spec = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    text = (ROOT / readme).read_text(encoding="utf-8")
    assert "pip install -r requirements.txt" not in text, f"{readme}: a user installing the collection has no requirements.txt"
    for requirement in spec:
        assert f"-m pip install '{requirement}'" in text, f"{readme} does not install {requirement!r} (requirements.txt)"


@pytest.mark.parametrize("readme", READMES)
def test_the_controller_python_stated_for_this_ansible_core_is_its_own_floor(readme):
    """The README's per-ansible-core controller Python matches the installed ansible-core's Requires-Python."""
    core = importlib.metadata.version("ansible-core")
    minor = ".".join(core.split(".")[:2])
    floor = re.search(r">=\s*([0-9.]+)", importlib.metadata.metadata("ansible-core")["Requires-Python"]).group(1)
    text = (ROOT / readme).read_text(encoding="utf-8")
    row = next((line for line in text.splitlines() if "2.17: 3.10" in line), None)
    assert row, f"{readme}: no support-table row lists the controller Python per ansible-core (2.17: 3.10–3.12; ...)"
    stated = dict((v, rng) for group, rng in re.findall(r"((?:2\.\d+, )*2\.\d+): (3\.\d+)–3\.\d+", row)
                  for v in group.split(", "))
    assert minor in stated, f"{readme}: the row does not name ansible-core {minor}, which the tests run: {row}"
    assert stated[minor] == floor, f"{readme}: says Python {stated[minor]} for ansible-core {minor}; it requires >={floor}"
    requires = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["requires_ansible"]
    oldest = ".".join(re.search(r">=\s*([0-9.]+)", requires).group(1).split(".")[:2])
    assert oldest in stated, f"{readme}: the row does not name the oldest supported ansible-core {oldest} ({requires})"


@pytest.mark.parametrize("readme", READMES)
def test_the_node_python_stated_for_this_ansible_core_is_its_own_floor(readme):
    """The README's Python for the nodes the role changes matches what the installed ansible-core's modules refuse
    below (module_utils/basic.py, _PY_MIN), and names the oldest supported ansible-core."""
    import ansible.module_utils.basic as basic_source

    core = importlib.metadata.version("ansible-core")
    minor = ".".join(core.split(".")[:2])
    source = Path(basic_source.__file__).read_text(encoding="utf-8")
    floor = ".".join(re.search(r"^_PY_MIN = \((\d+), (\d+)\)", source, re.M).groups())
    text = (ROOT / readme).read_text(encoding="utf-8")
    row = next((line for line in text.splitlines() if "`feature_gates`" in line and "2.17: 3.7" in line), None)
    assert row, f"{readme}: no support-table row states the node Python of the feature_gates role (2.17: 3.7 ...)"
    stated = {"2.17": "3.7"}
    later = re.search(r"2\.18 \S+ \S+: (3\.\d+)", row) or re.search(r"2\.18 及以后：(3\.\d+)", row)
    assert later, f"{readme}: the node Python row names no floor for ansible-core 2.18 and later: {row}"
    for version in ("2.18", "2.19", "2.20", "2.21"):
        stated[version] = later.group(1)
    assert stated[minor] == floor, f"{readme}: says node Python {stated[minor]} for ansible-core {minor}; its modules need {floor}"
    assert "3.6" in row and "ansible_python_interpreter" in row


def _ignored(relative: str) -> bool:
    return any(fnmatch.fnmatch(relative, pattern) or relative.split("/")[0] == pattern
               for pattern in GALAXY["build_ignore"])


@pytest.mark.parametrize("page", SHIPPED_MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_into_the_built_collection(page):
    """The README and guides ship in the tarball (and on Galaxy); tests/ and hack/ do not."""
    broken = []
    for match in _LINK.finditer(page.read_text(encoding="utf-8")):
        href = match["href"]
        if "://" in href or href.startswith("mailto:"):
            continue
        target = (page.parent / href).resolve()
        relative = str(target.relative_to(ROOT)) if target.is_relative_to(ROOT) else href
        if not target.exists() or _ignored(relative):
            broken.append(href)
    assert not broken, (f"{page.relative_to(ROOT)} links to {broken}, which the built collection does not contain: "
                        f"link to https://github.com/kubedebug/kubedebug.ephemeral/blob/main/<path> instead")


def test_no_page_speaks_of_both_modules():
    modules = len(MODULES)
    assert modules != 2
    wrong = [str(p.relative_to(ROOT)) for p in SHIPPED_MARKDOWN if re.search(r"both modules|两个模块", p.read_text(encoding="utf-8"))]
    assert not wrong, f"there are {modules} modules, not two: {wrong}"


@pytest.mark.parametrize("needle, floor", [("timeZone", "1.25"), ("kubectl create token", "1.24")])
def test_version_floors_are_stated_where_the_feature_is_used(needle, floor):
    """A reader on an older cluster learns before applying it that the field or command does not exist there."""
    missing = []
    for page in SHIPPED_MARKDOWN + sorted((ROOT / "docs" / "examples").glob("*.yaml")):
        text = page.read_text(encoding="utf-8")
        if needle in text and floor not in text:
            missing.append(str(page.relative_to(ROOT)))
    assert not missing, f"{needle} is used without saying it needs Kubernetes {floor}+ in: {missing}"


@pytest.mark.parametrize("readme", READMES)
def test_the_readme_sets_only_variables_the_debug_pod_playbook_has(readme):
    """`-e debug_pod_*` in the README's commands: each one a variable playbooks/debug_pod.yml declares."""
    declared = set(yaml.safe_load((ROOT / "playbooks" / "debug_pod.yml").read_text())[0]["vars"])
    used = set(re.findall(r"\b(debug_pod_[a-z_]+)\b", (ROOT / readme).read_text(encoding="utf-8")))
    assert used, f"{readme} shows no debug_pod command"
    assert used <= declared, f"{readme} sets {sorted(used - declared)}, which playbooks/debug_pod.yml does not declare"
