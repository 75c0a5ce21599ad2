# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An in-memory stand-in for the parts of kube-apiserver (and a kubelet) the modules use, plugged in
at ``_rest.open_response``, plus helpers to run a module's main() and capture its result.

It reproduces the era behaviour from the API reference: 1.22+ takes a Pod-shaped strategic merge
patch; 1.16-1.21 takes ``{"ephemeralContainers": [...]}`` and answers a Pod-shaped patch with 200 and
nothing added; with the gate off the subresource is a 404 with empty details."""

from __future__ import annotations

import copy
import json
import typing as t
from unittest import mock

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from kubernetes.client.exceptions import ApiException

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.defaults import apply_server_defaults, normalize
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.tests.unit import pod_factories

CONNECTION = {"host": "https://fake-apiserver:6443", "api_key": "test-token"}


class Response:
    def __init__(self, data: bytes = b"", events: t.Sequence[dict] = ()) -> None:
        self.data = data
        self._events = list(events)

    def stream(self, amt=None, decode_content=False):
        for event in self._events:
            yield json.dumps(event).encode() + b"\n"

    def close(self) -> None:
        pass

    def release_conn(self) -> None:
        pass


def status_error(code: int, reason: str, message: str, details: t.Optional[dict] = None) -> ApiException:
    exc = ApiException(status=code, reason=reason)
    exc.body = json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message, "reason": reason,
                           "details": details or {}, "code": code})
    return exc


# The modules' tests take the shared pod factory from here, together with the fake server.
make_pod = pod_factories.pod


class FakeApiServer:
    def __init__(self, era: str = "Pod", version: str = "1.37", kubelet: bool = True, ignore_writes: bool = False) -> None:
        self.era = era  # "Pod", "EphemeralContainers" or None (gate off)
        self.version = version
        self.kubelet = kubelet
        self.ignore_writes = ignore_writes  # a server that answers 200 and adds nothing
        self.pods: t.Dict[t.Tuple[str, str], dict] = {}
        self.namespaces = {"shop", "default"}
        self.requests: t.List[t.Tuple[str, str, dict, t.Any]] = []
        self.stored_writes = 0
        self.logs = "thread dump\n"
        # Pod Security stand-in: container -> the violations that refuse it (empty: admitted).
        self.pod_security: t.Optional[t.Callable[[dict], t.List[str]]] = None

    # -- inspection helpers
    def add(self, pod: dict) -> dict:
        self.pods[(pod["metadata"]["namespace"], pod["metadata"]["name"])] = pod
        self.namespaces.add(pod["metadata"]["namespace"])
        return pod

    def patches(self) -> t.List[tuple]:
        return [r for r in self.requests if r[0] == "PATCH"]

    # -- the transport
    def __call__(self, api_client, method, path, query=None, body=None, content_type=None, accept=None, timeout=None):
        query = dict(query or [])
        self.requests.append((method, path, query, copy.deepcopy(body)))
        parts = path.strip("/").split("/")
        if path == "/api/v1":
            resources = [{"name": "pods", "kind": "Pod"}]
            if self.era:
                resources.append({"name": "pods/ephemeralcontainers", "kind": self.era, "verbs": ["get", "patch", "update"]})
            return self._json({"kind": "APIResourceList", "groupVersion": "v1", "resources": resources})
        if path == "/version":
            major, minor = self.version.split(".")
            return self._json({"major": major, "minor": minor, "gitVersion": "v%s.3" % self.version})
        if path == "/api/v1/pods":
            return self._list(None, query)
        if parts[:3] == ["api", "v1", "namespaces"] and len(parts) == 4:
            if parts[3] not in self.namespaces:
                raise status_error(404, "NotFound", 'namespaces "%s" not found' % parts[3], {"name": parts[3], "kind": "namespaces"})
            return self._json({"kind": "Namespace", "metadata": {"name": parts[3]}})
        namespace = parts[3]
        if len(parts) == 5:
            return self._list(namespace, query)
        pod = self.pods.get((namespace, parts[5]))
        sub = parts[6] if len(parts) > 6 else None
        if sub == "ephemeralcontainers" and not self.era:
            raise status_error(404, "NotFound", "the server could not find the requested resource")
        if pod is None:
            raise status_error(404, "NotFound", 'pods "%s" not found' % parts[5], {"name": parts[5], "kind": "pods"})
        if sub is None and method == "PATCH":  # a merge patch of annotations (annotate=true)
            assert content_type == "application/merge-patch+json"
            if query.get("dryRun") != "All":
                pod["metadata"].setdefault("annotations", {}).update(body["metadata"]["annotations"])
                self.stored_writes += 1
            return self._json(pod)
        if sub is None:
            return self._json(pod)
        if sub == "log":
            return Response(self.logs.encode())
        if sub == "ephemeralcontainers" and method == "PATCH":
            assert content_type == "application/json-patch+json"
            return self._json(self._patch(pod, body, dry_run=query.get("dryRun") == "All"))
        raise AssertionError("unexpected request %s %s" % (method, path))

    def _json(self, obj: dict) -> Response:
        return Response(json.dumps(obj).encode())

    def _selected(self, namespace, query):
        pods = [p for (ns, _n), p in sorted(self.pods.items()) if namespace in (None, ns)]
        for selector in filter(None, (query.get("labelSelector") or "").split(",")):
            key, value = selector.split("=", 1)
            pods = [p for p in pods if p["metadata"]["labels"].get(key) == value]
        field = query.get("fieldSelector") or ""
        if field.startswith("metadata.name="):
            pods = [p for p in pods if p["metadata"]["name"] == field.split("=", 1)[1]]
        return pods

    def _list(self, namespace, query):
        pods = self._selected(namespace, query)
        if query.get("watch") != "true":
            return self._json({"kind": "PodList", "metadata": {"resourceVersion": "42"},
                               "items": [{k: v for k, v in copy.deepcopy(p).items() if k not in ("kind", "apiVersion")} for p in pods]})
        events = []
        if self.kubelet:  # the kubelet starts every ephemeral container that has no status yet
            for pod in pods:
                statuses = pod["status"].setdefault("ephemeralContainerStatuses", [])
                known = {s["name"] for s in statuses}
                for container in pod["spec"].get("ephemeralContainers") or []:
                    if container["name"] not in known:
                        statuses.append({"name": container["name"], "image": container["image"], "ready": False, "restartCount": 0,
                                         "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": "s", "finishedAt": "f"}}})
                events.append({"type": "MODIFIED", "object": copy.deepcopy(pod)})
        return Response(events=events)

    def _patch(self, pod, ops, dry_run):
        """An RFC 6902 patch on the subresource's object, like evanphx/json-patch v4 in the apiserver:
        a failed ``test`` or an ``add`` to a missing list is a 422; then the update is validated."""
        legacy = self.era == "EphemeralContainers"
        root = "/ephemeralContainers" if legacy else "/spec/ephemeralContainers"
        current = pod["spec"].get("ephemeralContainers")
        listed = copy.deepcopy(current if current is not None else ([] if legacy else None))
        generic = "the server rejected our request due to an error in our request"  # no causes, no name
        for op in ops:
            if op["op"] == "test" and op["path"] == root:
                if op["value"] != listed:
                    raise status_error(422, "Invalid", generic)
            elif op["op"] == "test":
                index, field = op["path"][len(root) + 1:].split("/")
                if listed is None or int(index) >= len(listed) or listed[int(index)].get(field) != op["value"]:
                    raise status_error(422, "Invalid", generic)
            elif op["op"] == "add" and op["path"] == root + "/-":
                if listed is None:
                    raise status_error(422, "Invalid", generic)
                listed.append(op["value"])
            elif op["op"] == "add" and op["path"] == root:
                listed = list(op["value"])
            else:
                raise AssertionError("unexpected operation %r" % op)
        result = [copy.deepcopy(c) for c in current or []]
        if not self.ignore_writes:
            old = {c["name"]: c for c in current or []}
            new_names = [c["name"] for c in listed or []]
            if len(set(new_names)) != len(new_names):
                raise status_error(422, "Invalid", 'Pod "%s" is invalid: spec.ephemeralContainers[%d].name: Duplicate value'
                                   % (pod["metadata"]["name"], len(new_names) - 1))
            for container in listed or []:
                if container["name"] in old and normalize(old[container["name"]]) != normalize(container):
                    raise status_error(422, "Invalid", 'Pod "%s" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral '
                                       'containers "%s" may not be changed' % (pod["metadata"]["name"], container["name"]))
            result = [old.get(c["name"]) or dict(apply_server_defaults(c), resources={}) for c in listed or []]
            violations = [v for c in listed or [] if c["name"] not in old for v in (self.pod_security or (lambda c: []))(c)]
            if violations:
                raise status_error(403, "Forbidden", 'pods "%s" is forbidden: violates PodSecurity "restricted:latest": %s'
                                   % (pod["metadata"]["name"], ", ".join(violations)))
        if not dry_run and result != (current or []):
            pod["spec"]["ephemeralContainers"] = result
            self.stored_writes += 1
        if legacy:
            return {"kind": "EphemeralContainers", "apiVersion": "v1", "metadata": {"name": pod["metadata"]["name"]},
                    "ephemeralContainers": result}
        answer = copy.deepcopy(pod)
        answer["spec"]["ephemeralContainers"] = result
        return answer


class ModuleExit(Exception):
    def __init__(self, result: dict, failed: bool) -> None:
        super().__init__(result.get("msg"))
        self.result = result
        self.failed = failed


def run_main(main: t.Callable[[], None], module_args: dict, check_mode: bool = False, diff: bool = False) -> dict:
    """Run ``main`` with ``module_args`` as given (no transport patched); return the result dict
    (with ``failed`` set on failure). Exceptions other than exit/fail propagate."""
    module_args = dict(module_args)
    if check_mode:
        module_args["_ansible_check_mode"] = True
    if diff:
        module_args["_ansible_diff"] = True

    def exit_json(self, **kwargs):
        raise ModuleExit(kwargs, failed=False)

    def fail_json(self, msg, **kwargs):
        raise ModuleExit(dict(kwargs, msg=msg), failed=True)

    with patch_module_args(module_args), mock.patch.object(basic.AnsibleModule, "exit_json", exit_json), \
            mock.patch.object(basic.AnsibleModule, "fail_json", fail_json):
        try:
            main()
        except ModuleExit as done:
            result = dict(done.result)
            result["failed"] = done.failed
            return result
    raise AssertionError("the module did not exit")


def run_module(main: t.Callable[[], None], server: FakeApiServer, args: dict, check_mode: bool = False, diff: bool = False) -> dict:
    """Run ``main`` against ``server``; return the result dict (with ``failed`` set on failure)."""
    with mock.patch.object(_rest, "open_response", server):
        return run_main(main, dict(CONNECTION, **args), check_mode=check_mode, diff=diff)
