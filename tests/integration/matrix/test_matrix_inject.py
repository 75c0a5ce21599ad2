"""ephemeral_container on each minor's own kube-apiserver, the subresource served (gate =true while alpha, as
shipped from 1.23): it injects named and derived containers, a re-run writes nothing, an immutable change is
refused before any write, and check mode sends only what that server supports."""

from __future__ import annotations

import re

from support import matrix as support
from support.ephemeral import only_result, run_ec
from testbed import matrix

IMAGE = "kubedebug.local/busybox-tools:1"


def test_named_container_is_written_once_and_a_rerun_writes_nothing(minor, served, audit):
    ns = support.namespace(served, "mx-named")
    support.pending_pod(served, ns)
    args = {"namespace": ns, "pod": "web", "name": "probe", "image": IMAGE, "command": ["sleep", "300"]}
    log = audit(served)
    first = run_ec(served, args)
    entry = only_result(first)
    assert first["changed"] is True and entry["created"] is True
    assert first["api_era"] == support.expected_era(minor)
    assert first["server_version"] == matrix.VERSIONS[minor]
    assert support.ephemeral_names(support.raw_pod(served, ns)) == ["probe"]
    assert [(e["verb"], e["responseStatus"]["code"]) for e in log.ephemeral_writes(ns)] == [("patch", 200)]

    log.mark()
    second = run_ec(served, args)
    assert second["changed"] is False and only_result(second)["created"] is False
    assert log.attempts(ns) == []


def test_derived_name_is_stable_and_a_rerun_writes_nothing(served, audit):
    ns = support.namespace(served, "mx-derived")
    support.pending_pod(served, ns)
    args = {"namespace": ns, "pod": "web", "image": IMAGE, "command": ["sleep", "120"]}
    first = only_result(run_ec(served, args))
    assert re.fullmatch(r"debugger-[0-9a-f]{10}", first["container"]), first["container"]
    log = audit(served)
    again = run_ec(served, args)
    assert again["changed"] is False and only_result(again)["container"] == first["container"]
    assert log.attempts(ns) == []
    assert support.ephemeral_names(support.raw_pod(served, ns)) == [first["container"]]


def test_an_immutable_change_is_refused_before_writing(served, audit):
    ns = support.namespace(served, "mx-immutable")
    support.pending_pod(served, ns)
    args = {"namespace": ns, "pod": "web", "name": "probe", "image": IMAGE, "command": ["sleep", "300"]}
    assert run_ec(served, args)["changed"] is True
    log = audit(served)
    refused = run_ec(served, {**args, "command": ["sleep", "301"]})
    assert refused.get("failed") is True
    assert "ephemeral container 'probe' already exists with a different spec" in refused["msg"], refused["msg"]
    assert log.attempts(ns) == []
    pod = support.raw_pod(served, ns)
    assert pod["spec"]["ephemeralContainers"][0]["command"] == ["sleep", "300"]


def test_check_mode_sends_only_what_this_server_supports(minor, served, audit):
    ns = support.namespace(served, "mx-check")
    support.pending_pod(served, ns)
    log = audit(served)
    check = run_ec(served, {"namespace": ns, "pod": "web", "name": "probe", "image": IMAGE}, check=True)
    assert check["changed"] is True and only_result(check)["created"] is True
    sent = log.attempts(ns)
    if support.expected_era(minor) == "pod":
        # 1.22+: the subresource takes a server-side dry run, and the module sends nothing else.
        assert sent and all("dryRun=All" in e["requestURI"] for e in sent), [e["requestURI"] for e in sent]
        assert {(e["objectRef"].get("subresource"), e["responseStatus"]["code"]) for e in sent} == {("ephemeralcontainers", 200)}
    else:
        # 1.16-1.21: kind EphemeralContainers, no dry run the module relies on: nothing is sent at all.
        assert sent == []
    assert support.ephemeral_names(support.raw_pod(served, ns)) == []
