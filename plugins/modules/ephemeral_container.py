#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: ephemeral_container
short_description: Add an ephemeral debugging container to running pods, idempotently
version_added: 0.1.0
author:
  - kubedebug.ephemeral maintainers (@kubedebug)
description:
  - Adds an ephemeral container to one pod, or to every pod that label or field selectors choose, through the
    C(pods/ephemeralcontainers) subresource, the API behind C(kubectl debug).
  - Use it to debug slim (distroless, JRE-only) pods that have no shell. The ephemeral container brings the tools
    and can join the process namespace of one of the pod's containers (O(target)) and share its volumes
    (O(mount_target_volumes)).
  - Idempotent. The container's name is O(name), or is derived from the spec (and O(run_id)), so running the same
    task again finds the container and changes nothing. If a container with that name exists with a different spec,
    the task fails and shows the differences, because ephemeral containers can never be changed or removed.
  - Works with both API shapes, detected from API discovery. Kubernetes 1.22 and later take a C(Pod); 1.16 to 1.21
    take an C(EphemeralContainers) object. A write is only reported as done when the server's answer really
    contains the new container.
  - Every pod is checked before anything is written. Problems in the spec (fields ephemeral containers may not have,
    such as ports, resources, probes, lifecycle or V(subPath) mounts), a missing target, a name that collides with a
    regular container, or a static pod, in any pod, fail the task with nothing written.
options:
  name:
    description:
      - The name of the ephemeral container.
      - When not given, it is V(<name_prefix>-<hash>), where the hash covers the whole spec (after the server's
        defaults) and O(run_id). The same options always give the same name.
      - It must not be the name of a regular or init container of the pod.
    type: str
  name_prefix:
    description:
      - The prefix of a derived name, when O(name) is not given.
    type: str
    default: debugger
  run_id:
    description:
      - Part of the derived name, when O(name) is not given. Use a new value (a date, a job id) to add a fresh
        container with the same spec, for example for a nightly thread dump.
    type: str
  image:
    description:
      - The image of the ephemeral container, such as V(busybox:1.36).
    type: str
    required: true
  command:
    description:
      - The entrypoint, as a list. The image's entrypoint is used when not given.
    type: list
    elements: str
  args:
    description:
      - The arguments to the entrypoint, as a list.
    type: list
    elements: str
  env:
    description:
      - Environment variables, as Kubernetes C(EnvVar) objects (V(name), V(value) or V(valueFrom)), passed as they are.
    type: list
    elements: dict
  env_from:
    description:
      - Sources of environment variables, as Kubernetes C(EnvFromSource) objects (C(configMapRef) or C(secretRef)).
    type: list
    elements: dict
  working_dir:
    description:
      - The working directory of the container.
    type: str
  target:
    description:
      - The name of a regular or init container of the pod whose process namespace the ephemeral container joins
        (C(kubectl debug --target)). Its processes are then visible, and their files under C(/proc/<pid>/root).
      - Needs a container runtime that supports targeting; otherwise only the pause process is visible.
    type: str
  volume_mounts:
    description:
      - Volumes of the pod to mount into the ephemeral container. Ephemeral containers can only mount volumes
        the pod already has.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The name of one of the pod's volumes.
        type: str
        required: true
      mount_path:
        description:
          - Where the volume appears in the container.
        type: str
        required: true
      read_only:
        description:
          - Mount the volume read-only.
        type: bool
        default: false
      mount_propagation:
        description:
          - How mounts propagate between host and container. V(Bidirectional) needs a privileged container
            (O(profile=sysadmin)).
        type: str
        choices: [None, HostToContainer, Bidirectional]
      sub_path:
        description:
          - Not allowed for ephemeral containers; the API rejects it. Given here only so that the task fails with a
            clear message before any write.
        type: str
      sub_path_expr:
        description:
          - Not allowed for ephemeral containers; the API rejects it, like O(volume_mounts[].sub_path).
        type: str
  mount_target_volumes:
    description:
      - Also mount every volume that the O(target) container mounts, at the same paths. Needs O(target).
      - This is what JVM tools need (C(jstack), C(jcmd)), because the attach socket lives in the target's C(/tmp).
      - Mounts with C(subPath) or C(subPathExpr) are skipped with a warning, because ephemeral containers may not use
        them. A mount in O(volume_mounts) at the same path wins.
      - The target's service account token (the C(kube-api-access-*) volume at
        C(/var/run/secrets/kubernetes.io/serviceaccount)) is left out unless O(mount_service_account_token=true), so
        that the debug image does not get the pod's API credentials, and so that the replicas of one workload get the
        same derived container name.
    type: bool
    default: false
  mount_service_account_token:
    description:
      - With O(mount_target_volumes=true), also mount the target's service account token, giving the ephemeral
        container the pod's API credentials. Only for tools that must call the API as the pod.
      - Each pod's token volume has its own name, so the derived container name then differs between replicas.
    type: bool
    default: false
  image_pull_policy:
    description:
      - When to pull the image. The server's default is V(Always) for V(:latest) or untagged images, otherwise
        V(IfNotPresent).
    type: str
    choices: [Always, IfNotPresent, Never]
  stdin:
    description:
      - Keep stdin open, for an interactive shell you attach to later (C(kubectl debug -i)).
    type: bool
    default: false
  tty:
    description:
      - Allocate a TTY (C(kubectl debug -t)). Usually together with O(stdin).
    type: bool
    default: false
  security_context:
    description:
      - The container's C(securityContext), as a Kubernetes C(SecurityContext) object.
      - Only allowed on Kubernetes 1.22 and later.
      - O(profile=baseline) and O(profile=restricted) replace it, as in kubectl; with those, put settings in
        O(custom) instead.
    type: dict
  profile:
    description:
      - A C(kubectl debug --profile), with the same effect on the container.
      - V(legacy) leaves the container as built (kubectl's default up to 1.35).
      - V(general) adds capability C(SYS_PTRACE).
      - V(baseline) removes the securityContext.
      - V(restricted) sets C(runAsNonRoot), C(allowPrivilegeEscalation=false), drops all capabilities and sets seccomp
        C(RuntimeDefault), which Pod Security V(restricted) namespaces require.
      - V(netadmin) adds C(NET_ADMIN) and C(NET_RAW) (for C(tcpdump), C(ping)).
      - V(sysadmin) makes the container privileged.
      - Every profile but V(legacy) and V(baseline) sets a securityContext, so needs Kubernetes 1.22 or later.
      - V(auto) chooses, once per namespace, the most capable profile the namespace admits, in the order V(sysadmin),
        V(netadmin), V(general), V(baseline), V(restricted). Each is tried with a server-side dry run of the very
        container this task adds, on the namespace's first selected pod (Pod Security and webhooks judge the whole
        pod). A profile whose container that pod already holds is taken without asking, so a re-run chooses as the
        first run did. Before Kubernetes 1.22, which has no dry run, it is the first profile valid there
        (V(baseline)). The choice is in RV(auto_profile) and RV(results[].profile); when no profile is admitted the
        task fails with each profile's reasons and nothing written. Cannot be combined with O(security_context) (use
        O(custom)).
    type: str
    choices: [legacy, general, baseline, restricted, netadmin, sysadmin, auto]
    default: legacy
  custom:
    description:
      - A partial container spec (camelCase API fields) merged last, like C(kubectl debug --custom).
      - It may not set C(name), C(command), C(image), C(lifecycle) or C(volumeDevices).
    type: dict
  wait:
    description:
      - Wait until every container is in the state O(wait_for). Never in check mode.
    type: bool
    default: false
  wait_for:
    description:
      - V(running) waits until the container runs (or has already finished).
      - V(terminated) waits until its process has exited, for one-shot commands such as a thread dump.
    type: str
    choices: [running, terminated]
    default: running
  fail_on_nonzero_exit:
    description:
      - Fail the task when a container ended with an exit code other than 0. Needs O(wait=true) and
        O(wait_for=terminated).
      - By default a non-zero exit code does not fail the task, because the code is the debugging tool's answer
        (C(grep) finding nothing exits with 1); it is returned in RV(results[].status.exit_code). Scheduled runs that
        must notice a failing tool set this to V(true).
      - Either way every pod's result, logs included, is returned.
    type: bool
    default: false
  fail_on_image_pull_error:
    description:
      - While waiting (O(wait=true)), treat a failed image pull (C(ErrImagePull), C(ImagePullBackOff)) as final - that
        container is reported at once, as it is, instead of being waited on until O(wait_timeout). The other pods
        of the task are still waited for; the task fails once they are done, naming the container and the reason.
      - C(InvalidImageName) and C(ErrImageNeverPull) always end the wait for their container, since the kubelet never
        gets past them.
      - V(true) (the default) is what a scheduled or unattended run wants - a wrong image or a missing pull secret
        fails in seconds, and the container cannot be fixed anyway (ephemeral containers cannot change). Set V(false)
        to keep waiting through the kubelet's pull retries when a registry is known to be briefly unreachable.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait, for all pods together, from 0 to 86400 (a day).
      - When the kubelet never reports a status, the error says so; that usually means the kubelet's
        C(EphemeralContainers) feature gate is off (Kubernetes 1.16 to 1.24).
    type: int
    default: 120
  logs:
    description:
      - Return each container's logs (after waiting, when O(wait=true)). With many pods, O(max_concurrency) logs are read
        at the same time.
    type: bool
    default: false
  logs_tail_lines:
    description:
      - Only return this many lines (0 or more) from the end of the logs.
      - The alias O(tail_lines) is kubernetes.core.k8s_log's name for it.
    type: int
    aliases: [tail_lines]
  logs_limit_bytes:
    description:
      - Return at most this many bytes (0 or more) of each container's log (after O(logs_tail_lines)), from its start, so that
        results stay small (AWX and AAP keep every task's result). A log that was cut has
        RV(results[].logs_truncated=true).
      - V(0) returns the whole log. The server is asked for one byte more than the limit (the API's C(limitBytes)),
        so a long log is not transferred whole.
    type: int
    default: 65536
  results_detail:
    description:
      - How much each entry of RV(results) holds.
      - V(full) - every key, RV(results[].spec) (the container as the server stored it) and RV(results[].annotation)
        included.
      - V(compact) - every key but RV(results[].spec) and RV(results[].annotation), and in RV(results[].status) no
        C(container_id), C(image), C(image_id), C(ready) or C(restart_count); these are the same in every pod of a
        fleet or never change. What a user acts on stays - the pod, the container's name,
        V(changed)/V(created)/V(skipped), the state, reason, exit code and times, the logs (cut at
        O(logs_limit_bytes)), the error and the warnings.
      - V(auto) (the default) - V(full) when O(pod) names one pod, V(compact) when selectors choose the pods (also
        when they match one pod), so that fleet results stay small in AWX and AAP, which keep every task's result.
      - An empty string is refused, naming the option; leave O(results_detail) out for V(auto).
    type: str
    choices: [auto, full, compact]
    default: auto
  max_concurrency:
    description:
      - How many pods are written (and their logs read) at the same time, from 1 to 256.
    type: int
    default: 5
  qps:
    description:
      - A client-side rate limit for shared clusters, as client-go's C(QPS) - at most this many API requests a second
        on average (0.1 to 10000), whatever O(max_concurrency) is. Not set, requests are not limited on the client.
      - Either way, an apiserver that answers C(429 Too Many Requests) (API Priority and Fairness, or
        C(--max-requests-inflight)) is honoured - the request is sent again after the C(Retry-After) it asks for
        (each wait capped at 10 s), up to 10 times.
    type: float
  qps_total:
    description:
      - The client-side rate limit of all shards together (0.1 to 10000 requests a second). Each run uses
        O(qps_total) divided by O(shard.count) as its O(qps), since every shard is a process with its own limit.
        Without O(shard), the same as O(qps).
      - Give O(qps) or O(qps_total), not both. O(burst) stays per run.
    type: float
  burst:
    description:
      - How many requests may go out at once under O(qps) (or this run's share of O(qps_total)), as client-go's
        C(Burst) (1 to 10000). Only with O(qps) or O(qps_total); when not set, that rate rounded up.
    type: int
  max_pods:
    description:
      - Fail, before writing anything, when the selectors match more pods than this (0 or more). With O(shard), the
        pods of this shard are counted.
    type: int
  max_ephemeral_containers:
    description:
      - Skip pods that already hold this many (0 or more) ephemeral containers. They can only be removed by recreating the pod,
        so this bounds how many pile up from scheduled runs.
      - A pod that already holds the container this task describes is not skipped.
    type: int
  field_manager:
    description:
      - The field manager every write names (the C(fieldManager) query parameter), as kubernetes.core.k8s calls it.
        The pod's C(managedFields) then record who added each ephemeral container and when;
        M(kubedebug.ephemeral.ephemeral_container_info) reports it.
      - At most 128 bytes, printable characters only.
    type: str
    default: kubedebug.ephemeral
  annotate:
    description:
      - Also record the run on the pod, in the annotation C(kubedebug.ephemeral/<container name>), with O(run_id), the
        user and host the module runs as (the controller, when the task runs on localhost), the time, the field
        manager, and whether this run added the container.
      - A second, separate write (a merge patch of the pod), so it needs C(patch) on C(pods) besides the permissions
        in the notes. Written once per container; a re-run finds it and writes nothing. If the container was added
        but this write failed, the task fails and the next run writes the missing record.
    type: bool
    default: false
  guard_memory_mib:
    description:
      - Memory guard. The memory in MiB (0 to 1048576) the capture needs from its target's headroom (the target
        container's memory limit minus its current working set). A pod with less headroom is skipped, with the reason in
        RV(results[].skip_reason). The container is O(target), or the pod's only container.
      - The working set comes from the resource metrics API (C(metrics.k8s.io), one list per namespace), else from the
        container's cgroup, read by a probe container from O(guard_probe_image). Without either the headroom is
        V(unknown), and that skips the pod too. A container without a memory limit passes.
      - Only pods that would get a new container are checked; a pod that already holds it is never skipped.
    type: int
  guard_pause_seconds:
    description:
      - Liveness guard. How long (0 to 86400 seconds) the capture may pause its target (a JVM stopped at a safepoint
        for a heap dump). A target whose liveness probe restarts it sooner, after C(periodSeconds) x
        C(failureThreshold) seconds of failures (defaults 10 and 3), is skipped with the reason. A target without a
        liveness probe passes.
    type: int
  guard_probe_image:
    description:
      - The image of the probe container that reads the target's cgroup when the metrics API has no figure for it
        (any image with a POSIX C(sh), C(cat) and C(grep), such as C(busybox:1.36)).
      - The probe is an ephemeral container named C(mem-<name>), with the V(general) profile (C(SYS_PTRACE), to
        read C(/proc/1/root) of a target running as another user), so it needs what O(profile=general) needs and it
        stays in the pod like any ephemeral container. A re-run reads the probe that is there.
      - In check mode no probe is written and an unknown headroom does not skip.
    type: str
  guard_override:
    description:
      - Guards to ignore (V(memory), V(liveness)). The capture runs anyway, and RV(results[].guards.overridden) names
        the guards that would have skipped it. A terminating pod is always skipped.
    type: list
    elements: str
    choices: [memory, liveness]
extends_documentation_fragment:
  - kubedebug.ephemeral.connection
  - kubedebug.ephemeral.pods
  - kubedebug.ephemeral.shard
  - kubedebug.ephemeral.attributes
attributes:
  check_mode:
    support: full
    details:
      - On Kubernetes 1.22 and later the write is sent as a server-side dry run (C(dryRun=All)), so validation and
        admission (Pod Security, webhooks) run and nothing is stored. That request needs C(patch) on
        C(pods/ephemeralcontainers) and is recorded in audit logs.
      - On 1.16 to 1.21 nothing is sent; C(changed) and RV(results[].spec) show what would be written.
      - C(changed) is true exactly when a real run would write.
      - A webhook on C(pods/ephemeralcontainers) that does not support dry run makes the apiserver refuse every dry run;
        the task then fails naming it (RV(dry_run_refused_by_webhook)), while real runs go to the webhook as usual.
  diff_mode:
    support: full
    details:
      - The pods' ephemeral containers before and after, one diff per pod.
  idempotent:
    support: full
    details:
      - A container with the same name and an equal spec (after the server's defaults) is left alone; a different
        spec fails the task.
requirements:
  - python >= 3.9
  - kubernetes >= 24.2.0
notes:
  - Ephemeral containers cannot be changed, restarted or removed once added; only recreating the pod removes them.
    There is no C(state) option for that reason.
  - "API eras: Kubernetes 1.25 and later always support ephemeral containers. On 1.16 to 1.24 the C(EphemeralContainers)
    feature gate must be on in kube-apiserver and in every kubelet (default off up to 1.22); the
    kubedebug.ephemeral.feature_gates role enables it. securityContext needs 1.22 or later."
  - "RBAC: the credentials need C(patch) on C(pods/ephemeralcontainers) (not part of the built-in edit and admin roles),
    C(get), C(list) and C(watch) on C(pods), and C(get) on C(pods/log) for O(logs). Check mode on Kubernetes 1.22 and
    later needs the same C(patch) permission: its server-side dry run is a real PATCH request (with C(dryRun=All)), and
    it shows in the apiserver's audit log as one. O(annotate=true) also needs C(patch) on C(pods)."
  - Pod Security admission re-checks the whole pod when an ephemeral container is added. In V(restricted) namespaces use
    O(profile=restricted).
seealso:
  - module: kubedebug.ephemeral.ephemeral_container_info
  - module: kubernetes.core.k8s_exec
  - module: kubernetes.core.k8s_log
  - name: Ephemeral containers
    description: The Kubernetes documentation on ephemeral containers.
    link: https://kubernetes.io/docs/concepts/workloads/pods/ephemeral-containers/
  - name: Debugging with an ephemeral debug container
    description: kubectl debug, which this module mirrors.
    link: https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container
"""

EXAMPLES = r"""
- name: Run one command next to the app container, wait for it to finish and keep its output
  kubedebug.ephemeral.ephemeral_container:
    namespace: shop
    pod: web-7d9c6b5f4-x2x9k
    target: app
    image: busybox:1.36
    command: [ps, -o, "pid,user,args"]
    wait: true
    wait_for: terminated
    logs: true
  register: processes

- name: Print what it printed
  ansible.builtin.debug:
    msg: "{{ processes.results[0].logs }}"

- name: Add a busybox shell to a distroless pod, sharing the app container's processes
  kubedebug.ephemeral.ephemeral_container:
    namespace: shop
    pod: web-7d9c6b5f4-x2x9k
    name: debug-shell
    image: busybox:1.36
    target: app
    stdin: true
    tty: true
    wait: true
  register: shell

- name: Show how to attach
  ansible.builtin.debug:
    msg: "{{ shell.results[0].attach_command }}"

- name: Capture 200 packets in the pod's network namespace
  kubedebug.ephemeral.ephemeral_container:
    namespace: shop
    pod: web-7d9c6b5f4-x2x9k
    image: nicolaka/netshoot:v0.13
    profile: netadmin
    command: [tcpdump, -i, any, -c, "200", -nn]
    wait: true
    wait_for: terminated
    wait_timeout: 300
    logs: true
  register: capture

- name: Thread dump of a JRE-only Java pod with jstack from a JDK image, sharing its /tmp
  kubedebug.ephemeral.ephemeral_container:
    namespace: payments
    pod: ledger-0
    image: eclipse-temurin:17-jdk
    target: app
    mount_target_volumes: true
    command: [jstack, "1"]
    security_context:
      runAsUser: 1000
    wait: true
    wait_for: terminated
    logs: true
  register: dump

- name: Nightly thread dumps of every payments pod, one new container per run
  kubedebug.ephemeral.ephemeral_container:
    namespace: payments
    label_selectors:
      - app=payments
    image: eclipse-temurin:17-jdk
    target: app
    mount_target_volumes: true
    command: [jstack, "1"]
    run_id: "{{ now(utc=true, fmt='%Y%m%d') }}"
    max_pods: 20
    max_ephemeral_containers: 10
    max_concurrency: 5
    wait: true
    wait_for: terminated
    logs: true
    logs_tail_lines: 2000
  register: nightly

- name: A whole fleet on a shared cluster, 32 pods at a time but at most 20 API requests a second
  kubedebug.ephemeral.ephemeral_container:
    namespace: shop
    label_selectors:
      - tier=web
    image: busybox:1.36
    target: app
    command: [ps]
    run_id: "{{ now(utc=true, fmt='%Y-%m-%d') }}"
    max_concurrency: 32
    qps: 20
    burst: 40
    wait: true
    wait_for: terminated
    logs: true
    # Selectors: compact entries by default (no spec, no annotation); results_detail: full returns them too.
  register: fleet

- name: A heap dump only if it cannot get the pod restarted (skipped with the reason otherwise)
  kubedebug.ephemeral.ephemeral_container:
    namespace: payments
    pod: payments-7c9d8f6b5-qx2lz
    name: heap-dump-1
    command: [jcmd, "1", GC.heap_dump, /tmp/heap.hprof]
    image: eclipse-temurin:17-jdk
    target: app
    mount_target_volumes: true
    guard_memory_mib: 512
    guard_pause_seconds: 30
    guard_probe_image: busybox:1.36
    wait: true
    wait_for: terminated
  register: heap

- name: A restricted namespace needs the restricted profile
  kubedebug.ephemeral.ephemeral_container:
    namespace: secure
    pod: api-0
    image: busybox:1.36
    profile: restricted
    command: [sleep, "3600"]

- name: The most capable profile the namespace admits, with a record of the run on the pod
  kubedebug.ephemeral.ephemeral_container:
    namespace: secure
    pod: api-0
    image: busybox:1.36
    command: [sleep, "3600"]
    profile: auto
    annotate: true
    run_id: "{{ tower_job_id | default('manual') }}"
  register: auto

- name: One share of a fleet, on each host of the kubedebug.ephemeral.shards inventory (forks or AWX job slicing)
  kubedebug.ephemeral.ephemeral_container:
    namespace: payments
    label_selectors:
      - app=payments
    image: busybox:1.36
    command: [ps, -ef]
    target: app
    shard: "{{ kubedebug_shard }}"  # {index: 0..3, count: 4}: each pod is handled by exactly one host
    qps_total: 40                  # 10 requests a second per shard
    wait: true
    wait_for: terminated
    logs: true
    logs_limit_bytes: 0            # the whole log of every pod, however long

- name: Preview in check and diff mode (server-side dry run on 1.22+)
  kubedebug.ephemeral.ephemeral_container:
    namespace: shop
    pod: web-7d9c6b5f4-x2x9k
    image: busybox:1.36
    command: [sleep, "600"]
  check_mode: true
  diff: true
"""

RETURN = r"""
results:
  description:
    - One entry per selected pod, sorted by namespace and pod name.
    - Full or compact entries, see O(results_detail); by default compact when selectors choose the pods.
  returned: success, and on failure once pods were selected
  type: list
  elements: dict
  contains:
    namespace:
      description: The pod's namespace.
      type: str
      sample: shop
    pod:
      description: The pod's name.
      type: str
      sample: web-7d9c6b5f4-x2x9k
    container:
      description: The ephemeral container's name (given or derived).
      type: str
      sample: debugger-3f9a1c2b7e
    changed:
      description: Whether this pod was (or, in check mode, would be) written.
      type: bool
    created:
      description: Whether the container was added to this pod by this task (or would be, in check mode).
      type: bool
    skipped:
      description: Whether the pod was left alone, see RV(results[].skip_reason).
      type: bool
    skip_reason:
      description:
        - Why the pod was skipped, for example its phase is not C(Running) (with selectors) or
          O(max_ephemeral_containers) was reached. V(null) when not skipped.
      type: str
      sample: pod phase is Pending, not Running
    guards:
      description:
        - What the guards found (when O(guard_memory_mib) or O(guard_pause_seconds) is given, for pods that would get
          a new container); V(null) otherwise.
      type: dict
      contains:
        container:
          description: The container the guards looked at.
          type: str
        terminating:
          description: Whether the pod was being deleted.
          type: bool
        memory:
          description:
            - C(needed_bytes), C(limit_bytes), C(working_set_bytes), C(headroom_bytes), C(source) (V(metrics),
              V(cgroup), V(no limit) or V(unknown)) and C(unknown_because).
          type: dict
        liveness:
          description:
            - C(pause_seconds), C(probe) (whether there is a liveness probe), C(period_seconds),
              C(failure_threshold) and C(budget_seconds).
          type: dict
        overridden:
          description: Guards that would have skipped the pod, ignored by O(guard_override).
          type: list
          elements: str
        skip_reason:
          description: The guards' reason to skip, also in RV(results[].skip_reason).
          type: str
      sample:
        container: app
        terminating: false
        memory: {needed_bytes: 536870912, limit_bytes: 268435456, working_set_bytes: 140509184,
                 headroom_bytes: 127926272, source: cgroup, unknown_because: null}
        liveness: {pause_seconds: 30, probe: true, period_seconds: 10, failure_threshold: 3, budget_seconds: 30}
        overridden: []
        skip_reason: "memory guard: the capture needs 512 MiB but container app has 122 MiB of headroom ..."
    spec:
      description:
        - The ephemeral container as the server stored it (with defaults such as C(terminationMessagePath)), in the
          API's camelCase.
        - In check mode on Kubernetes 1.16 to 1.21, the spec that would be written. V(null) for skipped pods.
        - Only in full entries (O(results_detail=full), or O(pod) with O(results_detail=auto)); a compact entry has
          no such key.
      returned: when the entries are full, see O(results_detail)
      type: dict
      sample:
        name: debugger-3f9a1c2b7e
        image: busybox:1.36
        command: [sleep, "600"]
        imagePullPolicy: IfNotPresent
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
        targetContainerName: app
    status:
      description:
        - The container's status as the kubelet reported it, V(null) when there is none yet.
      type: dict
      contains:
        state:
          description: V(waiting), V(running) or V(terminated).
          type: str
          sample: terminated
        reason:
          description: The reason of the state, such as C(ImagePullBackOff) or C(Completed).
          type: str
        message:
          description: The message of the state.
          type: str
        exit_code:
          description: The exit code, when terminated.
          type: int
          sample: 0
        signal:
          description: The signal that ended the process, when terminated by one.
          type: int
        started_at:
          description: When the container started.
          type: str
          sample: "2026-01-02T03:04:05Z"
        finished_at:
          description: When the container terminated.
          type: str
        container_id:
          description: The runtime's container ID.
          returned: in full entries, see O(results_detail)
          type: str
          sample: containerd://4f7d...
        image:
          description: The image the kubelet runs.
          returned: in full entries, see O(results_detail)
          type: str
        image_id:
          description: The image's ID.
          returned: in full entries, see O(results_detail)
          type: str
        ready:
          description: The C(ready) flag (ephemeral containers have no probes, so it is false).
          returned: in full entries, see O(results_detail)
          type: bool
        restart_count:
          description: The restart count (ephemeral containers are never restarted).
          returned: in full entries, see O(results_detail)
          type: int
    logs:
      description: The container's logs, when O(logs=true); V(null) otherwise or when they could not be read (a warning says why).
      type: str
    logs_truncated:
      description: Whether RV(results[].logs) was cut at O(logs_limit_bytes).
      type: bool
      sample: false
    attach_command:
      description: The C(kubectl attach) command for the container. V(null) for skipped pods.
      type: str
      sample: kubectl attach -n shop web-7d9c6b5f4-x2x9k -c debug-shell -it
    annotation:
      description:
        - The container's record from O(annotate=true) (keys C(run_id), C(user), C(host), C(time), C(field_manager),
          C(added_by_this_run)), as written by this task or found on the pod; V(null) when there is none.
        - Only in full entries, like RV(results[].spec).
      returned: when the entries are full, see O(results_detail)
      type: dict
      sample:
        run_id: "20261202"
        user: ops
        host: controller-1
        time: "2026-12-02T12:04:05Z"
        field_manager: kubedebug.ephemeral
        added_by_this_run: true
    profile:
      description: The profile the container was built with (with O(profile=auto), the one chosen for the pod's namespace).
      type: str
      sample: restricted
    error:
      description: Why writing to this pod failed; V(null) when it did not. The task then fails.
      type: str
    warnings:
      description: Warnings about this pod, such as target volume mounts that were skipped.
      type: list
      elements: str
api_era:
  description:
    - The API shape of C(pods/ephemeralcontainers) on this cluster.
    - V(pod) for Kubernetes 1.22 and later, V(ephemeral_containers) for 1.16 to 1.21, V(unsupported) when the
      subresource is not served.
  returned: success
  type: str
  sample: pod
shard:
  description:
    - With O(shard), this run's shard and how many pods the selection matched in all shards together, so that an
      empty shard can be told from selectors that match nothing.
  returned: success with O(shard)
  type: dict
  contains:
    index:
      description: O(shard.index).
      type: int
      sample: 1
    count:
      description: O(shard.count).
      type: int
      sample: 4
    matched:
      description: The pods the selectors (or O(pod)) matched before the shard kept its share.
      type: int
      sample: 1000
timings:
  description:
    - Seconds (to the millisecond) each phase of the task took, to see where the time of a fleet run goes.
  returned: success, and on failure once pods were selected
  type: dict
  contains:
    list:
      description: Discovery and the read of the selected pods (500 a page), which run side by side.
      type: float
      sample: 0.412
    plan:
      description: Checking every pod and planning its write (with the guards' reads and, with O(profile=auto), the dry runs).
      type: float
      sample: 0.088
    write:
      description: The writes (and the records of O(annotate)), O(max_concurrency) at a time.
      type: float
      sample: 8.75
    wait:
      description: With O(wait=true), the watch until every container reached O(wait_for); 0 otherwise.
      type: float
      sample: 30.25
    logs:
      description: With O(logs=true), reading every container's log, O(max_concurrency) at a time; 0 otherwise.
      type: float
      sample: 3.6
auto_profile:
  description: With O(profile=auto), the choice made in each namespace.
  returned: success with O(profile=auto)
  type: list
  elements: dict
  contains:
    namespace:
      description: The namespace.
      type: str
    profile:
      description: The profile chosen.
      type: str
      sample: restricted
    evaluated_on:
      description: The pod (C(namespace/name)) the dry runs were sent for, V(null) when every pod was skipped.
      type: str
    how:
      description: Why this one, such as C(admitted by a server-side dry run).
      type: str
    refused:
      description: For each more capable profile that was refused, the reasons.
      type: dict
server_version:
  description: The server's C(gitVersion), V(null) if C(/version) could not be read.
  returned: success
  type: str
  sample: v1.31.2
diff:
  description: In diff mode, one entry per pod that was not skipped, with its ephemeral containers before and after.
  returned: diff mode
  type: list
  elements: dict
problems:
  description: Every problem found before writing, when that is why the task failed.
  returned: failure
  type: list
  elements: str
status:
  description:
    - The HTTP status code of the API error that failed the task (with several pods, only when exactly one pod failed).
  returned: failure caused by an API error
  type: int
  sample: 403
reason:
  description: The API error's reason, such as C(Forbidden), C(NotFound) or C(Invalid).
  returned: failure caused by an API error
  type: str
  sample: Forbidden
missing_permission:
  description: The RBAC permission the credentials lack, when RBAC refused a request.
  returned: failure forbidden by RBAC
  type: dict
  sample:
    verb: patch
    resource: pods/ephemeralcontainers
    namespace: shop
pod_security_level:
  description: The Pod Security level and version the namespace enforces, when Pod Security admission refused the container.
  returned: failure refused by Pod Security admission
  type: str
  sample: baseline:latest
pod_security_reasons:
  description: Each violation Pod Security admission reported.
  returned: failure refused by Pod Security admission
  type: list
  elements: str
  sample:
    - privileged (container "debugger-3f9a1c2b7e" must not set securityContext.privileged=true)
feature_gate_off:
  description: True when the task failed because the cluster does not serve C(pods/ephemeralcontainers).
  returned: failure because ephemeral containers are disabled
  type: bool
  sample: true
dry_run_refused_by_webhook:
  description:
    - In check mode, the admission webhook whose configuration does not support dry run, so that the apiserver refused
      the dry run (400) before checking anything; an empty string when the server did not name it.
  returned: failure in check mode because of such a webhook
  type: str
  sample: policy.example.com
"""

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject.inject import Injector
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject.plan import early_problems
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._module.template import ModuleSpec, Task, run_module
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import OPTIONS


def inject(task: Task):
    result, failure = Injector(task.api_client, task.server, task.params, task.check_mode, task.diff_mode).run(
        task.selection, task.selected, task.list_seconds)
    for entry in result["results"]:
        for warning in entry["warnings"]:
            task.warn(warning)
    return result, failure


def main() -> None:
    run_module(ModuleSpec(
        OPTIONS, inject,
        # The spec is checked before any API call; era-specific rules are checked again per pod.
        invalid="Nothing was written; the ephemeral container is invalid", problems=early_problems,
        require_selector=True, sharded=True,
        # Discovery and the selection's read in one round trip; writes and log reads side by side.
        select_while_connecting=True, pool_size=lambda params: params["max_concurrency"] + 2,
    ))


if __name__ == "__main__":
    main()
