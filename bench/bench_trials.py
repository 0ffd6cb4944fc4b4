"""Trials at registry scale and the quick CLI: each figure beside its baseline, measured in the same run.

Usage: python bench/bench_trials.py [--studies 4000] [--runs 7]
Generates a corpus from the real ClinicalTrials.gov fixture (tests/trials_corpus.py), imports it with
`mscare trials import` (studies/s, peak memory), times searches in process (target < 50 ms) and as whole CLI
runs against a bare `mscare --help` (target at most 2x), and a cold `mscare ask` (target at most 0.8 s).
Uses a temporary MSCARE_HOME; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
MSCARE = [sys.executable, "-m", "mscare"]
SEARCHES = {"text": ["fatigue"], "status": ["--status", "recruiting"], "phase": ["--phase", "3"],
            "distance": ["--near", "45.5152,-122.6784", "--within", "50"], "city": ["--near", "Portland"]}


def wall(command: list[str], runs: int) -> float:
    """Median wall time of ``runs`` runs of a command, in seconds (its output discarded)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def import_corpus(folder: Path, studies: int) -> None:
    from trials_corpus import write_corpus

    corpus = write_corpus(folder / "corpus.json", studies)
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *MSCARE, "trials", "import", str(corpus)],
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
    size_mb = corpus.stat().st_size / 1e6
    print(f"import {studies} studies ({size_mb:.0f} MB file): {seconds:.1f} s, {studies / seconds:.0f} studies/s "
          f"(target >= 300), peak memory {peak_mb:.0f} MB")


def in_process(runs: int) -> None:
    from mscare.trials import default_trials_path, search_trials

    db = default_trials_path()
    for name, args in SEARCHES.items():
        text = args[0] if not args[0].startswith("--") else None
        options = dict(zip(args[0::2], args[1::2], strict=False)) if text is None else {}
        kwargs = {"text": text, "status": options.get("--status"), "phase": options.get("--phase"),
                  "near": options.get("--near"),
                  "within_km": float(options["--within"]) if "--within" in options else None}
        search_trials(db_path=db, limit=50, **kwargs)  # type: ignore[arg-type]
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            hits = search_trials(db_path=db, limit=50, **kwargs)  # type: ignore[arg-type]
            times.append(time.perf_counter() - started)
        print(f"in process  {name:<9} {statistics.median(times) * 1000:6.1f} ms median ({len(hits)} hits; "
              "target < 50 ms)")


def cli(runs: int) -> None:
    help_s = wall([*MSCARE, "--help"], runs)
    print(f"cli  mscare --help            {help_s:5.2f} s median (baseline)")
    for name, args in SEARCHES.items():
        seconds = wall([*MSCARE, "trials", "search", *args], runs)
        print(f"cli  trials search {name:<9} {seconds:5.2f} s  = {seconds / help_s:.2f}x --help (target <= 2x)")
    seconds = wall([*MSCARE, "ask", "How does natalizumab work?"], runs)
    print(f"cli  ask (cold process)       {seconds:5.2f} s  = {seconds / help_s:.2f}x --help (target <= 0.8 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mscare-bench-") as home:
        os.environ["MSCARE_HOME"] = home
        subprocess.run([*MSCARE, "build"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
        import_corpus(Path(home), args.studies)
        in_process(args.runs)
        cli(args.runs)


if __name__ == "__main__":
    main()
