# >>> checks tooling (hack/*.sh; owner: build/tooling) >>>
# Each target is one script; each script sets up .venv itself (hack/venv.sh) and works offline
# apart from PyPI.
.PHONY: venv sanity lint docs build unit checks

venv:
	hack/venv.sh

sanity:
	hack/sanity.sh

lint:
	hack/lint.sh

docs:
	hack/docs.sh

build:
	hack/build.sh

unit:
	hack/unit.sh

# Everything except the docs site.
checks: sanity lint build unit
# <<< checks tooling <<<

# >>> test bed and the whole suite >>>
.PHONY: cluster-up cluster-down integration test test-multinode test-incident test-matrix test-become test-kubelet-eras demo cold-check
ERA ?= current

# Start one era of the local test bed (ERA=current|legacy); prints the kubeconfig path.
cluster-up:
	tests/cluster/install-deps.sh
	tests/cluster/testbed.sh up $(ERA)

cluster-down:
	tests/cluster/testbed.sh down all

integration:
	hack/integration.sh

# The README's quickstart: jstack from a JDK ephemeral container into a JRE-only pod.
demo:
	hack/demo.sh

# What CI runs (.ci/run) and what the README's second command runs.
test:
	hack/test.sh

# The long scenarios on the multi-node legacy cluster (testbed.sh up legacy-ha), marked multinode, not in `make test`:
# the rollout with a crash on the second control plane, the from-scratch rollout, diagnostics on both workers,
# feature_gates under faults, its least-privilege Role, what load balancer clients see during an apiserver swap
# and the canary (about 55 min). `make test` runs a smoke of the cluster and the HA verification.
test-multinode:
	hack/integration.sh tests/integration/test_feature_gates_multinode.py tests/integration/test_feature_gates_faults.py \
	  tests/integration/test_feature_gates_least_privilege.py tests/integration/test_feature_gates_lb_figures.py \
	  tests/integration/test_feature_gates_canary.py -m multinode

# The longer guard and isolation scenarios on the current era, marked incident, not in `make test`: heap dumps guarded
# through the cgroup probe and overridden, and the diagnostics role isolating, capturing and recycling a pod.
# `make test` runs the shorter ones (bad settings, the metrics API path, pod_isolate, the refusals).
test-incident:
	hack/integration.sh tests/integration/test_capture_guards.py tests/integration/test_isolate.py -m incident

# Shards at 1,000 pods on the scale bed (kwok): the size of a task's result with logs cut, whole and left out, and
# one process against 4 shards with forks: 4, each pod written once (about 5 min; marked shards_scale, not in `make test`).
.PHONY: test-shards-scale
test-shards-scale:
	hack/integration.sh tests/integration/test_shards_scale.py -m shards_scale

# The diagnostics role's S3 sink against the test bed's S3-compatible server (versitygw, built from the Go module
# proxy on first use: about 3 min cold) beside the current era: artifacts written to the bucket and read back by the
# index across runs, retention, bad settings refused (marked s3, not in `make test`).
.PHONY: test-s3
test-s3:
	hack/integration.sh tests/integration/test_diagnostics_sink.py -m s3

# The version matrix: kube-apiserver 1.16 ... 1.28 (latest patch of each) built and started one at a time, etcd and
# apiserver only, and the modules and the feature_gates role's decision checked on each (tests/integration/matrix,
# marked matrix, not in `make test`); prints the support table. MATRIX_MINORS="16 18 22 25" runs a subset.
test-matrix:
	hack/test-matrix.sh

# playbooks/enable_feature_gates.yml run by a non-root user with sudo (--become, local connection) on the legacy
# era: refused without --become, then on, again and off (about 6 min; creates the user kdoperator and
# /etc/sudoers.d/kdoperator).
test-become:
	hack/integration.sh tests/integration/test_feature_gates_become.py -m become

# Old kubelets for real: the single-node eras legacy-1.16 (v1.16.15) and legacy-1.19 (v1.19.16), each a kubelet and
# containerd with kube-apiserver and kube-scheduler as static pods, as the legacy era. On each: the preflight, the
# feature_gates role on (again: changed=0), an ephemeral container run to termination with its logs, the info module,
# the role off (again: changed=0). Marked kubelet_eras, not in `make test`: a cold build of the two releases takes
# 6-13 min each here (tests/cluster/README.md), a warm run 15 min on a busy machine.
test-kubelet-eras:
	hack/integration.sh tests/integration/test_kubelet_eras.py -m kubelet_eras

# A fresh machine rehearsed: `make demo` and `make test` from a fresh clone with every cache empty,
# each timed (COLD_CHECK_STEPS="demo test" by default). Run it after changing the test bed, hack/ or
# requirements.
cold-check:
	hack/cold-check.sh
# <<< test bed and the whole suite <<<

# >>> benchmark (hack/bench.sh, tests/benchmark/; owner: performance) >>>
# ephemeral_container side by side with kubectl debug, on $KUBECONFIG or the test bed's current era
# (started if down). Results: tests/benchmark/results/ (git-ignored); the numbers in
# docs/benchmarks.md come from `make bench BENCH_ARGS=--update-doc`.
.PHONY: bench
BENCH_ARGS ?=

bench:
	hack/bench.sh $(BENCH_ARGS)

# Fleet scale: N = 10-1000 pods on the scale bed (kwok) and 10-100 real pods, kubectl loop / xargs -P 8 /
# the module at max_concurrency 8, 32, 64 (hack/bench-python.sh bench_fleet.py; about 25 min). Raw results in
# tests/benchmark/results/ (git-ignored); the summary, chart and table in docs/benchmarks.md.
.PHONY: bench-fleet
BENCH_FLEET_ARGS ?=

bench-fleet:
	hack/bench-python.sh bench_fleet.py $(BENCH_FLEET_ARGS)

# Shards at 10,000 pods on the scale bed (kwok): one ansible-runner process against 4 and 8 shards run at once, and
# 4 shards with one killed and re-run; each pod written exactly once (the audit log), peak RSS of each module process
# (hack/bench-python.sh bench_shards.py; about 30 min, the fleet's namespace kept for the next run). Raw results in
# tests/benchmark/results/ (git-ignored); the summary, chart and table in docs/benchmarks.md.
.PHONY: bench-shards
BENCH_SHARDS_ARGS ?=

bench-shards:
	hack/bench-python.sh bench_shards.py $(BENCH_SHARDS_ARGS)
# <<< benchmark <<<
