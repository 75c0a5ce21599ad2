"""Audit trail: every write names its field manager, and ephemeral_container_info reports who
added each ephemeral container and when, from managedFields, for kubectl debug's containers too; the
optional annotation is a second write, made once."""

from __future__ import annotations

import json

from support.ephemeral import only_result, raw_pod, run_ec, run_info
from support.pods import IMAGES, create_and_wait, tools_pod

TOOLS = IMAGES["tools"]


def _by_name(info: dict) -> dict:
    assert not info.get("failed"), info.get("msg")
    return {c["name"]: c for c in info["pods"][0]["ephemeral_containers"]}


def test_module_and_kubectl_debug_containers_are_reported_with_manager_and_time(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    audit = audit_of(cluster)
    first = run_ec(cluster, {"namespace": ns, "pod": "web", "name": "ours", "image": TOOLS, "command": ["sleep", "600"],
                             "annotate": True, "run_id": "audit-1"})
    entry = only_result(first)
    assert entry["created"] is True and entry["annotation"]["run_id"] == "audit-1", entry
    # Two writes, each naming the field manager: the container, then the annotation.
    writes = [(e["objectRef"].get("subresource"), e["requestURI"]) for e in audit.writes(ns)]
    assert [w[0] for w in writes] == ["ephemeralcontainers", None], writes
    assert all("fieldManager=kubedebug.ephemeral" in uri for _sub, uri in writes), writes

    cluster.kubectl("debug", "-n", ns, "web", f"--image={TOOLS}", "--container=by-kubectl", "--", "sleep", "600")
    run_ec(cluster, {"namespace": ns, "pod": "web", "name": "theirs", "image": TOOLS, "command": ["sleep", "600"],
                     "field_manager": "team-b"})
    found = _by_name(run_info(cluster, {"namespace": ns, "pod": "web"}))
    ours, kubectl, theirs = found["ours"]["added_by"], found["by-kubectl"]["added_by"], found["theirs"]["added_by"]
    assert (ours["manager"], ours["operation"], ours["subresource"]) == ("kubedebug.ephemeral", "Update", "ephemeralcontainers")
    assert kubectl["manager"] == "kubectl" and kubectl["subresource"] == "ephemeralcontainers", kubectl
    assert theirs["manager"] == "team-b"
    assert all(a["time"] and a["time"].endswith("Z") and a["time_exact"] for a in (ours, kubectl, theirs))
    assert found["ours"]["annotation"] == entry["annotation"] and found["by-kubectl"]["annotation"] is None

    audit.mark()
    again = run_ec(cluster, {"namespace": ns, "pod": "web", "name": "ours", "image": TOOLS, "command": ["sleep", "600"],
                             "annotate": True, "run_id": "audit-1"})
    assert again["changed"] is False and audit.attempts(ns) == []
    stored = raw_pod(cluster, ns, "web")["metadata"]["annotations"]["kubedebug.ephemeral/ours"]
    assert json.loads(stored) == entry["annotation"]


def test_one_manager_with_two_containers_marks_which_time_is_exact(cluster, ns):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    for name in ("one", "two"):
        assert not run_ec(cluster, {"namespace": ns, "pod": "web", "name": name, "image": TOOLS, "command": ["sleep", "600"]}).get("failed")
    found = _by_name(run_info(cluster, {"namespace": ns, "pod": "web"}))
    assert (found["one"]["added_by"]["time_exact"], found["two"]["added_by"]["time_exact"]) == (False, True)
