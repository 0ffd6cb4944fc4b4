"""Write content/lexicon/common_words.txt: everyday English words by how common they are.

The ask engine counts a question's everyday words ("evenings", "bit", "best") for less than its subject words
when it decides whether the content answers the question. Run once with the `wordfreq` package installed
(`pip install wordfreq`); the output is committed, so the app needs neither the package nor a network.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from wordfreq import top_n_list, zipf_frequency  # type: ignore[import-not-found]

MIN_ZIPF = 3.5  # about 3 uses in a million words; rarer words are not "everyday"
OUT = Path(__file__).resolve().parents[1] / "src" / "mscare" / "content" / "lexicon" / "common_words.txt"
HEADER = """\
# Everyday English words by frequency band: each line is a Zipf value (log10 of uses per billion words, rounded
# down to a half) and the words in that band. The ask engine counts these words for less than a question's
# subject words (scripts/make_common_words.py). Data: wordfreq 3 by Robyn Speer (https://github.com/rspeer/wordfreq),
# word frequencies licensed CC BY-SA 4.0; this derived list is shared under the same licence.
"""


def main() -> None:
    bands: dict[float, list[str]] = defaultdict(list)
    for word in top_n_list("en", 60000):
        if not (word.isascii() and word.isalpha()):
            continue
        zipf = zipf_frequency(word, "en")
        if zipf >= MIN_ZIPF:
            bands[int(zipf * 2) / 2].append(word)
    lines = [f"{band:.1f} {' '.join(sorted(words))}" for band, words in sorted(bands.items(), reverse=True)]
    OUT.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    sys.stderr.write(f"{OUT}: {sum(len(w) for w in bands.values())} words\n")


if __name__ == "__main__":
    main()
