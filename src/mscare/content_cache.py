"""A validated-content cache: the result of loading packaged content, pickled next to the user's data.

Reading and validating every YAML and Markdown file takes most of a short command's time. The pickle is keyed
by a hash of the bytes of every file the result came from plus the code that shapes it, so any change to the
content or to that code makes a new entry; a missing, unreadable or stale entry only means loading again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from mscare.settings import data_home

T = TypeVar("T")
CODE = [Path(__file__).parent / name for name in ("models.py", "catalogue.py", "topics.py", "content.py")]


def content_key(paths: Iterable[Path]) -> str:
    """A hash of the files' names and bytes, and of the loading code."""
    digest = hashlib.sha256()
    for path in [*sorted(paths), *CODE]:
        digest.update(f"{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def cached(name: str, paths: Iterable[Path], load: Callable[[], T], folder: Path | None = None) -> T:
    """``load()``'s result from the cache when ``paths`` are unchanged, else loaded and stored (best effort)."""
    folder = folder or data_home() / "cache"
    try:
        entry = folder / f"{name}-{content_key(paths)}.pickle"
    except OSError:
        return load()
    try:
        with entry.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own file, our own types
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    value = load()
    try:
        store(folder, name, entry, value)
    except (OSError, pickle.PicklingError):
        pass
    return value


def store(folder: Path, name: str, entry: Path, value: object) -> None:
    """Write ``entry`` atomically and remove older entries of the same name."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}-", delete=False) as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(handle.name, entry)
    for old in folder.glob(f"{name}-*.pickle"):
        if old != entry:
            old.unlink(missing_ok=True)
