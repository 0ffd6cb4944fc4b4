"""Run every benchmark in this folder, one after the other, printing their figures.

bench_web.py runs twice: the dev questions on one worker (the answer cache at work), then questions new to
the server at 8 and 64 clients on two workers (the uncached engine under load).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = {"bench_web.py": [[], ["--new", "--clients", "8,64", "--workers", "2", "--seconds", "10"]]}

for script in sorted(HERE.glob("bench_*.py")):
    for extra in RUNS.get(script.name, [[]]):
        print(f"== {script.name} {' '.join(extra)}".rstrip(), flush=True)
        subprocess.run([sys.executable, str(script), *extra, *sys.argv[1:]], check=False)
