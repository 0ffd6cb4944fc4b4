"""Fuzzing fixtures: a real uvicorn server over the session index with the trials fixture imported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fuzzing import FIXTURE

from servers import serving


@pytest.fixture(scope="session")
def fuzz_trials_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mscare.trials import import_trials

    path = tmp_path_factory.mktemp("fuzz-trials") / "trials.sqlite"
    import_trials(FIXTURE, db_path=path)
    return path


@pytest.fixture(scope="session")
def fuzz_server(web_index: Path, fuzz_trials_db: Path) -> Iterator[str]:
    """The whole app under a real uvicorn on a free loopback port; yields its base URL."""
    from mscare.app import create_app

    app: Any = create_app(index=web_index, trials_db=fuzz_trials_db)
    with serving(app) as (host, port):
        yield f"http://{host}:{port}"
