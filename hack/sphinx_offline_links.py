# Copyright: kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sphinx extension used by hack/docs.sh to build the docs site without network access.

antsibull-docs' Sphinx template resolves references into the Ansible docs (other collections' plugins,
a few ansible-core pages) through intersphinx inventories downloaded at build time. We cannot download
them, so hack/docs.sh empties intersphinx_mapping and loads this extension instead: it turns exactly those
references into plain links to docs.ansible.com. Any other unresolved reference still fails the build.
"""

from __future__ import annotations

from docutils import nodes

ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/latest/'

# Labels of ansible-core docs pages that antsibull-docs' templates refer to: label -> (path, title).
CORE_LABELS = {
    'ansible_configuration_settings': ('reference_appendices/config.html', 'Ansible Configuration Settings'),
    'common_return_values': ('reference_appendices/common_return_values.html', 'Return Values'),
    'collections_keyword': ('collections_guide/collections_using_playbooks.html', 'collections keyword'),
    'action_plugins': ('plugins/action.html', 'Action plugins'),
    'callback_plugins': ('plugins/callback.html', 'Callback plugins'),
    'list_of_collections': ('collections/index.html', 'Collection Index'),
}

OWN_PREFIX = 'ansible_collections.kubedebug.ephemeral.'


def ansible_docs_url(target: str) -> tuple[str, str] | None:
    """Return (url, title) for a reference into the Ansible docs, or None if it is not one."""
    if target in CORE_LABELS:
        path, title = CORE_LABELS[target]
        return ANSIBLE_DOCS + path, title
    parts = target.split('.')
    # ansible_collections.<namespace>.<name>.<plugin>_<type>; our own collection must resolve locally.
    if len(parts) == 4 and parts[0] == 'ansible_collections' and not target.startswith(OWN_PREFIX):
        namespace, name, page = parts[1:]
        return ANSIBLE_DOCS + 'collections/%s/%s/%s.html' % (namespace, name, page), target
    return None


def _missing_reference(app, env, node, contnode):
    if node.get('refdomain') != 'std' or node.get('reftype') != 'ref':
        return None
    target = node.get('reftarget', '')
    found = ansible_docs_url(target)
    if found is None:
        return None
    url, title = found
    reference = nodes.reference('', '', internal=False, refuri=url)
    if contnode.astext() == target:
        reference += nodes.inline(title, title)
    else:
        reference += contnode
    return reference


def setup(app):
    app.connect('missing-reference', _missing_reference)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
