# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One container as built from options, and as a 1.37 server returns it: the pair normalisation
and naming must treat as the same container."""

from __future__ import annotations

BUILT = {"name": "dbg", "image": "busybox:1.36", "command": ["sh"], "stdin": True, "tty": True,
         "targetContainerName": "app", "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
         "env": [{"name": "CPU", "valueFrom": {"resourceFieldRef": {"containerName": "app", "resource": "limits.cpu"}}}]}
# What a 1.37 server returns for BUILT through ApiClient.sanitize_for_serialization.
RETURNED = {"name": "dbg", "image": "busybox:1.36", "command": ["sh"], "stdin": True, "tty": True, "stdinOnce": False,
            "targetContainerName": "app", "resources": {}, "imagePullPolicy": "IfNotPresent",
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp", "readOnly": False}],
            "env": [{"name": "CPU", "valueFrom": {"resourceFieldRef": {"containerName": "app", "resource": "limits.cpu", "divisor": "0"}}}],
            "securityContext": {}, "ports": [], "workingDir": ""}
