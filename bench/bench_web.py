"""Throughput and latency of ``/api/ask`` against ``/healthz`` on one real uvicorn server.

The server runs in its own process (so the clients do not share its GIL) on a loopback socket; N client
threads, each with its own httpx connection, send requests until a count or a time limit is reached.

    python bench/bench_web.py [QUESTIONS.jsonl] [--clients 8] [--seconds 15] [--max-requests 4000]

QUESTIONS.jsonl has one object a line with a "question" field (default: ../shared/eval/qa_dev.jsonl beside
the repository). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = REPO.parent / "shared" / "eval" / "qa_dev.jsonl"
HOST = "127.0.0.1"
# The server: the real app over an index in a temporary MSCARE_HOME, on a socket inherited from this process.
SERVER_CODE = """
import socket, sys, uvicorn
from mscare.app import create_app
sock = socket.socket(fileno=int(sys.argv[1]))
app = create_app()
uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])
"""


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000 if ordered else 0.0


def load_questions(path: Path) -> list[str]:
    if not path.exists():
        from mscare.web.ask import COMMON_QUESTIONS

        print(f"note: {path} not found; using the {len(COMMON_QUESTIONS)} common questions of the home page")
        return list(COMMON_QUESTIONS)
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    sock.listen(128)
    base = f"http://{HOST}:{sock.getsockname()[1]}"
    env = {**os.environ, "MSCARE_HOME": str(home)}
    log = home / "server.log"  # a file, not a pipe nobody reads while the bench runs
    with log.open("wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-c", SERVER_CODE, str(sock.fileno())], pass_fds=[sock.fileno()],
                                env=env, stderr=stderr)
    sock.close()  # the child holds its own copy
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("server did not answer /healthz within 60 s")


def run_phase(name: str, base: str, params: list[dict[str, str] | None], path: str, *, clients: int,
              seconds: float, max_requests: int) -> Phase:
    """GET ``path`` (cycling through ``params``) until ``max_requests`` are sent or ``seconds`` have passed."""
    phase = Phase(name)
    lock = threading.Lock()
    counter = itertools.count()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < stop_at:
                n = next(counter)  # itertools.count is atomic under the GIL
                if n >= max_requests:
                    return
                t0 = time.perf_counter()
                response = client.get(path, params=params[n % len(params)])
                elapsed = time.perf_counter() - t0
                with lock:
                    if response.status_code == 200:
                        phase.latencies.append(elapsed)
                    else:
                        phase.errors += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.wall = time.perf_counter() - start
    return phase


def report(phase: Phase) -> None:
    print(f"{phase.name:<10} {len(phase.latencies):>6} ok {phase.errors:>4} err {phase.wall:>6.1f} s "
          f"{phase.rps:>8.1f} req/s   p50 {phase.percentile(50):>7.1f} ms   p95 {phase.percentile(95):>7.1f} ms"
          f"   mean {statistics.fmean(phase.latencies) * 1000 if phase.latencies else 0:>7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0, help="time limit of each phase")
    parser.add_argument("--max-requests", type=int, default=4000, help="request limit of each phase")
    args = parser.parse_args()

    questions = load_questions(args.questions)
    with tempfile.TemporaryDirectory(prefix="mscare-bench-") as home:
        t0 = time.perf_counter()
        proc, base = start_server(Path(home))
        print(f"server {base} ready in {time.perf_counter() - t0:.1f} s (index built in a temp MSCARE_HOME)")
        try:
            ask_params: list[dict[str, str] | None] = [{"q": q} for q in questions]
            warm = run_phase("warm-up", base, ask_params, "/api/ask", clients=1, seconds=20,
                             max_requests=len(questions))
            print(f"{len(questions)} questions from {args.questions}; {args.clients} clients; "
                  f"each phase stops at {args.max_requests} requests or {args.seconds:.0f} s")
            report(warm)
            health = run_phase("/healthz", base, [None], "/healthz", clients=args.clients, seconds=args.seconds,
                               max_requests=args.max_requests)
            ask = run_phase("/api/ask", base, ask_params, "/api/ask", clients=args.clients, seconds=args.seconds,
                            max_requests=args.max_requests)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    report(health)
    report(ask)
    if ask.rps and ask.percentile(50):
        print(f"ratio: /healthz serves {health.rps / ask.rps:.1f}x the requests per second of /api/ask; "
              f"/api/ask p50 is {ask.percentile(50) / health.percentile(50):.1f}x, "
              f"p95 {ask.percentile(95) / health.percentile(95):.1f}x that of /healthz")


if __name__ == "__main__":
    main()
