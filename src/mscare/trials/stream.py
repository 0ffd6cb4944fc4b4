"""Read the studies of an API v2 response one at a time, so memory stays flat whatever the file's size.

A paged response ``{"studies": [...], ...}`` is read in chunks and each study decoded on its own; the other
shapes the importer accepts (one study object, a list of studies) are small and read whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from mscare.trials.model import StudyShapeError

CHUNK = 1 << 20
SHAPE = 'expected an API v2 response {"studies": [...]} or a study object with "protocolSection"'
DECODER = json.JSONDecoder()
NOT_NUMBER = re.compile(r"[^0-9eE+.\-]")


class Reader:
    """A window on a text file: decode one JSON value at a time, keeping only what is not yet read."""

    def __init__(self, handle: IO[str]):
        self.handle, self.text, self.at, self.eof = handle, "", 0, False

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(CHUNK)
        self.eof = not chunk
        self.text, self.at = self.text[self.at:] + chunk, 0
        return bool(chunk)

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            while self.at < len(self.text) and self.text[self.at] in " \t\r\n":
                self.at += 1
            if self.at < len(self.text) or not self.more():
                return self.text[self.at:self.at + 1]

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise json.JSONDecodeError(f"expected {char!r}", self.text, self.at)
        self.at += 1

    def value(self) -> Any:
        """The next JSON value, reading more of the file until it is whole (a number: until what follows it)."""
        self.peek()
        while True:
            number = self.text[self.at:self.at + 1] in set("-0123456789")
            if self.eof or not number or NOT_NUMBER.search(self.text, self.at):
                try:
                    value, self.at = DECODER.raw_decode(self.text, self.at)
                    return value
                except json.JSONDecodeError:
                    if self.eof:
                        raise
            self.more()


def items(reader: Reader, close: str) -> Iterator[None]:
    """Step through the members of an object or array whose opening bracket was read; the caller reads each."""
    if reader.peek() == close:
        reader.at += 1
        return
    while True:
        yield None
        if reader.peek() == ",":
            reader.at += 1
            continue
        reader.take(close)
        return


class OneStudy(Exception):
    """The file holds one study object, not a paged response."""


def paged_studies(reader: Reader) -> Iterator[Any]:
    """The elements of the top-level "studies" array, one at a time; other members are read and dropped."""
    found = False
    for _ in items(reader, "}"):
        key = reader.value()
        reader.take(":")
        if key == "protocolSection" and not found:
            raise OneStudy
        if key == "studies" and reader.peek() == "[":
            found = True
            reader.at += 1
            for _ in items(reader, "]"):
                yield reader.value()
        else:
            reader.value()
    if reader.peek():
        raise json.JSONDecodeError("extra data after the response", reader.text, reader.at)
    if not found:
        raise StudyShapeError(SHAPE)


def studies_in(path: Path) -> Iterator[Any]:
    """The study objects of one response file. Raises ``OSError``, ``UnicodeDecodeError``,
    ``json.JSONDecodeError`` or ``StudyShapeError``, possibly after some studies were yielded."""
    with path.open(encoding="utf-8") as handle:
        reader = Reader(handle)
        if reader.peek() == "{":
            reader.at += 1
            try:
                yield from paged_studies(reader)
                return
            except OneStudy:
                pass
        handle.seek(0)
        raw = json.load(handle)
    if isinstance(raw, dict) and "protocolSection" in raw:
        yield raw
    elif isinstance(raw, list) and raw and all(isinstance(s, dict) and "protocolSection" in s for s in raw):
        yield from raw
    else:
        raise StudyShapeError(SHAPE)
