"""A real Janus for the video tests, started with the project's configuration (live/janus,
rendered by live.video.config exactly as `manage.py janus_run` does) on a free WebSocket port
and a media port range of its own, so parallel workers do not meet. Like tests/live/servers.py
starts daphne. Needs the Debian package `janus` (.ci/run installs it): missing, the test is
skipped by hand and fails under CI=true."""

import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from live.video import config
from tests.conftest import CI

JANUS = shutil.which("janus") or "/usr/bin/janus"


def require_janus() -> None:
    if not os.path.exists(JANUS):
        reason = "needs the Janus media server: apt-get install janus"
        if CI:
            pytest.fail(f"{reason} [CI=true: a missing requirement is a failure]", pytrace=False)
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    from websockets.sync.client import connect

    try:
        with connect(url, subprotocols=["janus-protocol"], open_timeout=1) as ws:
            ws.send(json.dumps({"janus": "info", "transaction": "t", "apisecret": config.api_secret()}))
            return json.loads(ws.recv(timeout=2)).get("janus") == "server_info"
    except Exception:
        return False


@contextlib.contextmanager
def janus_server():
    """Yields the ws:// URL of a fresh Janus (stopped afterwards)."""
    require_janus()
    directory = Path(tempfile.mkdtemp(prefix="janus-"))
    port = _free_port()
    base = random.randrange(41000, 59000, 200)
    config.render_config(directory, ws_port=port, rtp_ports=f"{base}-{base + 199}", debug_level=3)
    log = open(directory / "janus.log", "wb")
    process = subprocess.Popen(
        [JANUS, "-F", str(directory), "-C", str(directory / "janus.jcfg")],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"ws://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"janus did not start:\n{(directory / 'janus.log').read_text(errors='replace')}"
                )
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(directory, ignore_errors=True)
