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
    assert _logs.try_read_logs(object(), "ns", "pod", "c") == ("Full thread dump\n", None, False)


def test_a_lost_log_file_is_not_mistaken_for_the_log(answer):
    # What a real kubelet answered (HTTP 200) after its pod log directory was removed.
    answer('failed to try resolving symlinks in path "/var/log/pods/ns_pod_uid/c/0.log": '
           'lstat /var/log/pods/ns_pod_uid: no such file or directory')
    logs, why, _truncated = _logs.try_read_logs(object(), "ns", "pod", "c")
    assert logs is None
    assert why.startswith("the kubelet no longer has this container's log file")


@pytest.fixture
def asked(monkeypatch):
    """The query of the last log read; the server answers with ``asked["answer"]``."""
    seen = {"answer": ""}

    def request_text(*args, **kwargs):
        seen.update(kwargs["query"])
        return seen["answer"]

    monkeypatch.setattr(_logs._rest, "request_text", request_text)
    return seen


def test_a_long_log_is_cut_at_the_limit_and_says_so(asked):
    asked["answer"] = "0123456789" * 10
    read = _logs.try_read_logs(object(), "ns", "pod", "c", limit_bytes=25)
    assert read == ("0123456789012345678901234", None, True)
    assert asked["limitBytes"] == 26  # one more than kept, so a log of exactly 25 bytes is not called cut


def test_a_log_of_exactly_the_limit_is_whole(answer):
    answer("x" * 25)
    assert _logs.try_read_logs(object(), "ns", "pod", "c", limit_bytes=25) == ("x" * 25, None, False)


def test_zero_keeps_the_whole_log_and_asks_for_no_limit(asked):
    asked["answer"] = "y" * 100000
    assert _logs.try_read_logs(object(), "ns", "pod", "c", limit_bytes=0) == ("y" * 100000, None, False)
    assert "limitBytes" not in asked


def test_a_cut_never_splits_a_character():
    text, truncated = _logs.cut("ab\u00e9\u00e9", 3)  # a, b, then the two bytes of the first e-acute
    assert (text, truncated) == ("ab", True)
