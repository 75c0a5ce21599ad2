"""Hostile and wrong input: every case fails with its own message that names the option, with
no traceback, and nothing reaches the API as a write (the audit log is the witness). All cases run as
tasks of one real ansible-playbook against the current era, so Ansible's own argument checks count too."""

from __future__ import annotations

import pytest

from support.ansible import run_tasks
from support.ephemeral import EC, INFO, ephemeral_names, raw_pod, run_ec
from support.figures import record
from support.pods import IMAGES, create_and_wait, tools_pod

TOOLS = IMAGES["tools"]
LONG = "x" * 70_000

# (option the message must name, options, a fragment of the message)
CASES = [
    # wrong types, ranges and sizes
    ("wait_timeout", {"wait_timeout": -5}, "wait_timeout: -5 is out of range; use 0 to 86400"),
    ("wait_timeout", {"wait_timeout": "soon"}, "wait_timeout"),
    ("wait_timeout", {"wait_timeout": 10 ** 9}, "wait_timeout: 1000000000 is out of range"),
    ("max_concurrency", {"max_concurrency": 0}, "max_concurrency: 0 is out of range; use 1 to 256"),
    ("max_concurrency", {"max_concurrency": -3}, "max_concurrency: -3 is out of range"),
    ("max_concurrency", {"max_concurrency": 100_000}, "max_concurrency: 100000 is out of range"),
    ("max_pods", {"max_pods": -1}, "max_pods: -1 is out of range; use 0 or more"),
    ("max_ephemeral_containers", {"max_ephemeral_containers": -2}, "max_ephemeral_containers: -2 is out of range"),
    ("logs_tail_lines", {"logs_tail_lines": -10}, "logs_tail_lines: -10 is out of range"),
    ("stdin", {"stdin": "maybe"}, "stdin"),
    ("env", {"env": "A=1"}, "env"),
    ("volume_mounts", {"volume_mounts": {"name": "tmp", "mount_path": "/x"}}, "volume_mounts"),
    ("security_context", {"security_context": ["runAsUser", 0]}, "security_context"),
    ("custom", {"custom": "ports"}, "custom"),
    # explicit empty values
    ("command", {"command": []}, "command: an empty list cannot be told apart from leaving command out"),
    ("args", {"args": []}, "args: an empty list cannot be told apart"),
    ("env", {"env": []}, "env: an empty list cannot be told apart"),
    ("name", {"name": ""}, "name: an empty string cannot be told apart"),
    ("run_id", {"run_id": ""}, "run_id: an empty string cannot be told apart"),
    ("name_prefix", {"name_prefix": ""}, "name_prefix: an empty string cannot be told apart"),
    ("image", {"image": ""}, "image: must not be empty"),
    ("target", {"target": ""}, "target: an empty string cannot be told apart"),
    ("working_dir", {"working_dir": ""}, "working_dir: an empty string cannot be told apart"),
    ("namespace", {"namespace": ""}, "namespace: an empty string is not a namespace"),
    ("pod", {"pod": ""}, "pod: an empty string is not a pod name"),
    # the image
    ("image", {"image": "Busybox:1.36"}, "image: 'Busybox:1.36' is not a valid image reference"),
    ("image", {"image": " busybox:1.36"}, "image: ' busybox:1.36' has leading or trailing whitespace"),
    ("image", {"image": "busybox@sha256:1234"}, "is not a valid image reference"),
    ("image", {"image": "registry/" + "a" * 300 + ":1"}, "is not a valid image reference"),
    ("image_pull_policy", {"image_pull_policy": "Sometimes"}, "image_pull_policy"),
    # names: DNS rules and collisions with app, init and other ephemeral containers
    ("name", {"name": "Debug_Shell"}, "name: 'Debug_Shell' is not a valid container name"),
    ("name", {"name": "a" * 64}, "is not a valid container name"),
    ("name", {"name": LONG}, "is not a valid container name"),
    ("name", {"name": "app"}, "name: 'app' is already the name of a container"),
    ("name", {"name": "init"}, "name: 'init' is already the name of a container"),
    ("name", {"name": "existing", "command": ["sleep", "1"]}, "ephemeral container 'existing' already exists with a different spec"),
    ("name_prefix", {"name_prefix": "-bad"}, "name_prefix: '-bad' cannot start a container name"),
    # targets and volumes
    ("target", {"target": "missing"}, "target: pod {ns}/web has no container or init container named 'missing'"),
    ("mount_target_volumes", {"mount_target_volumes": True}, "mount_target_volumes: needs target"),
    ("mount_service_account_token", {"mount_service_account_token": True},
     "mount_service_account_token: only applies to the volumes mount_target_volumes copies"),
    ("volume_mounts", {"volume_mounts": [{"name": "tmp", "mount_path": "/x", "sub_path": "a"}]},
     "volume_mounts[0] ('tmp' at '/x'): sub_path is not allowed in ephemeral containers"),
    ("volume_mounts", {"volume_mounts": [{"name": "nope", "mount_path": "/x"}]}, "volume_mounts[0]: pod {ns}/web has no volume named 'nope'"),
    ("volume_mounts", {"volume_mounts": [{"name": "tmp"}]}, "mount_path"),
    ("volume_mounts", {"volume_mounts": [{"name": "tmp", "mount_path": "/x", "mount_propagation": "Bidirectional"}]},
     "Bidirectional mount propagation is only for privileged containers"),
    ("volume_mounts", {"volume_mounts": [{"name": "tmp", "mount_path": "/x"}, {"name": "tmp", "mount_path": "/x"}]},
     "volume_mounts: mount_path '/x' is used by more than one mount"),
    # fields the API forbids for ephemeral containers, through custom
    ("custom.ports", {"custom": {"ports": [{"containerPort": 80}]}}, "custom.ports: ephemeral containers may not have ports"),
    ("custom.resources", {"custom": {"resources": {"limits": {"cpu": "1"}}}}, "custom.resources: ephemeral containers may not have resources"),
    ("custom.livenessProbe", {"custom": {"livenessProbe": {"exec": {"command": ["true"]}}}}, "custom.livenessProbe"),
    ("custom.lifecycle", {"custom": {"lifecycle": {"preStop": {"exec": {"command": ["true"]}}}}}, "custom.lifecycle"),
    ("custom.restartPolicy", {"custom": {"restartPolicy": "Always"}}, "custom.restartPolicy: ephemeral containers may not have restartPolicy"),
    ("custom.name", {"custom": {"name": "other"}}, "custom.name: custom may not set name"),
    ("custom.workDir", {"custom": {"workDir": "/x"}}, "custom.workDir: not a field an ephemeral container accepts"),
    ("custom.terminationMessagePolicy", {"custom": {"terminationMessagePolicy": "Log"}}, "custom.terminationMessagePolicy: 'Log' is not supported"),
    # environment
    ("env", {"env": [{"value": "1"}]}, "env[0]: name is required"),
    ("env", {"env": [{"name": "A=B", "value": "1"}]}, "env[0]: 'A=B' is not a valid variable name"),
    ("env", {"env": [{"name": "A", "value": "1", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]},
     "env[0] (A): set either value or valueFrom, not both"),
    ("env_from", {"env_from": [{}]}, "env_from[0]: needs exactly one of configMapRef or secretRef"),
    # security
    ("security_context", {"security_context": {"runAsUser": 0}, "profile": "restricted"},
     "security_context: profile 'restricted' replaces the container's securityContext"),
    ("security_context", {"profile": "sysadmin", "custom": {"securityContext": {"allowPrivilegeEscalation": False}}},
     "allowPrivilegeEscalation false contradicts privileged true"),
    ("profile", {"profile": "root"}, "profile"),
    # selection
    ("label_selectors", {"pod": None, "label_selectors": ["app in (a,b"]}, "label_selectors[0] ('app in (a,b')"),
    ("label_selectors", {"pod": None, "label_selectors": ["=web"]}, "label_selectors[0] ('=web')"),
    ("label_selectors", {"pod": None, "label_selectors": ["app=web,,tier=x"]}, "an empty requirement"),
    ("field_selectors", {"pod": None, "field_selectors": ["status.phase"]}, "field_selectors[0] ('status.phase')"),
    ("pod", {"label_selectors": ["app=web"]}, "pod cannot be combined with label_selectors"),
    ("label_selectors", {"pod": None}, "give either pod, or label_selectors/field_selectors"),
    # waiting
    ("fail_on_nonzero_exit", {"fail_on_nonzero_exit": True}, "fail_on_nonzero_exit: an exit code is only known after"),
    ("wait_for", {"wait": True, "wait_for": "done"}, "wait_for"),
    ("unknown_option", {"unknown_option": 1}, "unknown_option"),
]

INFO_CASES = [
    ("logs_tail_lines", {"logs_tail_lines": -1}, "logs_tail_lines: -1 is out of range"),
    ("name", {"name": ""}, "name: an empty string cannot be told apart"),
    ("label_selectors", {"label_selectors": ["app notin ()x"]}, "label_selectors[0]"),
]


@pytest.fixture
def web(cluster, ns):
    pod = tools_pod("web")
    pod["spec"]["initContainers"] = [{"name": "init", "image": TOOLS, "imagePullPolicy": "IfNotPresent", "command": ["true"]}]
    pod["spec"]["volumes"] = [{"name": "tmp", "emptyDir": {}}]
    pod["spec"]["containers"][0]["volumeMounts"] = [{"name": "tmp", "mountPath": "/tmp"}]
    create_and_wait(cluster.core(), ns, pod)
    assert not run_ec(cluster, {"namespace": ns, "pod": "web", "name": "existing", "image": TOOLS,
                                "command": ["sleep", "600"]}).get("failed")
    return "web"


def _check(results: list[dict], cases: list, ns: str) -> list[str]:
    """One line per case that did not fail the way it should."""
    wrong = []
    for (option, args, fragment), result in zip(cases, results):
        msg = str(result.get("msg", ""))
        fragment = fragment.replace("{ns}", ns)
        if not result.get("failed") or fragment not in msg or option.split(".")[0] not in msg:
            wrong.append(f"{option} {args}: failed={result.get('failed')} msg={msg[:300]!r}")
        # ansible-core 2.19 puts "exception": "(traceback unavailable)" on every failure; a real one has a Traceback.
        elif "Traceback" in msg or "MODULE FAILURE" in msg or "Traceback" in str(result.get("exception", "")):
            wrong.append(f"{option} {args}: a traceback: {msg[:300]!r}")
    return wrong


def test_every_bad_input_fails_with_its_own_message_and_writes_nothing(cluster, ns, web, audit_of):
    audit = audit_of(cluster)
    base = {"namespace": ns, "pod": web, "image": TOOLS, "command": ["sleep", "60"]}
    cases = [(option, {**base, **args}, fragment) for option, args, fragment in CASES]
    for _option, args, _fragment in cases:
        for key in [k for k, v in args.items() if v is None]:
            del args[key]
    results = run_tasks(EC, [args for _option, args, _fragment in cases], kubeconfig=cluster.kubeconfig)
    info_cases = [(option, {"namespace": ns, **args}, fragment) for option, args, fragment in INFO_CASES]
    info_results = run_tasks(INFO, [args for _option, args, _fragment in info_cases], kubeconfig=cluster.kubeconfig)

    wrong = _check(results, cases, ns) + _check(info_results, info_cases, ns)
    assert not wrong, "\n".join(wrong)
    messages = [r["msg"] for r in results + info_results]
    assert audit.attempts(ns) == [], "a bad input reached the API as a write"
    assert ephemeral_names(raw_pod(cluster, ns, web)) == ["existing"]
    record("bad_input", cases=len(cases) + len(info_cases), distinct_messages=len(set(messages)), tracebacks=0, writes=0)
