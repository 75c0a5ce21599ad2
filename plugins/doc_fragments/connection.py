# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Connection options, named and behaving like kubernetes.core's k8s_auth_options, so that one set of
# connection settings (module_defaults on our group, or K8S_AUTH_* variables) serves both collections.

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r"""
options:
  kubeconfig:
    description:
      - Path to a kubeconfig file, or the kubeconfig content as a dictionary.
      - Several files may be joined with V(:) as in E(KUBECONFIG).
      - If not given, and no other connection options authenticate on their own, the in-cluster configuration is
        tried, then the default kubeconfig (E(KUBECONFIG) or C(~/.kube/config)).
      - Secrets inside a dictionary (tokens, keys, passwords) are hidden from the output.
      - Can also be set with the E(K8S_AUTH_KUBECONFIG) environment variable.
    type: raw
  context:
    description:
      - The name of a context found in the kubeconfig.
      - Can also be set with the E(K8S_AUTH_CONTEXT) environment variable.
    type: str
  host:
    description:
      - The URL of the Kubernetes API server.
      - Can also be set with the E(K8S_AUTH_HOST) environment variable.
    type: str
  api_key:
    description:
      - A bearer token to authenticate with the API.
      - Can also be set with the E(K8S_AUTH_API_KEY) environment variable.
    type: str
  username:
    description:
      - A username for HTTP basic authentication (only for clusters configured for it).
      - Can also be set with the E(K8S_AUTH_USERNAME) environment variable.
    type: str
  password:
    description:
      - The password for O(username).
      - Can also be set with the E(K8S_AUTH_PASSWORD) environment variable.
    type: str
  validate_certs:
    description:
      - Whether to verify the API server's TLS certificate.
      - Can also be set with the E(K8S_AUTH_VALIDATE_CERTS) or E(K8S_AUTH_VERIFY_SSL) environment variable.
    type: bool
    aliases: [verify_ssl]
  ca_cert:
    description:
      - Path to the CA certificate (full chain) that signed the API server's certificate.
      - Can also be set with the E(K8S_AUTH_CA_CERT) or E(K8S_AUTH_SSL_CA_CERT) environment variable.
    type: path
    aliases: [ssl_ca_cert]
  client_cert:
    description:
      - Path to a client certificate to authenticate with the API.
      - Can also be set with the E(K8S_AUTH_CLIENT_CERT) or E(K8S_AUTH_CERT_FILE) environment variable.
    type: path
    aliases: [cert_file]
  client_key:
    description:
      - Path to the key of O(client_cert).
      - Can also be set with the E(K8S_AUTH_CLIENT_KEY) or E(K8S_AUTH_KEY_FILE) environment variable.
    type: path
    aliases: [key_file]
  proxy:
    description:
      - The URL of an HTTP proxy to reach the API server through.
      - Typical proxy environment variables such as E(HTTPS_PROXY) are not used.
      - Can also be set with the E(K8S_AUTH_PROXY) environment variable.
    type: str
  no_proxy:
    description:
      - Comma separated hosts, domains, IP addresses or CIDRs that bypass O(proxy).
      - Can also be set with the E(K8S_AUTH_NO_PROXY) environment variable.
    type: str
  proxy_headers:
    description:
      - Headers for the HTTP proxy.
      - When not given, each suboption can also be set with E(K8S_AUTH_PROXY_HEADERS_<SUBOPTION>), for example
        E(K8S_AUTH_PROXY_HEADERS_PROXY_BASIC_AUTH).
    type: dict
    suboptions:
      proxy_basic_auth:
        description:
          - V(username:password) for the proxy's basic authentication.
        type: str
      basic_auth:
        description:
          - V(username:password) for a basic authentication header.
        type: str
      user_agent:
        description:
          - The user agent to send, such as V(foo/1.0).
        type: str
  persist_config:
    description:
      - Whether the Kubernetes client may write refreshed tokens back to the kubeconfig file.
      - Can also be set with the E(K8S_AUTH_PERSIST_CONFIG) environment variable.
    type: bool
  impersonate_user:
    description:
      - The user to impersonate for the operation.
      - Can also be set with the E(K8S_AUTH_IMPERSONATE_USER) environment variable.
    type: str
  impersonate_groups:
    description:
      - The groups to impersonate for the operation.
      - Can also be set with the E(K8S_AUTH_IMPERSONATE_GROUPS) environment variable, comma separated.
    type: list
    elements: str
notes:
  - The connection options, their aliases and their E(K8S_AUTH_*) environment variables are the same as
    kubernetes.core's. C(module_defaults) for C(group/kubedebug.ephemeral.ephemeral) also apply to kubernetes.core's
    k8s modules (the group extends C(group/kubernetes.core.k8s)); defaults for C(group/kubernetes.core.k8s) do not
    reach this collection's modules. E(K8S_AUTH_KUBECONFIG) and the other variables configure both collections.
  - To avoid TLS validation errors when O(validate_certs=true), the full certificate chain of the API server
    must be given with O(ca_cert) or in the kubeconfig.
"""
