"""Bad input to every subcommand (ported from the reliability review's CLI harness), run through the same
``run()`` the console script calls: never a traceback, an error is one ``Error:`` line with exit 2, and input
that cannot be right (nan hours, an empty import path) is refused. Seeded sample; ``make fuzz`` runs them all."""

from __future__ import annotations

import io
import json
import random
import shutil
from pathlib import Path

import pytest
from fuzzing import FIXTURE, SEED, sized

from mscare.cli import register_commands
from mscare.cli.main import run

HUGE = "x" * 131_000
RTL = "\u202eevil\u202c \u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd"
UNI = "tysabri\u200b\U0001F600\u0301\ufeff"
CTRL = "a\x1b[31mred\x07\x7f\r\n"
DATES = ["2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01", "9999-12-31", "1900-01-01", "2026/01/15",
         "yesterday", "", "-1", "2026-1-5"]
INTS = ["abc", "", "-1", "-99999999999999999999", "1e3", "nan", "inf", "0", "999999999999", "1.5", RTL]
FLOATS = ["abc", "", "-1", "nan", "inf", "-inf", "1e309", "0", "1e-320", "99999999", RTL]
REFUSE = {"nan", "inf", "-inf", "1e309", "99999999"}
STRS = ["", " ", HUGE, RTL, UNI, CTRL, "../../etc/passwd", "'; DROP TABLE trials;--", "<script>alert(1)</script>",
        "%s%n{0}", "-", "--"]
NCT = "NCT06441617"
Case = tuple[list[str], str | None, bool]  # arguments, stdin, must be refused


def files(folder: Path) -> dict[str, str]:
    """Bad input files: eval question sets and trial downloads."""
    q = "what is a relapse?"
    content: dict[str, str | bytes] = {
        "empty_q.jsonl": json.dumps({"id": "a", "question": ""}), "bad_regex.jsonl": json.dumps(
            {"id": "a", "question": q, "must": ["("]}), "must_int.jsonl": json.dumps({"id": "a", "question": q,
                                                                                        "must": [123]}),
        "nul.jsonl": b'{"id":"a","question":"what is\x00 a relapse?"}\n', "latin1.jsonl": "{\"id\":\"a\",\"question\":"
        "\"qu'est-ce qu'une pouss\u00e9e ?\"}\n".encode("latin-1"), "notjson.jsonl": "this is not json\n",
        "array.jsonl": "[1, 2, 3]\n", "deep.json": "[" * 100_000 + "]" * 100_000, "empty.json": b"",
        "nul.json": b"\x00" * 64, "notutf8.json": b"\xff\xfe\xfa{}", "not_list.json": json.dumps({"studies": 5}),
    }
    paths = {}
    for name, data in content.items():
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        paths[name] = str(path)
    return paths


def cases(inputs: dict[str, str], scratch: Path) -> list[Case]:
    out: list[Case] = [(["nosuch"], None, False), ([], None, False), (["check", "extra"], None, False)]
    out += [(["ask", s], None, False) for s in STRS] + [(["ask", "what is ms", "--k", n], None, False) for n in INTS]
    out += [(["therapies", "show", s], None, False) for s in STRS]
    out += [(["therapies", "list", "--category", s], None, False) for s in STRS]
    out += [(["topics", "show", s], None, False) for s in STRS]
    out += [(["compare", "tysabri", s], None, False) for s in STRS] + [(["compare"], None, False)]
    out += [(["monitoring", "natalizumab", "--start", d], None, False) for d in DATES]
    out += [(["monitoring", "natalizumab", "--start", "2026-01-15", "--months", n], None, False) for n in INTS]
    out += [(["monitoring", "natalizumab", "--start", "2026-01-15", "--ics", p], None, False)
            for p in [str(scratch), "/nonexistent/dir/x.ics", "/proc/version", ""]]
    out += [(["options", "--ms-type", s], None, False) for s in STRS[:7]]
    out += [(["options", "--ms-type", "rrms", "--age", n], None, False) for n in INTS]
    out += [(["relapse-check", "--symptoms", "left leg weak", "--hours", n], None, n in REFUSE) for n in FLOATS]
    out += [(["relapse-check", "--red-flag", s], None, False) for s in ["", "nosuch", RTL]]
    out += [(["relapse-check", "-i"], stdin, refuse) for stdin, refuse in [
        ("", False), ("legs\nabc\nxyz\n\n\n\n\n\n", False), ("legs\nnan\n\nn\nn\nn\nn\nn\n", True),
        ("legs\n-5\n\nn\nn\nn\nn\nn\n", True)]]
    out += [(["mitoxantrone-dose", "--dose", n], None, n in {"nan", "inf", "-inf", "1e309"}) for n in FLOATS]
    out += [(["appointment", "--therapy", s], None, False) for s in STRS[:7]]
    out += [(["appointment", "--therapy", "ocrevus", "--start", d], None, False) for d in DATES]
    out += [(["appointment", "--format", s], None, False) for s in ["", "pdf", "HTML"]]
    out += [(["eval", p], None, True) for p in ["", "/nonexistent", str(scratch), "/dev/null", *(
        v for k, v in inputs.items() if k.endswith(".jsonl") or k == "deep.json")]]
    out += [(["trials", "import", p], None, p == "") for p in ["", "/nonexistent", "/dev/null", *(
        v for k, v in inputs.items() if k.endswith(".json"))]]
    out += [(["trials", "search", s], None, False) for s in STRS]
    out += [(["trials", "search", "--near", s], None, False) for s in ["", "91,0", "45,-200", "Atlantis", "nan,nan"]]
    out += [(["trials", "search", "--near", "45.5,-122.6", "--within", n], None, n in REFUSE) for n in FLOATS]
    out += [(["trials", "screen", s, "--age", "30"], None, False) for s in ["", "NCT0", "nct06441617", RTL]]
    out += [(["trials", "screen", NCT, "--age", "30", "--edss", n], None, n in {"nan", "inf", "-inf"}) for n in FLOATS]
    out += [(["serve", "--port", n], None, True) for n in ["-1", "0", "70000", "abc", ""]]
    out += [(["serve", "--host", h, "--port", "8799"], None, True) for h in ["999.999.999.999", "not a host", "\u202e"]]
    return out


@pytest.fixture(scope="module")
def cli_home(web_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mscare.trials import import_trials

    home = tmp_path_factory.mktemp("cli-fuzz-home")
    shutil.copy(web_index, home / "index.sqlite")
    import_trials(FIXTURE, db_path=home / "trials.sqlite")
    return home


def test_bad_input_never_gives_a_traceback_or_a_multi_line_error(
        cli_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MSCARE_HOME", str(cli_home))
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    shutil.copy(FIXTURE, work / "sub" / FIXTURE.name)  # `trials import ""` must not find this
    monkeypatch.chdir(work)
    all_cases = cases(files(tmp_path), tmp_path)
    sample = random.Random(SEED).sample(all_cases, min(len(all_cases), sized(60, len(all_cases))))
    register_commands()
    problems = []
    for args, stdin, refuse in sample:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin or ""))
        code = run(args)  # an exception escaping here is a traceback for the user
        err = capsys.readouterr().err
        errors = [line for line in err.splitlines() if line.strip() and not line.startswith(("[", "  ", "Note:"))
                  and not line.startswith(("Building", "Done", "The index"))]
        label = " ".join(a[:30] for a in args)
        if code == 2 and len(errors) != 1:
            problems.append(f"{label!r}: {len(errors)} error lines: {errors[:3]}")
        if refuse and code == 0:
            problems.append(f"{label!r}: bad input accepted")
        if code not in (0, 1, 2):
            problems.append(f"{label!r}: exit {code}")
    print(f"CLI fuzz: {len(sample)} of {len(all_cases)} cases")
    assert not problems, "\n".join(problems)
    assert not any((cli_home / name).exists() for name in ("sub", "work"))
