"""Our client-side validation agrees with the real apiserver's: Hypothesis generates container
specs, valid and invalid; each is judged by our checks (validate_container + validate_against_pod, the
ones that mirror the API) and by a server-side dry run of the very write the module would send.

A false reject (we refuse what the server accepts) blocks a legitimate task; a false accept (we pass
what the server refuses) means a late error instead of a clear early one. Both must be 0. The option-
level policies that are deliberately stricter than the API (explicit empty values, kubectl's --custom
restrictions, option combinations) are not part of this comparison; neither is the image reference rule,
which is the kubelet's (the apiserver accepts any image string), counted apart."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.ansible import collection_module_utils
from support.figures import record
from support.pods import IMAGES, create_and_wait, tools_pod

TOOLS = IMAGES["tools"]
EXAMPLES = 500
KUBELET_IMAGE_RULE = "the kubelet would fail with InvalidImageName"

names = st.one_of(st.sampled_from(["dbg", "a", "x-1", "app", "Dbg", "dbg_1", "-dbg", "dbg-", "a" * 63, "a" * 64, "9x"]),
                  st.from_regex(r"[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?", fullmatch=True))
images = st.sampled_from([TOOLS, "busybox", "busybox:1.36", "Busybox:1", "busybox:", "busybox:latest@sha256:" + "a" * 64,
                          "busybox@sha256:" + "A" * 64, "reg.example.com:5000/a/b:c", " busybox", "a" * 300,
                          "busybox@sha256:abc", "localhost/x", "x:y:z"])
texts = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=12)
env_names = st.one_of(st.sampled_from(["A", "my.var-1", "1ST", "A=B", "", "tab\tx", "ü", "a b", "_x"]), texts)
env_entries = st.fixed_dictionaries({"name": env_names}, optional={
    "value": texts,
    "valueFrom": st.sampled_from([{"fieldRef": {"fieldPath": "metadata.name"}},
                                  {"fieldRef": {"fieldPath": "metadata.name"}, "secretKeyRef": {"name": "s", "key": "k"}},
                                  {"resourceFieldRef": {"resource": "limits.cpu", "containerName": "app"}}, {}]),
})
mounts = st.fixed_dictionaries({"name": st.sampled_from(["tmp", "nope", ""]),
                                "mountPath": st.sampled_from(["/x", "/tmp", "/y", "", "rel", "/x"])}, optional={
    "readOnly": st.booleans(),
    "subPath": st.sampled_from(["", "a"]),
    "mountPropagation": st.sampled_from(["None", "HostToContainer", "Bidirectional", "Sideways"]),
})
security_contexts = st.fixed_dictionaries({}, optional={
    "privileged": st.booleans(),
    "allowPrivilegeEscalation": st.booleans(),
    "runAsUser": st.integers(min_value=-2, max_value=70000),
    "runAsNonRoot": st.booleans(),
    "capabilities": st.fixed_dictionaries({}, optional={"add": st.lists(st.sampled_from(["SYS_PTRACE", "NET_ADMIN", "CAP_SYS_ADMIN", "bogus"]), max_size=2),
                                                        "drop": st.lists(st.sampled_from(["ALL", "CHOWN"]), max_size=1)}),
})
containers = st.fixed_dictionaries({"name": names, "image": images}, optional={
    "command": st.lists(texts, max_size=3),
    "args": st.lists(texts, max_size=2),
    "workingDir": st.sampled_from(["/w", "", "rel/dir"]),
    "env": st.lists(env_entries, max_size=2),
    "envFrom": st.lists(st.sampled_from([{"configMapRef": {"name": "cm"}}, {}, {"configMapRef": {"name": "c"}, "secretRef": {"name": "s"}}]), max_size=1),
    "targetContainerName": st.sampled_from(["app", "missing", ""]),
    "volumeMounts": st.lists(mounts, max_size=2),
    "imagePullPolicy": st.sampled_from(["Always", "IfNotPresent", "Never", "Sometimes"]),
    "terminationMessagePolicy": st.sampled_from(["File", "FallbackToLogsOnError", "Log"]),
    "stdin": st.booleans(),
    "tty": st.booleans(),
    "securityContext": security_contexts,
    "ports": st.sampled_from([[{"containerPort": 80}], []]),
    "resources": st.sampled_from([{"limits": {"cpu": "1"}}, {}]),
})


def test_our_verdict_agrees_with_the_apiservers_dry_run(cluster, ns):
    pod = tools_pod("web")
    pod["spec"]["volumes"] = [{"name": "tmp", "emptyDir": {}}]
    create_and_wait(cluster.core(), ns, pod)
    connection, rest, write, validate, era, pods, build, pod_facts = (collection_module_utils(name) for name in (
        "_core.connection", "_core.rest", "_cluster.write", "_spec.validate", "_api.era", "_cluster.pods", "_spec.build",
        "_api.pod"))
    api = connection.create_api_client({"kubeconfig": str(cluster.kubeconfig)})
    stored_pod = pods.read_pod(api, ns, "web")
    tally = {"examples": 0, "accepted_by_both": 0, "rejected_by_both": 0, "refused_for_the_kubelet": 0,
             "false_accepts": [], "false_rejects": []}

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(containers)
    def judge(generated):
        # What the module would send: the generated fields as ``custom`` over name and image, built
        # and pruned like every container (empty values dropped, as Go's omitempty would).
        fields = {key: value for key, value in generated.items() if key not in ("name", "image")}
        container = build.build_container({"name": generated["name"], "image": generated["image"], "custom": fields})
        ours = validate.validate_container(container, era.ERA_POD) + validate.validate_against_pod(container, stored_pod)
        kubelet_only = ours and all(KUBELET_IMAGE_RULE in problem for problem in ours)
        body = write.patch_body(era.ERA_POD, container, [])
        try:
            rest.request_json(api, "PATCH", write.path(ns, "web"), query=[("dryRun", "All")], body=body,
                              content_type=write.JSON_PATCH)
            server = None
        except Exception as exc:  # noqa: BLE001  (any refusal is the server's verdict)
            server = getattr(exc, "body", None) or str(exc)
        tally["examples"] += 1
        if kubelet_only and server is None:
            # The apiserver takes any image string; the kubelet then fails with InvalidImageName and the
            # container's name is used up for good. Refused early on purpose, counted apart.
            tally["refused_for_the_kubelet"] += 1
        elif not ours and server is None:
            tally["accepted_by_both"] += 1
        elif ours and server is not None:
            tally["rejected_by_both"] += 1
        elif server is not None:
            tally["false_accepts"].append({"container": container, "server": str(server)[:400]})
        else:
            tally["false_rejects"].append({"container": container, "ours": ours})

    judge()
    record("server_agreement", examples=tally["examples"], accepted_by_both=tally["accepted_by_both"],
           rejected_by_both=tally["rejected_by_both"], refused_for_the_kubelet=tally["refused_for_the_kubelet"],
           false_accepts=len(tally["false_accepts"]),
           false_rejects=len(tally["false_rejects"]))
    disagreements = tally["false_accepts"][:5] + tally["false_rejects"][:5]
    assert tally["examples"] >= EXAMPLES
    assert not disagreements, json.dumps(disagreements, indent=1, default=str)
