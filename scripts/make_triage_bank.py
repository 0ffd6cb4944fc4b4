"""Rebuild the triage look-alike bank: ``content/lexicon/triage_bank.jsonl`` and its vectors.

Red-flag examples are the urgent questions of the tuning sets (never the test splits), each labelled with the
red flags the triage rules raise for it (an example the rules raise nothing for is left out); calm examples are
the tuning sets' other questions and the written section and aspect example questions. The vectors
(``models/triage_bank.npz``) are the shipped encoder's, keyed by the bank file and the model, so ``mscare
check`` can tell a stale pair.

    python scripts/make_triage_bank.py
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from mscare.ask.encoder import default_encoder
from mscare.ask.lexicon import load_lexicon
from mscare.ask.lookalike import BANK_FILE, save_vectors
from mscare.ask.sections import written_examples
from mscare.ask.triage import rule_flags
from mscare.ask.understand import understand
from mscare.catalogue import default_catalogue
from mscare.content import content_dir

EVAL = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "eval"
# The red flag an example of each triage-set concept calls for, when the rules raise none for it.
CONCEPT_FLAG = {"vision": "vision-loss", "weakness": "new-weakness", "numbness": "new-weakness",
                "fever": "fever-weakness", "pml": "pml", "allergy": "anaphylaxis", "stroke": "stroke",
                "selfharm": "suicide"}
TUNING = ["triage_dev", "triage_calm_dev", "declines_dev", "qa_fresh_dev", "qa_consumer_dev", "qa_extra", "qa_dev"]


def main() -> None:
    lexicon, catalogue = load_lexicon(), default_catalogue()
    rows: dict[str, list[str]] = {}
    for name in TUNING:
        for line in (EVAL / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            text = item["question"]
            if not item["urgent"]:
                rows.setdefault(text, [])
                continue
            flags = [f.id for f in rule_flags(understand(text, catalogue=catalogue, lexicon=lexicon), lexicon)]
            flags = flags or ([CONCEPT_FLAG[item["concept"]]] if item.get("concept") in CONCEPT_FLAG else [])
            if flags:
                rows[text] = flags
    for examples in written_examples().values():
        for text in examples:
            rows.setdefault(text, [])
    aspects = yaml.safe_load((content_dir() / "lexicon" / "aspects.yaml").read_text(encoding="utf-8"))
    for aspect in aspects["aspects"]:
        for text in aspect.get("examples", []):
            rows.setdefault(text.replace("X", "my medicine"), [])
    path = content_dir() / "lexicon" / BANK_FILE
    path.write_text("".join(json.dumps({"text": t, "flags": f}) + "\n" for t, f in rows.items()), encoding="utf-8")
    vectors = default_encoder().embed(list(rows))
    save_vectors(vectors)
    red = sum(1 for f in rows.values() if f)
    print(f"{len(rows)} examples ({red} red flags, {len(rows) - red} calm) -> {path}")  # noqa: T201 - a script reports what it wrote


if __name__ == "__main__":
    main()
