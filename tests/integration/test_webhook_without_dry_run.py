"""A validating webhook on pods/ephemeralcontainers that does not support dry run.

Such a webhook makes the apiserver refuse every dry run it would see with 400, before anything is checked: check
mode of ephemeral_container and preflight's profile check then cannot ask the server. The message must say so and
name the webhook, preflight must call the profiles unknown (not refused) and list a limitation, and a real run must
still go to the webhook and succeed.

The webhook is real: an HTTPS server on 127.0.0.1 started here with its own CA, which allows everything and counts
what it saw. The admissionregistration.k8s.io/v1 API only accepts sideEffects None or NoneOnDryRun, so a webhook with
sideEffects Unknown exists today only on clusters upgraded from before 1.22, where it was created through v1beta1
and is still stored that way. This test makes that state as the upgrade left it: the configuration is created
through the API (sideEffects None), then its stored object in the era's etcd is rewritten with sideEffects Unknown,
which is what an object created through v1beta1 holds. It is deleted through the API afterwards.
"""

from __future__ import annotations

import base64
import datetime
import http.server
import ipaddress
import json
import ssl
import threading
import time
import urllib.request
from pathlib import Path

import kubernetes
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from support.ephemeral import run_ec
from support.lifecycle import run_preflight
from support.pods import IMAGES, create_and_wait, tools_pod

WEBHOOK = "no-dry-run.kubedebug.test"


def _certificates(directory: Path) -> tuple[bytes, Path, Path]:
    """(CA certificate PEM, server certificate file, server key file) for 127.0.0.1."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kubedebug test webhook CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(hours=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(hours=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert_file, key_file = directory / "webhook.crt", directory / "webhook.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return ca.public_bytes(serialization.Encoding.PEM), cert_file, key_file


class _Allow(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        review = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        request = review["request"]
        _Allow.seen.append({"resource": request["resource"]["resource"], "sub": request.get("subResource"),
                            "dry_run": request.get("dryRun")})
        body = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                           "response": {"uid": request["uid"], "allowed": True}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_server(tmp_path):
    ca, cert, key = _certificates(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Allow)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Allow.seen = []
    yield ca, server.server_address[1]
    server.shutdown()


def _etcd(cluster, path: str, body: dict) -> dict:
    """etcd's v3 JSON gateway on the era's etcd (plain HTTP on 127.0.0.1, the test bed's own)."""
    request = urllib.request.Request(f"http://127.0.0.1:{cluster.era.etcd_port}/v3/{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def webhook_without_dry_run(cluster, ns, webhook_server):
    assert cluster.is_testbed, "this test rewrites an object in the era's etcd; it needs the test bed"
    ca, port = webhook_server
    admission = kubernetes.client.AdmissionregistrationV1Api(cluster.api_client())
    configuration = {
        "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": WEBHOOK},
        "webhooks": [{
            "name": WEBHOOK, "admissionReviewVersions": ["v1"], "sideEffects": "None", "failurePolicy": "Fail",
            "timeoutSeconds": 5,
            "clientConfig": {"url": f"https://127.0.0.1:{port}/validate", "caBundle": base64.b64encode(ca).decode()},
            "rules": [{"operations": ["UPDATE"], "apiGroups": [""], "apiVersions": ["v1"],
                       "resources": ["pods/ephemeralcontainers"], "scope": "Namespaced"}],
            # Only this test's namespace, so other tests on the shared era never meet it.
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": ns}},
        }],
    }
    admission.create_validating_webhook_configuration(configuration)
    try:
        found = _etcd(cluster, "kv/range", {"key": _b64("/registry/"), "range_end": _b64("/registry0"), "keys_only": True})
        keys = [base64.b64decode(kv["key"]).decode() for kv in found.get("kvs", [])]
        stored_keys = [k for k in keys if "validatingwebhookconfigurations" in k and k.endswith("/" + WEBHOOK)]
        assert len(stored_keys) == 1, f"no single etcd key for {WEBHOOK}: {stored_keys}"
        key = stored_keys[0]
        stored = admission.read_validating_webhook_configuration(WEBHOOK).to_dict()
        unknown = kubernetes.client.ApiClient().sanitize_for_serialization(
            admission.read_validating_webhook_configuration(WEBHOOK))
        unknown["apiVersion"], unknown["kind"] = "admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"
        unknown["metadata"].pop("resourceVersion", None)
        unknown["webhooks"][0]["sideEffects"] = "Unknown"
        _etcd(cluster, "kv/put", {"key": _b64(key), "value": _b64(json.dumps(unknown))})
        deadline = time.monotonic() + 30
        while admission.read_validating_webhook_configuration(WEBHOOK).webhooks[0].side_effects != "Unknown":
            assert time.monotonic() < deadline, "the apiserver never served the rewritten configuration"
            time.sleep(0.5)
        assert stored["webhooks"][0]["side_effects"] == "None"
        time.sleep(2)  # the admission plugin's informer catches up with the watch
        yield WEBHOOK
    finally:
        admission.delete_validating_webhook_configuration(WEBHOOK)


def test_check_mode_and_preflight_say_the_webhook_refuses_dry_runs_and_a_real_run_still_works(cluster, ns, webhook_without_dry_run):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    task = {"namespace": ns, "pod": "web", "image": IMAGES["tools"], "command": ["echo", "hello"], "wait": True,
            "wait_for": "terminated", "logs": True}

    checked = run_ec(cluster, task, check=True)
    assert checked.get("failed"), checked
    assert f'admission webhook "{WEBHOOK}"' in checked["msg"] and "sideEffects: None" in checked["msg"], checked["msg"]
    assert "says nothing about the container itself" in checked["msg"], checked["msg"]
    assert checked.get("dry_run_refused_by_webhook") == WEBHOOK, checked
    assert not _Allow.seen, "the apiserver refuses the dry run before calling the webhook"

    preflight = run_preflight(cluster, {"namespace": ns, "pod": "web"})
    assert not preflight.get("failed"), preflight
    profiles = preflight["namespaces"][0]["profiles"]
    assert profiles["known"] is False and profiles["admitted"] == [] and profiles["refused"] == {}, profiles
    assert WEBHOOK in profiles["why_unknown"], profiles
    assert any("refuses every dry run" in line for line in preflight["limitations"]), preflight["limitations"]
    assert WEBHOOK in [hook["webhook"] for hook in preflight["webhooks"]], preflight["webhooks"]

    real = run_ec(cluster, task)
    assert not real.get("failed") and real["changed"], real
    assert real["results"][0]["logs"].strip() == "hello", real["results"][0]
    assert {"resource": "pods", "sub": "ephemeralcontainers", "dry_run": False} in _Allow.seen, _Allow.seen
