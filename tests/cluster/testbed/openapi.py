"""Generating pkg/generated/openapi for releases whose module download does not ship it.

Before 1.26 Kubernetes generated zz_generated.openapi.go at build time (make), so
``go build k8s.io/kubernetes/cmd/kube-apiserver`` from the module proxy fails with
``undefined: generatedopenapi.GetOpenAPIDefinitions``. We run the release's own
openapi-gen over every package tagged ``+k8s:openapi-gen=true``, as its Makefile did,
into a copy of the k8s.io/kubernetes module that ``go build -modfile`` points at (Go
refuses overlays of files in the module cache, which stays read-only).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from .eras import CACHE_ROOT, Era

TAG = b"+k8s:openapi-gen=true"
OPENAPI_PACKAGE = "k8s.io/kubernetes/pkg/generated/openapi"


def _json_stream(text: str) -> list[dict]:
    """``go ... -json`` prints a stream of JSON objects, not one document."""
    decoder, objects, index = json.JSONDecoder(), [], 0
    while index < len(text):
        while index < len(text) and text[index].isspace():
            index += 1
        if index < len(text):
            obj, index = decoder.raw_decode(text, index)
            objects.append(obj)
    return objects


def _go_json(era: Era, env: dict[str, str] | None, *args: str) -> list[dict]:
    out = subprocess.run(["go", *args], cwd=era.module_dir, env=env, check=True, capture_output=True, text=True).stdout
    return _json_stream(out)


def _wanted(path: str) -> bool:
    return path.startswith("k8s.io/") and path not in ("k8s.io/kube-openapi", "k8s.io/gengo")


def _downloads(era: Era, env: dict[str, str] | None = None) -> list[tuple[str, str, Path]]:
    """(module, ``path version`` as go.sum writes it, directory in the module cache) for k8s.io/kubernetes and
    its staging modules.

    ``go list -m`` gives a ``Dir`` only for modules already in the module cache, so on a fresh
    machine nothing has one; ``go mod download -json`` fetches what is missing and names the
    directory of each, replaced modules under their replacement's path and version. A module the
    proxy cannot serve is left out unless it is k8s.io/kubernetes itself: a build that needed it
    would have failed at ``go mod tidy`` already.
    """
    targets: dict[str, str] = {}
    for module in _go_json(era, env, "list", "-m", "-json", "all"):
        if _wanted(module["Path"]):
            source = module.get("Replace") or module
            if source.get("Version"):  # a local directory replacement has no version to download
                targets[f"{source['Path']}@{source['Version']}"] = module["Path"]
    found = []
    for download in _go_json_lenient(era, env, "mod", "download", "-json", *sorted(targets)):
        module = targets[f"{download['Path']}@{download['Version']}"]
        if download.get("Error") or not download.get("Dir"):
            if module == "k8s.io/kubernetes":
                raise RuntimeError(f"go mod download {download.get('Path')}: {download.get('Error', 'no directory')}")
            continue
        found.append((module, f"{download['Path']} {download['Version']}", Path(download["Dir"])))
    return found


def _go_json_lenient(era: Era, env: dict[str, str] | None, *args: str) -> list[dict]:
    """Like _go_json, but a non-zero exit is fine: ``go mod download -json`` reports each failure in its object."""
    out = subprocess.run(["go", *args], cwd=era.module_dir, env=env, check=False, capture_output=True, text=True).stdout
    return _json_stream(out)


def _module_dirs(era: Era, env: dict[str, str] | None = None) -> dict[str, Path]:
    """k8s.io/kubernetes and its staging modules -> their directories in the module cache."""
    return {module: directory for module, _summed, directory in _downloads(era, env)}


def _built_modules(era: Era, env: dict[str, str] | None) -> dict[str, Path]:
    """The modules of _module_dirs whose source the build uses (go.sum holds their content hash): openapi-gen
    cannot load a package of a module go.sum only names (a matrix era's go.mod covers kube-apiserver alone)."""
    summed = {line.rsplit(" ", 1)[0] for line in (era.module_dir / "go.sum").read_text().splitlines()
              if line and "/go.mod " not in line}
    return {module: directory for module, key, directory in _downloads(era, env)
            if key in summed or module == "k8s.io/kubernetes"}


def _ignored_by_go(relative: str) -> bool:
    """Directories the go command never builds: testdata, and names starting with _ or . (code-generator's
    _examples hold tagged packages of modules no build needs)."""
    return relative != "." and any(part == "testdata" or part.startswith(("_", ".")) for part in relative.split("/"))


def _tagged_packages(modules: dict[str, Path]) -> list[str]:
    packages = set()
    for module, directory in modules.items():
        for root, _dirs, files in os.walk(directory):
            relative = Path(root).relative_to(directory).as_posix()
            if _ignored_by_go(relative):
                continue
            for name in files:
                if name.endswith(".go") and not name.endswith("_test.go") and TAG in (Path(root) / name).read_bytes():
                    packages.add(module if relative == "." else f"{module}/{relative}")
                    break
    return sorted(packages)


def _imported_by(era: Era, env: dict[str, str] | None, commands: tuple[str, ...]) -> set[str]:
    """Every package the ``commands`` (kube-apiserver, ...) import, pkg/generated/openapi's own imports aside."""
    out = subprocess.run(["go", "list", "-e", "-deps", "-f", "{{.ImportPath}}",
                          *(f"k8s.io/kubernetes/cmd/{c}" for c in commands)],
                         cwd=era.module_dir, env=env, check=True, capture_output=True, text=True).stdout
    return set(out.split())


def modfile(era: Era, env: dict[str, str] | None = None, commands: tuple[str, ...] | None = None) -> Path | None:
    """A go.mod to build with ``-modfile`` (generating the file once per release), or None when
    the release ships the file itself. ``env``: the build's environment (its Go toolchain). ``commands``: generate
    only for the packages these commands import (the version matrix builds kube-apiserver alone, and its go.sum
    lacks what only other commands need: their config types would be invalid types to openapi-gen)."""
    modules = _built_modules(era, env)
    if (modules["k8s.io/kubernetes"] / "pkg" / "generated" / "openapi" / "zz_generated.openapi.go").exists():
        return None
    work = CACHE_ROOT / "openapi" / era.version
    source = work / "kubernetes"
    generated = source / "pkg" / "generated" / "openapi" / "zz_generated.openapi.go"
    if not generated.exists():
        shutil.rmtree(source, ignore_errors=True)
        shutil.copytree(modules["k8s.io/kubernetes"], source)
        for path in source.rglob("*"):  # the module cache is read-only, the copy must not be
            path.chmod(path.stat().st_mode | 0o200)
        generator = work / "openapi-gen"
        subprocess.run(["go", "build", "-o", str(generator), "k8s.io/kube-openapi/cmd/openapi-gen"],
                       cwd=era.module_dir, env=env, check=True)
        # Go >= 1.23 reports type aliases as such; this gengo only understands them resolved.
        env = dict(env or os.environ, GODEBUG="gotypesalias=0", GO111MODULE="on")
        packages = _tagged_packages(modules)
        if commands:
            imported = _imported_by(era, env, commands)
            packages = [p for p in packages if p in imported]
        generation = subprocess.run([str(generator), "-i", ",".join(packages), "-p", OPENAPI_PACKAGE,
                                     "-O", "zz_generated.openapi", "-o", str(work / "gen"),
                                     "-h", str(source / "hack" / "boilerplate" / "boilerplate.generatego.txt"),
                                     "-r", str(work / "api-rule-violations.txt")],
                                    cwd=era.module_dir, env=env, check=False, capture_output=True, text=True)
        if generation.returncode != 0 or not (work / "gen" / OPENAPI_PACKAGE / "zz_generated.openapi.go").exists():
            raise RuntimeError(f"openapi-gen of {era.version} failed:\n{generation.stderr[-3000:]}")
        shutil.move(str(work / "gen" / OPENAPI_PACKAGE / "zz_generated.openapi.go"), str(generated))
    mod = work / "go.mod"
    mod.write_text((era.module_dir / "go.mod").read_text() + f"\nreplace k8s.io/kubernetes => {source}\n")
    shutil.copy(era.module_dir / "go.sum", work / "go.sum")
    return mod
