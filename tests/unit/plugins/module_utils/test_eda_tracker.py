# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pod_events source's state: which changes of a pod are news (restart count up, OOM kill, a readiness loss
that lasts), which are not (what was there at the start, the same change seen again), and when to look again."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.dedupe import Dedupe
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.tracker import PodTriggers, Settings
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.trigger import Trigger
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.module_utils.eda_pods import AFTER_START, START, oom, pod

ALL = frozenset(("restart", "not_ready", "oom_killed", "event"))


def tracker(causes: t.FrozenSet[str] = ALL, not_ready: float = 30, reasons: t.Tuple[str, ...] = ("BackOff",), dedupe: float = 0) -> PodTriggers:
    return PodTriggers(Settings(causes=causes, not_ready_seconds=not_ready, event_reasons=reasons, dedupe_seconds=dedupe), START)


def causes(step) -> t.List[str]:
    return [trigger.cause for trigger in step.send]


def test_what_was_there_at_the_start_is_not_news_and_a_rise_is_once():
    tr = tracker()
    assert tr.pods_listed([pod(restarts=3)], START + 1).send == []
    step = tr.pod_changed("MODIFIED", pod(restarts=4, last_state={"terminated": {"reason": "Error", "exitCode": 1}}), START + 2)
    assert causes(step) == ["restart"]
    trigger = step.send[0]
    assert (trigger.namespace, trigger.pod, trigger.container, trigger.occurrence) == ("shop", "web", "app", "app:4")
    assert trigger.detail == "container app restarted (restart count 3 -> 4; last exit: Error, exit code 1)"
    assert trigger.event()["kubedebug"]["cause"] == "restart" and "meta" not in trigger.event()
    # The same state again (another field changed, or a re-list) is not a new restart.
    assert tr.pod_changed("MODIFIED", pod(restarts=4), START + 3).send == []
    assert tr.pods_listed([pod(restarts=4)], START + 4).send == []


def test_a_pod_created_after_the_start_is_compared_with_an_empty_pod():
    tr = tracker()
    tr.pods_listed([], START + 1)
    assert causes(tr.pod_changed("ADDED", pod("new", restarts=1, created=AFTER_START), START + 10)) == ["restart"]


def test_an_oom_kill_is_its_own_cause_and_is_sent_once():
    tr = tracker()
    tr.pods_listed([pod()], START + 1)
    step = tr.pod_changed("MODIFIED", pod(restarts=1, last_state=oom()), START + 2)
    assert sorted(causes(step)) == ["oom_killed", "restart"]
    killed = [tr for tr in step.send if tr.cause == "oom_killed"][0]
    assert killed.detail == "container app was OOM-killed (exit code 137)" and killed.at == "2027-01-15T08:01:00Z"
    assert tr.pod_changed("MODIFIED", pod(restarts=1, last_state=oom()), START + 3).send == []
    # Only the causes asked for.
    only_oom = tracker(causes=frozenset(["oom_killed"]))
    only_oom.pods_listed([pod()], START + 1)
    assert causes(only_oom.pod_changed("MODIFIED", pod(restarts=1, last_state=oom()), START + 2)) == ["oom_killed"]


def test_an_oom_kill_seen_at_the_start_is_not_news():
    tr = tracker()
    tr.pods_listed([pod(restarts=1, last_state=oom())], START + 1)
    assert tr.pod_changed("MODIFIED", pod(restarts=1, last_state=oom()), START + 2).send == []
    second = oom("2027-01-15T08:05:00Z")
    assert sorted(causes(tr.pod_changed("MODIFIED", pod(restarts=2, last_state=second), START + 300))) == ["oom_killed", "restart"]


def test_readiness_lost_is_sent_when_it_has_lasted_not_before():
    tr = tracker(not_ready=30)
    tr.pods_listed([pod(ready=True)], START + 1)
    flip = START + 100
    step = tr.pod_changed("MODIFIED", pod(ready=False, changed=flip), flip + 1)
    assert step.send == [] and step.timers == [(29.0, ("shop", "web"))]
    # A timer that goes off a little early sets itself again for the rest.
    early = tr.readiness_timer(("shop", "web"), flip + 20)
    assert early.send == [] and early.timers == [(10.0, ("shop", "web"))]
    due = tr.readiness_timer(("shop", "web"), flip + 30.5)
    assert causes(due) == ["not_ready"]
    assert due.send[0].detail == "not ready for 30.5 s (containers not ready: app)" and due.send[0].container == "app"
    # The spell goes on: updates and later timers send nothing more.
    assert tr.pod_changed("MODIFIED", pod(ready=False, changed=flip), flip + 40).send == []
    assert tr.readiness_timer(("shop", "web"), flip + 60).send == []


def test_readiness_back_in_time_cancels_and_a_second_spell_is_news():
    tr = tracker(not_ready=30)
    tr.pods_listed([pod(ready=True)], START + 1)
    tr.pod_changed("MODIFIED", pod(ready=False, changed=START + 100), START + 101)
    tr.pod_changed("MODIFIED", pod(ready=True, changed=START + 110), START + 111)
    assert tr.readiness_timer(("shop", "web"), START + 131).send == []
    step = tr.pod_changed("MODIFIED", pod(ready=False, changed=START + 200), START + 200)
    assert step.timers == [(30.0, ("shop", "web"))]
    assert causes(tr.readiness_timer(("shop", "web"), START + 230)) == ["not_ready"]


def test_with_zero_seconds_the_flip_is_sent_at_once():
    tr = tracker(not_ready=0)
    tr.pods_listed([pod(ready=True)], START + 1)
    assert causes(tr.pod_changed("MODIFIED", pod(ready=False, changed=START + 5), START + 5)) == ["not_ready"]


def test_a_pod_never_seen_ready_is_not_reported_until_it_has_been_ready():
    tr = tracker(not_ready=0)
    tr.pods_listed([pod(ready=False, changed=START - 3600)], START + 1)
    assert tr.pod_changed("MODIFIED", pod(ready=False, changed=START - 3600), START + 2).send == []
    tr.pod_changed("MODIFIED", pod(ready=True, changed=START + 3), START + 3)
    assert causes(tr.pod_changed("MODIFIED", pod(ready=False, changed=START + 4), START + 4)) == ["not_ready"]


def test_a_flip_missed_while_the_watch_was_down_is_found_by_the_relist_with_its_real_start():
    tr = tracker(not_ready=30)
    tr.pods_listed([pod(ready=True)], START + 1)
    # The flip happened at +100 while no watch was open; the re-list at +140 finds it already due.
    step = tr.pods_listed([pod(ready=False, changed=START + 100)], START + 140)
    assert causes(step) == ["not_ready"] and step.send[0].occurrence == "{0:.0f}".format(START + 100)


def test_terminating_pods_are_left_alone_and_deleted_pods_forgotten():
    tr = tracker(not_ready=0)
    tr.pods_listed([pod(ready=True)], START + 1)
    assert tr.pod_changed("MODIFIED", pod(ready=False, restarts=1, terminating=True), START + 2).send == []
    tr.pod_changed("DELETED", pod(ready=False, terminating=True), START + 3)
    assert tr.memories == {} and tr.readiness_timer(("shop", "web"), START + 10).send == []


def test_a_new_pod_of_the_same_name_starts_afresh():
    tr = tracker()
    tr.pods_listed([pod(restarts=0, uid="uid-1")], START + 1)
    assert causes(tr.pod_changed("MODIFIED", pod(restarts=1, uid="uid-1"), START + 2)) == ["restart"]
    # A StatefulSet's replacement: another uid, its own first restart, the same occurrence text as before.
    assert causes(tr.pod_changed("MODIFIED", pod(restarts=1, uid="uid-2", created=AFTER_START), START + 60)) == ["restart"]


def test_another_happening_of_the_same_cause_within_the_dedupe_window_is_held_back():
    tr = tracker(dedupe=300)
    tr.pods_listed([pod()], START + 1)
    assert causes(tr.pod_changed("MODIFIED", pod(restarts=1), START + 10)) == ["restart"]
    held = tr.pod_changed("MODIFIED", pod(restarts=2), START + 20)
    assert held.send == [] and "sent 10 s ago (dedupe_seconds 300)" in held.held[0][1]
    assert causes(tr.pod_changed("MODIFIED", pod(restarts=3), START + 320)) == ["restart"]


def event(reason: str = "BackOff", count: int = 1, pod_name: str = "web", uid: str = "e1") -> dict:
    return {"metadata": {"name": "web.1", "namespace": "shop", "uid": uid}, "reason": reason, "count": count,
            "message": "Back-off restarting failed container app", "lastTimestamp": AFTER_START,
            "involvedObject": {"kind": "Pod", "name": pod_name, "namespace": "shop", "uid": "uid-web",
                               "fieldPath": "spec.containers{app}"}}


def test_kubernetes_events_with_a_reason_asked_for_are_news_once_per_count():
    tr = tracker()
    tr.pods_listed([pod()], START + 1)
    assert tr.events_listed([event(count=5)], START + 1).send == []  # there before the start
    assert tr.event_changed("MODIFIED", event(count=5), START + 2).send == []
    step = tr.event_changed("MODIFIED", event(count=6), START + 3)
    assert causes(step) == ["event"]
    assert (step.send[0].reason, step.send[0].container, step.send[0].detail) == (
        "BackOff", "app", "Event BackOff (x6): Back-off restarting failed container app")
    assert causes(tr.event_changed("ADDED", event(uid="e2"), START + 4)) == ["event"]
    # Other reasons, pods the selector did not choose, deletions: nothing.
    assert tr.event_changed("ADDED", event("Pulled", uid="e3"), START + 5).send == []
    assert tr.event_changed("ADDED", event(pod_name="other", uid="e4"), START + 5).send == []
    assert tr.event_changed("DELETED", event(uid="e5"), START + 5).send == []
    # A re-list after the watch lost its place sends only what is new.
    assert causes(tr.events_listed([event(count=6), event(uid="e2"), event(uid="e6")], START + 6)) == ["event"]


def test_the_dedupe_memory_is_bounded_and_forgets_the_oldest_first():
    dedupe = Dedupe(window=0, max_remembered=2)
    triggers = [Trigger("shop", "web", "restart", "app:%d" % n, "d", "s") for n in range(3)]
    assert [dedupe.admit(tr, START) for tr in triggers] == [None, None, None]
    assert dedupe.admit(triggers[2], START) == "already sent"
    assert dedupe.admit(triggers[0], START) is None  # forgotten: the memory holds the newest two
