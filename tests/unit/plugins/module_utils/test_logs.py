# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import logs as _logs


@pytest.fixture
def answer(monkeypatch):
    def set_answer(text):
        monkeypatch.setattr(_logs._rest, "request_text", lambda *args, **kwargs: text)
    return set_answer


def test_a_log_is_returned_as_is(answer):
    answer("Full thread dump\n")
    assert _logs.try_read_logs(object(), "ns", "pod", "c") == ("Full thread dump\n", None)


def test_a_lost_log_file_is_not_mistaken_for_the_log(answer):
    # What a real kubelet answered (HTTP 200) after its pod log directory was removed.
    answer('failed to try resolving symlinks in path "/var/log/pods/ns_pod_uid/c/0.log": '
           'lstat /var/log/pods/ns_pod_uid: no such file or directory')
    logs, why = _logs.try_read_logs(object(), "ns", "pod", "c")
    assert logs is None
    assert why.startswith("the kubelet no longer has this container's log file")
