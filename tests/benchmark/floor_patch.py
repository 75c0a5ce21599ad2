# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The floor of a fleet run on this bed: a minimal client (urllib3, no checks, no retries) that adds one ephemeral
container to every pod of a namespace with ``--concurrency`` PATCHes in flight, then polls until all are
terminated. It measures the apiserver's (and kwok's) pace for a client that does nothing else. Not a strict lower
bound: its strategic merge patch costs the apiserver more than the module's JSON patch.

- ``list``: one LIST of the pods (500 a page, as the module reads them);
- ``write``: all PATCHes of pods/ephemeralcontainers (a strategic merge patch of one container);
- ``wait``: from the last write's answer until a LIST (every 0.25 s) finds every container terminated;
- ``logs``: one GET of each container's log, ``--concurrency`` at a time.

Prints one JSON object (seconds per phase, writes a second, the load average before and after).
Usage: floor_patch.py --kubeconfig K --namespace NS --selector fleet=yes --concurrency 32 --name floor-1
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import time

import kubernetes
import urllib3


def client(kubeconfig: str) -> tuple[str, urllib3.PoolManager]:
    config = kubernetes.client.Configuration()
    kubernetes.config.load_kube_config(config_file=kubeconfig, client_configuration=config)
    pool = urllib3.PoolManager(maxsize=256, cert_reqs="CERT_REQUIRED", ca_certs=config.ssl_ca_cert,
                               cert_file=config.cert_file, key_file=config.key_file)
    return config.host, pool


def list_pods(host: str, pool: urllib3.PoolManager, ns: str, selector: str) -> tuple[list[str], str]:
    names, token, version = [], "", ""
    while True:
        fields = {"labelSelector": selector, "limit": "500", **({"continue": token} if token else {})}
        body = json.loads(pool.request("GET", f"{host}/api/v1/namespaces/{ns}/pods", fields=fields).data)
        names += [p["metadata"]["name"] for p in body["items"]]
        version = body["metadata"]["resourceVersion"]
        token = body["metadata"].get("continue") or ""
        if not token:
            return names, version


def count_terminated(host: str, pool: urllib3.PoolManager, ns: str, selector: str, name: str) -> int:
    """How many pods hold container ``name`` terminated (a LIST: polling, as simple as a client can be)."""
    body = json.loads(pool.request("GET", f"{host}/api/v1/namespaces/{ns}/pods", fields={"labelSelector": selector}).data)
    return sum(1 for pod in body["items"] for status in (pod.get("status") or {}).get("ephemeralContainerStatuses") or []
               if status["name"] == name and "terminated" in (status.get("state") or {}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--selector", default="fleet=yes")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--name", default="floor")
    parser.add_argument("--image", default="busybox:1.36")
    options = parser.parse_args()
    host, pool = client(options.kubeconfig)
    ns, name = options.namespace, options.name
    load_before = os.getloadavg()

    started = time.monotonic()
    names, version = list_pods(host, pool, ns, options.selector)
    listed = time.monotonic()

    container = {"name": name, "image": options.image, "command": ["ps"], "targetContainerName": "app"}
    body = json.dumps({"spec": {"ephemeralContainers": [container]}})

    def patch(pod: str) -> int:
        return pool.request("PATCH", f"{host}/api/v1/namespaces/{ns}/pods/{pod}/ephemeralcontainers", body=body,
                            headers={"Content-Type": "application/strategic-merge-patch+json"}).status

    with concurrent.futures.ThreadPoolExecutor(options.concurrency) as executor:
        codes = list(executor.map(patch, names))
    written = time.monotonic()
    terminated = 0
    while terminated < len(names) and time.monotonic() - written < 600:
        time.sleep(0.25)
        terminated = count_terminated(host, pool, ns, options.selector, name)
    waited = time.monotonic()

    def logs(pod: str) -> int:
        return pool.request("GET", f"{host}/api/v1/namespaces/{ns}/pods/{pod}/log", fields={"container": name}).status

    with concurrent.futures.ThreadPoolExecutor(options.concurrency) as executor:
        log_codes = list(executor.map(logs, names))
    ended = time.monotonic()
    print(json.dumps({
        "pods": len(names), "concurrency": options.concurrency, "writes_ok": sum(200 <= c < 300 for c in codes),
        "logs_ok": sum(c == 200 for c in log_codes), "terminated": terminated,
        "seconds": {"list": round(listed - started, 3), "write": round(written - listed, 3),
                    "wait": round(waited - written, 3), "logs": round(ended - waited, 3), "total": round(ended - started, 3)},
        "writes_per_second": round(len(names) / (written - listed), 1),
        "loadavg_before": load_before, "loadavg_after": os.getloadavg(),
    }))


if __name__ == "__main__":
    main()
