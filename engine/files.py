"""Writing files so that a failed write never destroys the file that was there: a temporary file in the same
folder, renamed over the target (os.replace, atomic on POSIX and Windows) only once everything is written.

What it does: atomic_write(path, mode) is a context manager yielding an open file; on any exception inside
the block the temporary file is removed and the existing file at `path` (if any) is left untouched.
read_bytes(path) reads a whole file, raising FileProblem (an OSError and a ValueError) that names the path and
says what is wrong (missing, a directory, not readable), as the engine's other bad inputs are ValueErrors.
What it does not do: decide what to write, or lock against two writers (the last rename wins, whole).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "v.txt")
    >>> with atomic_write(p, "w") as f:
    ...     _ = f.write("kept")
    >>> try:
    ...     with atomic_write(p, "w") as f:
    ...         _ = f.write("half")
    ...         raise UnicodeEncodeError("utf-8", "x", 0, 1, "surrogates not allowed")
    ... except UnicodeEncodeError:
    ...     pass
    >>> open(p).read()
    'kept'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

_UMASK = os.umask(0o022)       # read once at import (os.umask can only be read by setting it), then put back
os.umask(_UMASK)


class FileProblem(OSError, ValueError):
    """A file that cannot be read: an OSError (as open() raises) and a ValueError (as every bad input here)."""


def read_bytes(path) -> bytes:
    """The bytes of the file at path, or FileProblem naming it: read_bytes("nope.txt") -> 'nope.txt does not exist'."""
    if path is None or not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"path={path!r} is not a file path: give the path of a file (str or pathlib.Path)")
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FileProblem(f"{path} does not exist") from None
    except IsADirectoryError:
        raise FileProblem(f"{path} is a directory, not a file: give one file") from None
    except PermissionError:
        raise FileProblem(f"{path} cannot be read (permission denied)") from None


@contextlib.contextmanager
def atomic_write(path, mode: str = "wb", encoding: str = "utf-8"):
    """Open a temporary file next to `path` for writing ("w" or "wb"); rename it to `path` when the block ends
    without an exception, else delete it (the old file stays as it was)."""
    if mode not in ("w", "wb"):
        raise ValueError(f"mode={mode!r} is not allowed: atomic_write writes whole files, mode must be 'w' or 'wb'")
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": encoding, "newline": ""})) as f:
            yield f
        os.chmod(tmp, 0o666 & ~_UMASK)        # mkstemp makes 0600; a written file gets the usual permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
