"""``mscare serve --workers 2``: a real multi-process uvicorn server over the session index answers like the
in-process app, and stops cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a loopback test server
        return json.loads(response.read())


def test_two_workers_serve_the_same_answers(web_home: Path, web_index: Path, api_client: Any, tmp_path: Path
                                            ) -> None:
    port = free_port()
    log = tmp_path / "stderr.txt"
    env = {**os.environ, "MSCARE_HOME": str(web_home)}
    with log.open("wb") as errors:
        server = subprocess.Popen([sys.executable, "-m", "mscare", "serve", "--workers", "2", "--port", str(port)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=errors)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                health = get(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        assert health == api_client.get("/healthz").json()
        question = "How does natalizumab work?"
        for _ in range(4):  # several requests, so both workers are likely to answer one
            served = get(f"{base}/api/ask?q={urllib.parse.quote(question)}")
            assert served == api_client.get("/api/ask", params={"q": question}).json()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode in (0, -signal.SIGINT), log.read_text(encoding="utf-8")
