"""Throughput and latency of ``/api/ask`` against ``/healthz`` on one real uvicorn server.

The server runs in its own process (so the clients do not share its GIL) on a loopback socket; N client
threads, each with its own httpx connection, send requests until a count or a time limit is reached.

    python bench/bench_web.py [QUESTIONS.jsonl] [--clients 8,64] [--workers 2] [--new] [--seconds 15]
                              [--max-requests 4000]

QUESTIONS.jsonl has one object a line with a "question" field (default: ../shared/eval/qa_dev.jsonl beside
the repository). ``--new`` asks instead questions new to the server, each once: templates times each therapy's
generic and first two brand names, each client count with its own share, so the answer cache never helps; the
server processes are first warmed on other questions. ``--workers`` runs that many server processes over the
one index. Each client count measures /healthz then /api/ask on the same server and prints their ratio.
Prints figures; asserts nothing.
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
from uvicorn.supervisors import Multiprocess
from mscare.store import open_store
sock, workers = socket.socket(fileno=int(sys.argv[1])), int(sys.argv[2])
open_store().close()
config = uvicorn.Config("mscare.app:create_app", factory=True, workers=workers, log_level="warning",
                        access_log=False)
server = uvicorn.Server(config)
if workers == 1:
    server.run(sockets=[sock])
else:
    Multiprocess(config, sockets=[sock]).run()
"""
# Questions new to the server: each template is filled with every therapy's name.
TEMPLATES = ["How does {} work?", "What are the side effects of {}?", "Is {} safe in pregnancy?",
             "How is {} given?", "What tests do I need on {}?", "Can I get vaccines while taking {}?",
             "How well does {} work for relapses?", "What should I know before starting {}?",
             "Who should not take {}?", "How often do I take {}?", "Does {} cause infections?",
             "Can I breastfeed on {}?", "What happens if I stop {}?", "Does {} interact with other drugs?",
             "Is {} approved in Europe?", "What monitoring does {} need?"]


def new_questions() -> list[str]:
    from mscare.catalogue import default_catalogue

    catalogue = default_catalogue()
    names = list(dict.fromkeys(n for t in catalogue.by_category() for n in [t.generic_name, *t.brands[:2]]
                               if not n.lower().startswith("generic")))
    return [template.format(name) for template in TEMPLATES for name in names]


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
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


def start_server(home: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    sock.listen(128)
    base = f"http://{HOST}:{sock.getsockname()[1]}"
    env = {**os.environ, "MSCARE_HOME": str(home)}
    log = home / "server.log"  # a file, not a pipe nobody reads while the bench runs
    with log.open("wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-c", SERVER_CODE, str(sock.fileno()), str(workers)],
                                pass_fds=[sock.fileno()], env=env, stderr=stderr)
    sock.close()  # the child holds its own copy
    deadline = time.monotonic() + 120
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
                        phase.first_error = phase.first_error or f"{response.status_code} {response.text[:200]}"

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.wall = time.perf_counter() - start
    return phase


def report(phase: Phase) -> None:
    print(f"{phase.name:<15} {len(phase.latencies):>6} ok {phase.errors:>4} err {phase.wall:>6.1f} s "
          f"{phase.rps:>8.1f} req/s   p50 {phase.percentile(50):>7.1f} ms   p95 {phase.percentile(95):>7.1f} ms"
          f"   mean {statistics.fmean(phase.latencies) * 1000 if phase.latencies else 0:>7.1f} ms")
    if phase.first_error:
        print(f"  first error: {phase.first_error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--clients", default="8", help="client counts, e.g. 8,64")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--new", action="store_true", help="ask questions new to the server")
    parser.add_argument("--seconds", type=float, default=15.0, help="time limit of each phase")
    parser.add_argument("--max-requests", type=int, default=4000, help="request limit of each phase")
    args = parser.parse_args()

    counts = [int(c) for c in args.clients.split(",")]
    questions = new_questions() if args.new else load_questions(args.questions)
    with tempfile.TemporaryDirectory(prefix="mscare-bench-") as home:
        t0 = time.perf_counter()
        proc, base = start_server(Path(home), args.workers)
        print(f"server {base} ({args.workers} worker(s), {os.cpu_count()} cores) ready in "
              f"{time.perf_counter() - t0:.1f} s (index built in a temp MSCARE_HOME)")
        try:
            phases = measure(base, questions, counts, args)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    for health, ask in phases:
        report(health)
        report(ask)
        if ask.rps and ask.percentile(50):
            print(f"ratio: /api/ask serves {ask.rps / health.rps:.2f}x the requests per second of /healthz "
                  f"(target >= 0.25 with new questions); p95 {ask.percentile(95):.0f} ms (target < 100 ms)")
    if len(phases) > 1 and phases[0][1].rps:
        print(f"/api/ask at {counts[-1]} clients: {phases[-1][1].rps / phases[0][1].rps:.0%} of its rate at "
              f"{counts[0]} clients (target >= 80%)")


def measure(base: str, questions: list[str], counts: list[int], args: argparse.Namespace
            ) -> list[tuple[Phase, Phase]]:
    """At each client count: /healthz, then /api/ask (new questions: a share of the pool never asked before)."""
    params: list[dict[str, str] | None] = [{"q": q} for q in questions]
    if args.new:
        print(f"{len(questions)} new questions ({len(TEMPLATES)} templates x every therapy's names), split between "
              f"{len(counts)} client counts")
        # Each server process loads the engine on its first question: warm them on other questions first.
        warm = [{"q": q} for q in load_questions(args.questions)]
        report(run_phase("warm-up", base, warm, "/api/ask", clients=2 * args.workers, seconds=20,
                         max_requests=min(len(warm), 40 * args.workers)))
    else:
        report(run_phase("warm-up", base, params, "/api/ask", clients=1, seconds=20, max_requests=len(params)))
    share = len(params) // len(counts)
    phases = []
    for number, clients in enumerate(counts):
        health = run_phase(f"/healthz x{clients}", base, [None], "/healthz", clients=clients,
                           seconds=args.seconds, max_requests=args.max_requests)
        pool = params[number * share:(number + 1) * share] if args.new else params
        limit = min(args.max_requests, len(pool)) if args.new else args.max_requests
        ask = run_phase(f"/api/ask x{clients}", base, pool, "/api/ask", clients=clients, seconds=args.seconds,
                        max_requests=limit)
        phases.append((health, ask))
    return phases


if __name__ == "__main__":
    main()
