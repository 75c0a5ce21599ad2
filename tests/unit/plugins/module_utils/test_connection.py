# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import connection as _connection
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError


def validated(params, monkeypatch, env=None):
    for name in [n for n in __import__("os").environ if n.startswith("K8S_AUTH_")]:
        monkeypatch.delenv(name)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    result = ArgumentSpecValidator(_connection.CONNECTION_ARG_SPEC).validate(params)
    assert not result.error_messages, result.error_messages
    return result


@pytest.mark.parametrize("option, env, value, expected", [
    ("host", "K8S_AUTH_HOST", "https://k8s:6443", "https://k8s:6443"),
    ("context", "K8S_AUTH_CONTEXT", "prod", "prod"),
    ("kubeconfig", "K8S_AUTH_KUBECONFIG", "/etc/kube/config", "/etc/kube/config"),
    ("api_key", "K8S_AUTH_API_KEY", "tok", "tok"),
    ("username", "K8S_AUTH_USERNAME", "u", "u"),
    ("password", "K8S_AUTH_PASSWORD", "p", "p"),
    ("validate_certs", "K8S_AUTH_VALIDATE_CERTS", "false", False),
    ("validate_certs", "K8S_AUTH_VERIFY_SSL", "no", False),
    ("validate_certs", "K8S_AUTH_VERIFY_SSL", "yes", True),
    ("ca_cert", "K8S_AUTH_SSL_CA_CERT", "/ca.pem", "/ca.pem"),
    ("ca_cert", "K8S_AUTH_CA_CERT", "/ca.pem", "/ca.pem"),
    ("client_cert", "K8S_AUTH_CERT_FILE", "/c.pem", "/c.pem"),
    ("client_key", "K8S_AUTH_KEY_FILE", "/k.pem", "/k.pem"),
    ("proxy", "K8S_AUTH_PROXY", "http://proxy:3128", "http://proxy:3128"),
    ("no_proxy", "K8S_AUTH_NO_PROXY", "localhost,.local", "localhost,.local"),
    ("persist_config", "K8S_AUTH_PERSIST_CONFIG", "true", True),
    ("impersonate_user", "K8S_AUTH_IMPERSONATE_USER", "alice", "alice"),
    ("impersonate_groups", "K8S_AUTH_IMPERSONATE_GROUPS", "ops,dev", ["ops", "dev"]),
])
def test_env_fallbacks(option, env, value, expected, monkeypatch):
    assert validated({}, monkeypatch, {env: value}).validated_parameters[option] == expected


def test_option_wins_over_env(monkeypatch):
    result = validated({"host": "https://given"}, monkeypatch, {"K8S_AUTH_HOST": "https://env"})
    assert result.validated_parameters["host"] == "https://given"


def test_aliases(monkeypatch):
    params = validated({"verify_ssl": False, "ssl_ca_cert": "/ca", "cert_file": "/c", "key_file": "/k"}, monkeypatch).validated_parameters
    assert (params["validate_certs"], params["ca_cert"], params["client_cert"], params["client_key"]) == (False, "/ca", "/c", "/k")


def test_secrets_from_env_are_no_log(monkeypatch):
    result = validated({}, monkeypatch, {"K8S_AUTH_API_KEY": "s3cret", "K8S_AUTH_PASSWORD": "pw"})
    assert {"s3cret", "pw"} <= set(result._no_log_values)  # pylint: disable=protected-access


def test_secret_options_are_no_log():
    spec = _connection.CONNECTION_ARG_SPEC
    assert all(spec[name]["no_log"] for name in ("api_key", "password", "client_key"))
    assert all(_connection.PROXY_HEADERS_SPEC[name]["no_log"] for name in ("proxy_basic_auth", "basic_auth"))


def test_proxy_headers_from_env_when_not_given():
    env = {"K8S_AUTH_PROXY_HEADERS_PROXY_BASIC_AUTH": "u:p", "K8S_AUTH_PROXY_HEADERS_USER_AGENT": "ua/1"}
    assert _connection.proxy_headers_from({}, env) == {"proxy_basic_auth": "u:p", "user_agent": "ua/1"}
    given = {"proxy_headers": {"basic_auth": "a:b", "user_agent": None, "proxy_basic_auth": None}}
    assert _connection.proxy_headers_from(given, env) == {"basic_auth": "a:b"}


def test_kubeconfig_dict_secrets():
    kubeconfig = {
        "users": [{"name": "u", "user": {"token": "T0K", "client-key-data": "KEY", "exec": {"env": [{"name": "secret", "value": "x"}]}}}],
        "clusters": [{"name": "c", "cluster": {"server": "https://k8s", "certificate-authority-data": "CA"}}],
    }
    assert _connection.kubeconfig_secrets(kubeconfig) == {"T0K", "KEY"}
    assert _connection.kubeconfig_secrets("/path") == set()


@pytest.mark.parametrize("params, expected", [
    ({"host": "h", "api_key": "t"}, True),
    ({"host": "h", "username": "u", "password": "p"}, True),
    ({"host": "h", "client_cert": "c", "client_key": "k"}, True),
    ({"host": "h"}, False),
    ({"api_key": "t"}, False),
])
def test_params_authenticate(params, expected):
    assert _connection.params_authenticate(params) is expected


def test_configuration_from_options_only():
    config = _connection.build_configuration(
        {"host": "https://k8s:6443/", "api_key": "tok", "validate_certs": False, "ca_cert": "/ca.pem"}, environ={}
    )
    assert config.host == "https://k8s:6443"
    assert config.api_key == {"authorization": "Bearer tok"}
    assert config.verify_ssl is False and config.ssl_ca_cert == "/ca.pem"


def test_configuration_from_kubeconfig_dict_and_context():
    kubeconfig = {
        "apiVersion": "v1", "kind": "Config", "current-context": "a",
        "clusters": [{"name": "c1", "cluster": {"server": "https://one:6443"}}, {"name": "c2", "cluster": {"server": "https://two:6443"}}],
        "users": [{"name": "u", "user": {"token": "tok"}}],
        "contexts": [{"name": "a", "context": {"cluster": "c1", "user": "u"}}, {"name": "b", "context": {"cluster": "c2", "user": "u"}}],
    }
    config = _connection.build_configuration({"kubeconfig": kubeconfig, "context": "b"}, environ={})
    assert config.host == "https://two:6443"


def test_bad_kubeconfig_is_a_clear_error(tmp_path):
    path = tmp_path / "config"
    path.write_text("apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n")
    with pytest.raises(KubedebugError, match="Could not load the Kubernetes client configuration"):
        _connection.build_configuration({"kubeconfig": str(path), "context": "missing"}, environ={})


def test_client_carries_impersonation_headers():
    client = _connection.create_api_client({"host": "https://k8s", "api_key": "t", "impersonate_user": "alice", "impersonate_groups": ["ops", "dev"]})
    headers = [(str(k), v) for k, v in client.default_headers.items()]
    assert ("Impersonate-User", "alice") in headers
    assert ("Impersonate-Group", "ops") in headers and ("Impersonate-Group", "dev") in headers
    assert client.user_agent.startswith("kubedebug.ephemeral/")


def test_explicit_options_win_over_a_token_kubeconfig_on_every_request():
    # The kubeconfig loader installs a hook that re-applies the kubeconfig's host and token before each
    # request; host and api_key given as options must still be what the request carries.
    kubeconfig = {
        "apiVersion": "v1", "kind": "Config", "current-context": "a",
        "clusters": [{"name": "c", "cluster": {"server": "https://from-kubeconfig:6443"}}],
        "users": [{"name": "u", "user": {"token": "kubeconfig-token"}}],
        "contexts": [{"name": "a", "context": {"cluster": "c", "user": "u"}}],
    }
    client = _connection.create_api_client({"kubeconfig": kubeconfig, "host": "https://explicit:6443", "api_key": "explicit-token"})
    # What every request does first in both client generations: ask for the key, which runs the hook.
    assert client.configuration.get_api_key_with_prefix("authorization") == "Bearer explicit-token"
    assert client.configuration.host == "https://explicit:6443"


def test_loading_a_kubeconfig_leaves_the_library_default_alone():
    import kubernetes

    before = kubernetes.client.Configuration.get_default_copy().host
    _connection.build_configuration({"kubeconfig": {
        "apiVersion": "v1", "kind": "Config", "current-context": "a",
        "clusters": [{"name": "c", "cluster": {"server": "https://elsewhere:6443"}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": "a", "context": {"cluster": "c", "user": "u"}}]}}, environ={})
    assert kubernetes.client.Configuration.get_default_copy().host == before
