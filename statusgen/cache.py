"""A cache of parsed append-only files, so that a build reads each line once, not on every build.

It knows nothing of what it caches: a reader hands it a file's bytes and the parser that turns
bytes into columns (``recorded.py`` does so for probe history). Such files only grow: a probe run
appends one line to each component's month file. An entry
remembers how many bytes of a file were parsed and their SHA-256, with what they parsed to. When
those bytes are still the start of the file, only the lines after them are parsed; when they are
not (the file was edited, shortened or replaced), the whole file is parsed again. The key is the
content, never a modification time, so a fresh checkout of the same files hits the cache.

A file whose parse gave a warning is never stored, so its warning is given on every build, and so
is one whose last line is unfinished. An entry that cannot be read is a miss. Nothing here
affects what a build outputs: only how fast it gets there. ``generate.py build --no-cache``
proves it in the tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .parallel import WorkerFailed, shared
from .problems import Problems

VERSION = 2  # of the entries: raise it when their format or the reading of a line changes (an old entry is then a miss)
FOLDER = Path(".cache") / "statusgen"  # under the folder of status.yml


STORE_LINES = 288  # lines parsed after an entry from which it is written again: a day of 5-minute samples

# A parser's product, one list per field, and a parser: (bytes, lines before them, path shown, problems) → columns.
Columns = list[list[Any]]
Parse = Callable[[bytes, int, str, Problems], Columns]


class ParseCache:
    """Parsed files under ``folder``; ``parsed`` counts the lines parsed (the work done, for the tests)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.parsed = 0

    def columns(self, path: Path, kind: str, data: bytes, parse: Parse, problems: Problems, shown: str) -> Columns:
        """What ``parse`` makes of ``data``, the bytes of ``path``, as columns; only the bytes after those the
        entry of ``(path, kind)`` covers are parsed. ``kind`` tells apart two readings of one file."""
        entry = self._entry(path, kind)
        columns: Columns | None = None
        start, lines = 0, 0  # bytes and lines already parsed
        if entry is not None:
            size, digest, counted, cached = entry
            if size <= len(data) and hashlib.sha256(memoryview(data)[:size]).hexdigest() == digest:
                columns, start, lines = cached, size, counted
        if columns is not None and start == len(data):
            return columns
        found = Problems()
        tail = parse(data[start:], lines, shown, found)
        self.parsed += len(tail[0])
        problems.items += found.items
        fresh = columns is None
        columns = [old + new for old, new in zip(columns, tail, strict=True)] if columns is not None else tail
        # A probe run adds a line to a month's file: the entry is written again once lines have gathered, not
        # after each (writing a month's columns costs more than parsing a day's lines after them).
        worth = fresh or len(tail[0]) >= STORE_LINES
        if worth and not found.items and (not data or data.endswith(b"\n")):
            self._store(
                path, kind, (len(data), hashlib.sha256(data).hexdigest(), lines + data.count(b"\n", start), columns)
            )
        return columns

    def _name(self, path: Path, kind: str) -> Path:
        key = hashlib.sha256(kind.encode() + b"\0" + os.fsencode(path.resolve())).hexdigest()[:32]
        return self.folder / "history" / f"{key}.bin"

    def _entry(self, path: Path, kind: str) -> tuple[int, str, int, Columns] | None:
        try:
            data = memoryview(self._name(path, kind).read_bytes())
            length = int.from_bytes(data[:4], "big")
            version, size, digest, lines = marshal.loads(data[4 : 4 + length])
            columns = marshal.loads(data[4 + length :]) if version == VERSION else None
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not isinstance(columns, list):
            return None
        return size, digest, lines, columns

    def holds(self, path: Path, kind: str, data: bytes) -> bool:
        """Whether the entry of ``(path, kind)`` covers the start of ``data``, the file as it is now (reading only
        the entry's header)."""
        try:
            with self._name(path, kind).open("rb") as stream:
                version, size, digest, _ = marshal.loads(stream.read(int.from_bytes(stream.read(4), "big")))
        except (OSError, EOFError, ValueError, TypeError):
            return False
        if version != VERSION or size > len(data):
            return False
        return bool(hashlib.sha256(memoryview(data)[:size]).hexdigest() == digest)

    def _store(self, path: Path, kind: str, entry: tuple[int, str, int, Columns]) -> None:
        """Write an entry atomically: a reader sees the old one or the new one. A cache that cannot be
        written is skipped."""
        target = self._name(path, kind)
        size, digest, lines, columns = entry
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".entry-", dir=target.parent)
            try:
                header = marshal.dumps((VERSION, size, digest, lines))  # read alone by holds()
                with os.fdopen(handle, "wb") as stream:
                    stream.write(len(header).to_bytes(4, "big") + header + marshal.dumps(columns))
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise


def folder_digest(folder: Path, pattern: str = "*") -> bytes:
    """A digest of the files under ``folder`` whose names match ``pattern``: their names and bytes."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(f"{path.relative_to(folder)}\0".encode() + path.read_bytes())
    return digest.digest()


def code_digest() -> bytes:
    """A digest of the generator's own code: what it works out changes with it."""
    return folder_digest(Path(__file__).resolve().parent, "*.py")


class FiguresCache:
    """Plain data by component and key (figures.Memo), a file a component under ``folder``/figures: what a
    component's history adds up to before the current month (figures.Before). A key other than the one
    stored, or an entry that cannot be read, is a miss; one that cannot be written is skipped."""

    def __init__(self, folder: Path, salt: bytes | None = None):
        self.folder = folder / "figures"
        self.salt = code_digest() if salt is None else salt

    def _name(self, component_id: str) -> Path:
        return self.folder / f"{hashlib.sha256(component_id.encode()).hexdigest()[:32]}.bin"

    def get(self, component_id: str, key: str) -> object | None:
        found = self.stored(component_id)
        return found[1] if found is not None and found[0] == key else None

    def stored(self, component_id: str) -> tuple[str, object] | None:
        """The key and value kept for ``component_id``, whatever the key; None without one of this version."""
        try:
            version, stored, value = marshal.loads(self._name(component_id).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        return (stored, value) if version == VERSION and isinstance(stored, str) else None

    def put(self, component_id: str, key: str, value: object) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.folder.mkdir(parents=True, exist_ok=True)
            data = marshal.dumps((VERSION, key, value))  # type: ignore[arg-type]  # plain data, said Memo
            handle, temporary = tempfile.mkstemp(prefix=".entry-", dir=self.folder)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                os.replace(temporary, self._name(component_id))
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise


def warm(tasks: Sequence[Callable[[], object]], processes: int) -> None:
    """Run ``tasks`` (each parses some files into the cache) in forked workers, this process taking a share.

    Only the cache is their product: the caller then reads it. A worker that fails costs only
    speed, as the caller parses what the cache lacks.
    """
    with contextlib.suppress(WorkerFailed):
        shared(_run_all, tasks, processes)


def _run_all(tasks: Sequence[Callable[[], object]]) -> None:
    for task in tasks:
        task()
