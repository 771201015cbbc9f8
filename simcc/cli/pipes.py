"""A reader that stops reading: ``simcc run FILE --out DIR | head`` still writes DIR.

When whatever reads the program's standard output (or error) exits early —
``head``, ``less`` quit before the end — the next write fails with a broken
pipe.  Click then exits 1 without a word, before the command has written its
output set, so every result computed so far was lost.  Instead, from the first
broken pipe the stream's text is dropped (the descriptor now points at
``/dev/null``) and the command goes on to write its files and exit as it would
have.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO


class DroppedWhenReaderGone:
    """A text stream that drops its text once its reader has gone (a broken pipe)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop()

    def _drop(self) -> None:
        # what is still buffered, and the interpreter's flush at exit, go to /dev/null
        self.reader_gone = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self._stream.fileno())
        finally:
            os.close(devnull)

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding…: the stream's
        return getattr(self._stream, name)


def tolerate_readers_leaving() -> None:
    """Standard output and error, from now on, drop their text if their reader goes."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, DroppedWhenReaderGone):
            setattr(sys, name, DroppedWhenReaderGone(stream))
