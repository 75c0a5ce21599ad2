"""The test bed's S3-compatible server: versitygw, an S3 gateway over a POSIX directory, on 127.0.0.1.

It runs beside an era (its state under the era's state dir, its pid with the era's processes), so
``testbed.sh down <era>`` stops it too. The diagnostics role's S3 sink writes to it through boto3."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

from . import build, processes
from .eras import Era

NAME = "versitygw"
PORT_SUFFIX = 900  # 127.0.0.1:<era's port prefix>900, e.g. 16900 for current
ACCESS_KEY = "kubedebug-testbed"
SECRET_KEY = "kubedebug-testbed-secret"
REGION = "us-east-1"


def port(era: Era) -> int:
    return era.port(PORT_SUFFIX)


def endpoint(era: Era) -> str:
    return f"http://127.0.0.1:{port(era)}"


def data_dir(era: Era) -> Path:
    return era.state_dir / "s3"


def _listening(era: Era) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port(era)), timeout=1):
            return True
    except OSError:
        return False


def up(era: Era) -> str:
    """Start the server unless it runs; returns its endpoint URL."""
    binary = build.ensure_tool(NAME)
    if processes.pid_of(era, NAME) is None:
        data_dir(era).mkdir(parents=True, exist_ok=True)
        processes.start(era, NAME, [str(binary), "--port", f"127.0.0.1:{port(era)}", "--access", ACCESS_KEY,
                                    "--secret", SECRET_KEY, "--region", REGION, "posix", str(data_dir(era))])
    if not processes.wait_for(lambda: _listening(era), 20):
        raise RuntimeError(f"versitygw did not listen on 127.0.0.1:{port(era)}:\n"
                           + processes.tail(era.state_dir / "log" / f"{NAME}.log"))
    return endpoint(era)


def down(era: Era) -> None:
    """Stop the server and remove its buckets."""
    processes.stop(era, NAME)
    shutil.rmtree(data_dir(era), ignore_errors=True)


def env(era: Era) -> str:
    """Shell exports for boto3 and the AWS CLI."""
    return (f"export AWS_ENDPOINT_URL={endpoint(era)}\nexport AWS_ACCESS_KEY_ID={ACCESS_KEY}\n"
            f"export AWS_SECRET_ACCESS_KEY={SECRET_KEY}\nexport AWS_DEFAULT_REGION={REGION}")
