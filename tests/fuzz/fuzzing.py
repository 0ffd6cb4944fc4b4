"""Run length and seed of the fuzzers: ``make test`` runs a short, seeded run; ``make fuzz`` sets
``MSCARE_FUZZ=long`` for the long one (``MSCARE_FUZZ_SEED`` picks another seed)."""

from __future__ import annotations

import os
from pathlib import Path

FIXTURE = Path(__file__).parents[1] / "fixtures" / "clinicaltrials" / "search_ms_portland.json"
LONG = os.environ.get("MSCARE_FUZZ") == "long"
SEED = int(os.environ.get("MSCARE_FUZZ_SEED", "20261206"))


def sized(short: int, long: int) -> int:
    """How many inputs to try: a few in the normal suite, many in ``make fuzz``."""
    return long if LONG else short
