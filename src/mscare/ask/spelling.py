"""How a word may be spelt: the keys a name heard is compared by (its sound, its consonants), the other of British
and American spelling, English prefixes and endings, two letters swapped, the spellings one slip away, and two known
words run together. Plain functions of words; which names and words are known is the caller's (``understand``)."""

from __future__ import annotations

import re
from typing import Protocol


class Vocabulary(Protocol):
    """The words the engine knows: English (cmudict) and every word of the content."""

    def known(self, words: list[str]) -> set[str]: ...

    def nearest(self, word: str) -> str | None: ...

    def uses(self, phrase: str) -> bool: ...  # the content has these words side by side


# Spellings that sound alike, for a name written as it is heard ("obagio" for Aubagio, "tisabri" for Tysabri)
SOUNDS = [("ph", "f"), ("au", "o"), ("ou", "u"), ("ck", "k"), ("qu", "kw"), ("x", "ks"), ("y", "i"), ("z", "s"),
          ("ee", "i"), ("c", "k")]
SOUND_MIN = 5  # a name's sound is only compared from this many letters on
SKELETON_MIN = 8  # and its consonants alone from this many


def sound(word: str) -> str:
    """A spelling's sound: the letters that sound alike made the same, double letters single, a final "e" dropped."""
    for a, b in SOUNDS:
        word = word.replace(a, b)
    word = re.sub(r"(.)\1+", r"\1", word)
    return word[:-1] if word.endswith("e") and len(word) > SOUND_MIN else word


def skeleton(word: str) -> str:
    """A long name's consonants in order, its first letter kept: vowels are what a name heard is most often
    written with wrongly ("ritoxymab" for rituximab)."""
    return word[:1] + re.sub(r"[aeiouy]", "", word[1:])


BRITISH_AMERICAN = [("oe", "e"), ("ae", "e"), ("our", "or"), ("ise", "ize"), ("isation", "ization"), ("yse", "yze"),
                    ("tre", "ter"), ("ll", "l")]


def transposed(word: str) -> list[str]:
    """The word with two neighbouring letters swapped back ("steriods" -> "steroids")."""
    return [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1) if word[i] != word[i + 1]]


def one_edit(word: str) -> set[str]:
    """Every spelling one change from the word: a letter left out, added, changed, or two neighbours swapped
    ("sucidal" -> "suicidal", "fevr" -> "fever", "memery" -> "memory", "myslef" -> "myself")."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    left_out = {a + b[1:] for a, b in splits if b}
    changed = {a + c + b[1:] for a, b in splits if b for c in letters}
    added = {a + c + b for a, b in splits for c in letters}
    return left_out | changed | added | set(transposed(word))


VOWELS = set("aeiouy")
SOUND_ALIKE = {frozenset(pair) for pair in SOUNDS if all(len(letter) == 1 for letter in pair)}  # "z" for "s"


def consonant_swapped(word: str, other: str) -> bool:
    """The two differ in one consonant put for another: more often two real words ("gargled", "garbled") than a
    slip of the keys, which drops, doubles, swaps or mistakes a vowel ("memery", "fevr", "myslef"), doubles the
    letter before ("nummness") or writes a sound alike ("confuzed")."""
    if len(word) != len(other):
        return False
    at = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
    if len(at) != 1:
        return False
    i = at[0]
    pair = frozenset((word[i], other[i]))
    return not VOWELS & pair and pair not in SOUND_ALIKE and word[i] != word[i - 1:i]


def other_spellings(word: str) -> list[str]:
    """The word in the other of British and American spelling ("oedema" -> "edema", "tumour" -> "tumor")."""
    return [word.replace(a, b) for a, b in BRITISH_AMERICAN if a in word] + \
        [word.replace(b, a) for a, b in BRITISH_AMERICAN if b in word and len(b) > 1]


PREFIXES = ("un", "non", "dis", "mis", "re", "pre", "over", "under", "anti", "self")
SUFFIXES = (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", ""), ("ness", ""),
            ("ising", "ize"), ("ised", "ize"), ("ise", "ize"), ("ier", "y"), ("iest", "y"), ("er", ""), ("est", ""))
WORD_END = 5  # a known word this long ending an unknown one names its kind ("norovirus", "seroconverted")


def english_forms(word: str) -> list[str]:
    """The word without an English prefix or ending ("unmotivated" -> "motivated", "hubbys" -> "hubby"): an English
    word in another form is not a drug name."""
    bases = [word[len(p):] for p in PREFIXES if word.startswith(p) and len(word) - len(p) >= 4]
    bases += [word[:-len(end)] + new for end, new in SUFFIXES if word.endswith(end) and len(word) - len(end) >= 4]
    return bases + [b[:-len(end)] + new for b in bases for end, new in SUFFIXES
                    if b.endswith(end) and len(b) - len(end) >= 4]


def is_compound(word: str, vocabulary: Vocabulary) -> bool:
    """Two known words run together ("bloodwork", "painkillers"), or a word ending in a known word of five letters
    or more ("norovirus", "papilloedema"), are not a drug name."""
    splits = [(word[:i], word[i:]) for i in range(3, len(word) - 2)]
    end_forms = [[b, b.rstrip("s"), *other_spellings(b)] for _, b in splits if len(b) >= WORD_END]
    known = vocabulary.known([part for pair in splits for part in pair] + [f for forms in end_forms for f in forms])
    return any(a in known and (b in known or b.rstrip("s") in known) for a, b in splits) or any(
        f in known for forms in end_forms for f in forms)
