"""Schemathesis over the OpenAPI schema against the real server: no server errors, responses that match the
schema, and only documented status codes. Seeded and bounded; ``make fuzz`` runs the long version."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from fuzzing import LONG, SEED, sized

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"


def test_schemathesis_finds_no_failures(fuzz_server: str, tmp_path: Path) -> None:
    command = [str(Path(sys.executable).with_name("schemathesis")), "run", f"{fuzz_server}/openapi.json",
               "--checks", CHECKS, "--seed", str(SEED), "--max-examples", str(sized(8, 150)), "--workers", "1",
               "--phases", "examples,coverage,fuzzing,stateful" if LONG else "fuzzing", "--no-color"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=1800)
    summary = "\n".join(done.stdout.splitlines()[-30:])
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    cases = re.search(r"(\d[\d,]*) generated, (\d[\d,]*) passed", done.stdout)
    assert cases and cases.group(1) == cases.group(2), summary
    print(f"schemathesis: {cases.group(0)} (seed {SEED})")
