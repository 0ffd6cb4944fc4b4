"""The validated-content cache and the quick CLI: loads once, reloads when content changes, same results."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mscare.catalogue import load_catalogue
from mscare.cli.common import app
from mscare.cli.main import COMMAND_MODULES, register_commands
from mscare.content_cache import cached


def test_cache_loads_once_and_again_after_a_change(tmp_path: Path) -> None:
    source = tmp_path / "a.yaml"
    source.write_text("one: 1\n", encoding="utf-8")
    loads: list[int] = []

    def load() -> dict[str, str]:
        loads.append(1)
        return {"text": source.read_text(encoding="utf-8")}

    folder = tmp_path / "cache"
    assert cached("x", [source], load, folder) == {"text": "one: 1\n"}
    assert cached("x", [source], load, folder) == {"text": "one: 1\n"}
    assert len(loads) == 1
    source.write_text("one: 2\n", encoding="utf-8")
    assert cached("x", [source], load, folder) == {"text": "one: 2\n"}
    assert len(loads) == 2
    assert len(list(folder.glob("x-*.pickle"))) == 1  # the stale entry is gone


def test_a_broken_cache_file_is_loaded_again(tmp_path: Path) -> None:
    source = tmp_path / "a.yaml"
    source.write_text("x", encoding="utf-8")
    folder = tmp_path / "cache"
    cached("x", [source], lambda: 1, folder)
    next(folder.glob("x-*.pickle")).write_bytes(b"not a pickle")
    assert cached("x", [source], lambda: 2, folder) == 2


def test_cached_catalogue_equals_a_fresh_load(tmp_path: Path) -> None:
    code = ("import pickle, sys; from mscare.catalogue import default_catalogue; "
            "sys.stdout.buffer.write(pickle.dumps(sorted(default_catalogue().therapies)))")
    env = {"MSCARE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for _ in range(2):  # the first run fills the cache, the second reads it
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout
        assert out and sorted(load_catalogue(strict=False).therapies) == __import__("pickle").loads(out)
    assert list((tmp_path / "cache").glob("catalogue-*.pickle"))


def test_every_command_is_mapped_to_its_module() -> None:
    register_commands()
    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert names == set(COMMAND_MODULES)
    for command in app.registered_commands:
        module = COMMAND_MODULES[str(command.name)]
        assert command.callback is not None
        assert command.callback.__module__ == f"mscare.cli.{module or 'main'}"


def test_a_trials_run_does_not_import_the_diary_or_the_ask_engine() -> None:
    code = ("import sys; from mscare.cli.main import register_commands; register_commands(['trials', 'search']); "
            "print(sorted(m for m in ('sqlalchemy', 'mscare.ask', 'mscare.cli.diary') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
