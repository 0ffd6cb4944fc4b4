"""Ask-engine benchmark: index build time, warm latency (p50/p95), cold CLI wall time, peak memory.

Usage: python bench/bench_ask.py [QUESTIONS.jsonl]   (default: the consumer test split and the triage test half)
Prints figures; asserts nothing. Uses a temporary MSCARE_HOME so it never touches your data.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "fixtures" / "eval"
DEFAULT_QUESTIONS = [EVAL / "qa_consumer_test.jsonl", EVAL / "triage_test.jsonl"]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def load_questions(path: Path) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    paths = [Path(a) for a in sys.argv[1:]] or DEFAULT_QUESTIONS
    questions = [q for path in paths for q in load_questions(path)]
    home = Path(tempfile.mkdtemp(prefix="mscare-bench-"))
    os.environ["MSCARE_HOME"] = str(home)

    from mscare.ask import answer
    from mscare.store import build_index, open_store

    quiet = lambda message: None  # noqa: E731
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        build_index(home / "index.sqlite", progress=quiet)
        builds.append(time.perf_counter() - started)
    store = open_store(home / "index.sqlite", progress=quiet)
    for question in questions:  # warm-up: caches, lexicon, catalogue
        answer(question=question, store=store)
    latencies = []
    for _ in range(5):
        for question in questions:
            started = time.perf_counter()
            answer(question=question, store=store)
            latencies.append((time.perf_counter() - started) * 1000)
    store.close()

    mscare = str(Path(sys.executable).with_name("mscare"))
    colds = []
    for question in questions[:5]:
        started = time.perf_counter()
        subprocess.run([mscare, "ask", question, "--json"], check=True, capture_output=True,
                       env={**os.environ, "MSCARE_HOME": str(home)})
        colds.append(time.perf_counter() - started)
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"questions: {len(questions)} from {', '.join(p.name for p in paths)}")
    print(f"index build: median {statistics.median(builds):.2f} s (3 runs)")
    print(f"warm answer latency: p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, "
          f"max {max(latencies):.1f} ms ({len(latencies)} answers)")
    print(f"cold 'mscare ask' wall time: median {statistics.median(colds):.2f} s, max {max(colds):.2f} s")
    print(f"peak memory of a cold 'mscare ask' process: {child:.0f} MB")
    print(f"peak memory of this benchmark process (build + warm answers): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
