"""Where mscare keeps its data: ``MSCARE_HOME`` or the platform's user data folder."""

from __future__ import annotations

import os
from pathlib import Path

MAX_QUESTION_CHARS = 1000
DISCLAIMER = (
    "This is general information, not personal medical advice. "
    "Talk to your neurologist or MS team about your own care."
)


def data_home() -> Path:
    """The data folder (created on demand): ``$MSCARE_HOME``, else ``$XDG_DATA_HOME/mscare``."""
    if env := os.environ.get("MSCARE_HOME"):
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mscare"


def index_path() -> Path:
    """The SQLite index file built by ``mscare build``."""
    return data_home() / "index.sqlite"
