"""Fuzzing fixtures: a real uvicorn server over the session index with the trials fixture imported."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fuzzing import FIXTURE


@pytest.fixture(scope="session")
def fuzz_trials_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mscare.trials import import_trials

    path = tmp_path_factory.mktemp("fuzz-trials") / "trials.sqlite"
    import_trials(FIXTURE, db_path=path)
    return path


@pytest.fixture(scope="session")
def fuzz_server(web_index: Path, fuzz_trials_db: Path) -> Iterator[str]:
    """The whole app under a real uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    from mscare.app import create_app

    app: Any = create_app(index=web_index, trials_db=fuzz_trials_db)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
