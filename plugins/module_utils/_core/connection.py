# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connection options and API client creation, compatible with kubernetes.core.

Same option names, aliases and ``K8S_AUTH_*`` environment variables as kubernetes.core's
``args_common.AUTH_ARG_SPEC`` and ``k8s/client.py``, so one set of connection settings serves both
collections (module_defaults on our group, which extends kubernetes.core's, or ``K8S_AUTH_*``).
Environment variables are read through ``env_fallback`` (both the option's name and the
kubernetes-client attribute name, as kubernetes.core does), except the ``proxy_headers`` sub-keys,
which Ansible only resolves when the dict itself is given.
"""

from __future__ import annotations

import os
import typing as t

from ansible.module_utils.basic import env_fallback

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import shard as _shard
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.option import Option, argument_spec

try:
    import kubernetes
    import kubernetes.client
    import kubernetes.config

    HAS_K8S = True
    K8S_IMPORT_ERROR: t.Optional[str] = None
except ImportError:
    import traceback

    HAS_K8S = False
    K8S_IMPORT_ERROR = traceback.format_exc()

try:
    import urllib3

    HAS_URLLIB3 = True
except ImportError:  # comes with kubernetes; only checked where proxy headers are used
    HAS_URLLIB3 = False

MIN_K8S_VERSION = "24.2.0"


def _env(*names: str) -> t.Tuple[t.Any, t.List[str]]:
    return (env_fallback, ["K8S_AUTH_" + n for n in names])


PROXY_HEADER_OPTIONS: t.Tuple[Option, ...] = (
    Option("proxy_basic_auth", {"type": "str", "no_log": True}),
    Option("basic_auth", {"type": "str", "no_log": True}),
    Option("user_agent", {"type": "str"}),
)
PROXY_HEADERS_SPEC: t.Dict[str, t.Any] = argument_spec(PROXY_HEADER_OPTIONS)

# kubernetes.core's names and K8S_AUTH_* variables, as option records like every other table.
CONNECTION_OPTIONS: t.Tuple[Option, ...] = (
    Option("kubeconfig", {"type": "raw", "fallback": _env("KUBECONFIG")}),
    Option("context", {"type": "str", "fallback": _env("CONTEXT")}),
    Option("host", {"type": "str", "fallback": _env("HOST")}),
    Option("api_key", {"type": "str", "no_log": True, "fallback": _env("API_KEY")}),
    Option("username", {"type": "str", "fallback": _env("USERNAME")}),
    Option("password", {"type": "str", "no_log": True, "fallback": _env("PASSWORD")}),
    Option("validate_certs", {"type": "bool", "aliases": ["verify_ssl"], "fallback": _env("VALIDATE_CERTS", "VERIFY_SSL")}),
    Option("ca_cert", {"type": "path", "aliases": ["ssl_ca_cert"], "fallback": _env("CA_CERT", "SSL_CA_CERT")}),
    Option("client_cert", {"type": "path", "aliases": ["cert_file"], "fallback": _env("CLIENT_CERT", "CERT_FILE")}),
    Option("client_key", {"type": "path", "aliases": ["key_file"], "no_log": True, "fallback": _env("CLIENT_KEY", "KEY_FILE")}),
    Option("proxy", {"type": "str", "fallback": _env("PROXY")}),
    Option("no_proxy", {"type": "str", "fallback": _env("NO_PROXY")}),
    Option("proxy_headers", {"type": "dict"}, suboptions=PROXY_HEADER_OPTIONS),
    Option("persist_config", {"type": "bool", "fallback": _env("PERSIST_CONFIG")}),
    Option("impersonate_user", {"type": "str", "fallback": _env("IMPERSONATE_USER")}),
    Option("impersonate_groups", {"type": "list", "elements": "str", "fallback": _env("IMPERSONATE_GROUPS")}),
)

CONNECTION_ARG_SPEC: t.Dict[str, t.Any] = argument_spec(CONNECTION_OPTIONS)

# kubeconfig dict keys whose values are secrets (kubernetes.core extract_sensitive_values_from_kubeconfig).
_KUBECONFIG_SECRET_KEYS = frozenset(
    ["token", "password", "client-key-data", "client-certificate-data", "refresh-token", "id-token", "access-token", "secret"]
)


class _RepeatedHeader(str):
    """A header name that may appear several times in one request (one Impersonate-Group per group).

    The clients keep headers in a dict; distinct key objects with equal spelling survive that.
    """

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    def lower(self) -> str:  # urllib3 lowercases names for lookups; keep identity
        return self


def kubeconfig_secrets(kubeconfig: t.Any) -> t.Set[str]:
    """Every secret value inside a kubeconfig given as a dict, for ``no_log_values``."""
    found: t.Set[str] = set()
    if isinstance(kubeconfig, dict):
        for key, value in kubeconfig.items():
            if key in _KUBECONFIG_SECRET_KEYS and isinstance(value, str) and value:
                found.add(value)
            else:
                found |= kubeconfig_secrets(value)
    elif isinstance(kubeconfig, list):
        for item in kubeconfig:
            found |= kubeconfig_secrets(item)
    return found


def proxy_headers_from(params: t.Mapping[str, t.Any], environ: t.Mapping[str, str]) -> t.Dict[str, t.Any]:
    """``proxy_headers`` from the option, else from ``K8S_AUTH_PROXY_HEADERS_<KEY>`` (kubernetes.core)."""
    given = params.get("proxy_headers")
    if given:
        return {k: v for k, v in given.items() if v is not None}
    found = {}
    for key in PROXY_HEADERS_SPEC:
        value = environ.get("K8S_AUTH_PROXY_HEADERS_" + key.upper())
        if value is not None:
            found[key] = value
    return found


def params_authenticate(params: t.Mapping[str, t.Any]) -> bool:
    """True when the options alone can authenticate, so no kubeconfig is loaded (kubernetes.core rule)."""

    def given(*names: str) -> bool:
        return all(params.get(n) for n in names)

    return given("host") and (given("username", "password") or given("api_key") or given("client_cert", "client_key"))


def _load_kubeconfig(params: t.Mapping[str, t.Any], configuration: t.Any) -> None:
    kubeconfig = params.get("kubeconfig")
    extra = {"context": params.get("context"), "persist_config": bool(params.get("persist_config")), "client_configuration": configuration}
    if isinstance(kubeconfig, dict):
        kubernetes.config.load_kube_config_from_dict(config_dict=kubeconfig, **extra)
    else:
        # A string may join several files with ':' like $KUBECONFIG; the loader merges them.
        kubernetes.config.load_kube_config(config_file=kubeconfig or None, **extra)


def _load_defaults(params: t.Mapping[str, t.Any], configuration: t.Any) -> None:
    if params_authenticate(params):
        return
    if params.get("kubeconfig") or params.get("context"):
        _load_kubeconfig(params, configuration)
        return
    try:
        kubernetes.config.load_incluster_config(client_configuration=configuration)
    except kubernetes.config.ConfigException:
        _load_kubeconfig(params, configuration)


# Ansible option -> kubernetes.client.Configuration attribute.
_CONFIG_ATTRIBUTES = {
    "host": "host",
    "username": "username",
    "password": "password",
    "validate_certs": "verify_ssl",
    "ca_cert": "ssl_ca_cert",
    "client_cert": "cert_file",
    "client_key": "key_file",
    "proxy": "proxy",
    "no_proxy": "no_proxy",
}


def _overrides(params: t.Mapping[str, t.Any], environ: t.Mapping[str, str]) -> t.Dict[str, t.Any]:
    """Configuration attributes the options set explicitly; they win over kubeconfig and in-cluster values."""
    found = {attribute: params[option] for option, attribute in _CONFIG_ATTRIBUTES.items() if params.get(option) is not None}
    if params.get("api_key"):
        found["api_key"] = {"authorization": "Bearer {0}".format(params["api_key"])}
        found["api_key_prefix"] = {}
    proxy_headers = proxy_headers_from(params, environ)
    if proxy_headers:
        found["proxy_headers"] = urllib3.util.make_headers(**proxy_headers)
    return found


def _apply(configuration: t.Any, overrides: t.Mapping[str, t.Any]) -> None:
    for attribute, value in overrides.items():
        setattr(configuration, attribute, dict(value) if isinstance(value, dict) else value)


def build_configuration(params: t.Mapping[str, t.Any], environ: t.Optional[t.Mapping[str, str]] = None) -> t.Any:
    """A ``kubernetes.client.Configuration`` from the module's connection options.

    A fresh object, never the library's process-wide default. Loaders of token-based kubeconfigs and
    in-cluster config install a hook that re-applies *their* host, token and TLS files before every
    request (to refresh expiring tokens); wrapped here so the options given explicitly still win."""
    environ = os.environ if environ is None else environ
    params = dict(params)
    if params.get("host"):
        params["host"] = params["host"].rstrip("/")
    configuration = kubernetes.client.Configuration()
    try:
        _load_defaults(params, configuration)
    except (kubernetes.config.ConfigException, OSError, ValueError, TypeError) as exc:
        raise KubedebugError("Could not load the Kubernetes client configuration: {0}".format(exc)) from exc
    overrides = _overrides(params, environ)
    _apply(configuration, overrides)
    refresh = getattr(configuration, "refresh_api_key_hook", None)
    if refresh is not None and overrides:

        def refresh_then_override(config: t.Any) -> None:
            refresh(config)
            _apply(config, overrides)

        configuration.refresh_api_key_hook = refresh_then_override
    return configuration


def impersonation_headers(params: t.Mapping[str, t.Any]) -> t.List[t.Tuple[str, str]]:
    """Impersonate-User / Impersonate-Group headers, one header per group."""
    headers = []
    if params.get("impersonate_user"):
        headers.append(("Impersonate-User", params["impersonate_user"]))
    for group in params.get("impersonate_groups") or []:
        if group:
            headers.append(("Impersonate-Group", group))
    return headers


def create_api_client(params: t.Mapping[str, t.Any], pool_size: int = 0) -> t.Any:
    """A ``kubernetes.client.ApiClient`` for the module's connection options; ``pool_size`` keeps that
    many connections open for reuse (the library's default is 5 per core: more threads than that
    would open, and drop, a new TLS connection per request)."""
    if not HAS_K8S:
        raise KubedebugError("The kubernetes Python library is required")
    configuration = build_configuration(params)
    if pool_size > (configuration.connection_pool_maxsize or 0):
        configuration.connection_pool_maxsize = pool_size
    client = kubernetes.client.ApiClient(configuration)
    for name, value in impersonation_headers(params):
        key = _RepeatedHeader(name) if name == "Impersonate-Group" else name
        client.set_default_header(key, value)
    client.user_agent = "kubedebug.ephemeral/" + client.user_agent
    # qps/qps_total/burst: options of ephemeral_container only; absent elsewhere, so no limit. qps_total is the
    # budget of all shards together: each shard is its own process with its own limiter.
    qps = _shard.process_qps(params.get("qps"), params.get("qps_total"), _shard.from_value(params.get("shard")))
    _rest.set_rate_limit(client, qps, params.get("burst"))
    return client


def library_version() -> t.Optional[str]:
    return getattr(kubernetes, "__version__", None) if HAS_K8S else None
