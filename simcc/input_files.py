"""Reading the user's input files: regular files only, and never more than a limit.

A size limit checked with ``stat()`` alone does not hold: ``/dev/zero`` has
size 0 and never ends, a named pipe (FIFO) blocks until someone writes into
it.  :func:`read_limited` opens the file without blocking, refuses anything
that is not a regular file, and reads at most ``limit + 1`` bytes, so a file
that grows while it is read is refused too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_NOT_REGULAR = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotARegularFile(ValueError):
    """The path names a directory, a device, a pipe or a socket; ``what`` says which."""

    def __init__(self, what: str) -> None:
        super().__init__(f"is {what}, not a regular file")
        self.what = what


class TooLarge(ValueError):
    """The file holds more than ``limit`` bytes; ``size`` is its size if known.

    A file that is not larger on disk but gives more bytes when read (it grew
    meanwhile) has ``size`` None.
    """

    def __init__(self, size: int | None, limit: int) -> None:
        super().__init__(f"larger than {limit} bytes")
        self.size = size
        self.limit = limit


def read_limited(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, if it holds at most ``limit`` of them.

    Raises :class:`NotARegularFile`, :class:`TooLarge`, or ``OSError`` (no such
    file, permission denied, …).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = next((text for test, text in _NOT_REGULAR if test(info.st_mode)), "special")
            raise NotARegularFile(what)
        if info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        chunks: list[bytes] = []
        read = 0
        while read <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - read))
            if not chunk:
                break
            chunks.append(chunk)
            read += len(chunk)
        if read > limit:
            raise TooLarge(None, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)
