"""Writing the site, probe history and incident files. The only module that writes files.

The new site is written into a temporary folder next to the output folder and
then swapped into place, so a build that fails leaves the last good site as it
was, and readers never see half a site. Where the system can (Linux), the two
folders are exchanged in one step, so even a build killed at any instant leaves
the old site or the new one in place; the next build clears what it left behind.
With the build's cache, the site a swap retires is kept there (the spare), not removed
file by file, and the next build writes its site over it (see write_site).

On Windows (no ``fcntl``, no ``renameat2``) the lock is a byte lock on a file beside
the output folder, and the swap is two renames: a build killed between them leaves
no output folder, and the next build puts the old site back before anything else.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .history import (
    BANDWIDTH_HEADER,
    COMPACTED,
    COMPACTED_HEADER,
    DAILY,
    DAILY_HEADER,
    HEADER,
    RUNS,
    RUNS_HEADER,
    SKIPPED,
    bandwidth_file,
)
from .model import BandwidthSample, ProbeSample, Run
from .parallel import dealt

try:
    import fcntl
except ImportError:  # Windows: the build lock is taken with msvcrt instead (see _locked)
    fcntl = None  # type: ignore[assignment]

# Every build writes this file. A non-empty folder without it is not ours to replace.
MARKER = "api/v1/build.json"
GENERATOR = "statusgen"
# Kept from the old output folder when the build does not make them: a gh-pages
# checkout's repository and the files GitHub Pages reads.
KEPT = (".git", "CNAME", ".nojekyll")


class UnsafeOutput(Exception):
    """The output folder is a source folder, or holds something that is not a built site."""


def marker(built_at: str, version: str) -> bytes:
    """The content of MARKER: what made the site and for which moment."""
    document = {"generator": GENERATOR, "version": version, "built_at": built_at}
    return (json.dumps(document, sort_keys=True) + "\n").encode()


def check_output(out: Path, protected: Iterable[Path]) -> None:
    """Refuse an output folder that is, holds or sits inside a source folder, or is not a built site."""
    target = out.resolve()
    for path in protected:
        path = path.resolve()
        if target == path or target in path.parents:
            raise UnsafeOutput(f"--out {out} would replace {path}: choose a separate folder such as 'site'")
        if path in target.parents and path.name in ("incidents", "templates", "statusgen"):
            raise UnsafeOutput(f"--out {out} is inside {path}: choose a separate folder such as 'site'")
    if target.exists() and not target.is_dir():
        raise UnsafeOutput(f"--out {out} is a file, not a folder: choose a folder such as 'site'")
    if target.is_dir() and any(p.name not in KEPT for p in target.iterdir()) and not _is_built_site(target):
        raise UnsafeOutput(
            f"--out {out} is not empty and is not a site this generator built (no {MARKER}): "
            "choose an empty folder or remove it first"
        )


def _is_built_site(folder: Path) -> bool:
    try:
        return bool(json.loads((folder / MARKER).read_text(encoding="utf-8")).get("generator") == GENERATOR)
    except (OSError, ValueError, AttributeError):
        return False


# Makes some files of the site: (relative path, content), or (relative path, content, key) for a page whose
# inputs have a key (render.page_key); content None keeps the old site's file, which Reuse found to stand.
Made = tuple[str, bytes] | tuple[str, bytes | None, str | None]
Job = Callable[[], Iterable[Made]]


@dataclass(frozen=True)
class Reuse:
    """The settled pages of the last build into ``folder`` (the output folder), each with the key of its
    inputs and the size and modification time of its file then: a page whose key is the same, in a file
    that is still as it was written, is kept rather than made again."""

    folder: Path
    pages: dict[str, tuple[str, int, int]]

    def kept(self, relative: str, key: str) -> bool:
        entry = self.pages.get(relative)
        if entry is None or entry[0] != key:
            return False
        try:
            found = os.stat(self.folder / relative)
        except OSError:
            return False
        return (found.st_size, found.st_mtime_ns) == entry[1:]


PAGES = "pages.json"  # in the cache folder: the key of each settled page of the last build, and its file's


def read_reuse(cache: Path, out: Path) -> Reuse | None:
    """What the last build into ``out`` left to reuse (see Reuse), or None: no record, one of another
    output folder or version, or an output folder that is not a built site."""
    folder = out.resolve()
    try:
        record = json.loads((cache / PAGES).read_text(encoding="utf-8"))
        if record.get("format") != 1 or record.get("out") != str(folder) or not _is_built_site(folder):
            return None
        pages = {str(path): (str(key), int(size), int(mtime)) for path, (key, size, mtime) in record["pages"].items()}
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return None
    return Reuse(folder, pages)


def write_reuse(cache: Path, out: Path, keys: Mapping[str, str]) -> None:
    """Record the key of each page in ``keys`` with its file as the build left it in ``out`` (see Reuse).
    A cache that cannot be written costs the next build the pages, nothing else."""
    folder = out.resolve()
    pages = {}
    for relative in sorted(keys):
        with contextlib.suppress(OSError):
            found = os.stat(folder / relative)
            pages[relative] = [keys[relative], found.st_size, found.st_mtime_ns]
    remember(cache, PAGES, {"format": 1, "out": str(folder), "pages": pages})


def remember(cache: Path, name: str, document: object) -> None:
    """Keep ``document`` as the JSON file ``name`` of the cache folder, replaced whole in one step. What the
    cache keeps saves work and never changes a result: one that cannot be written is left unwritten."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    with contextlib.suppress(OSError):
        cache.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=cache)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, cache / name)


def write_site(
    out: Path,
    files: Mapping[str, bytes] | Sequence[Job],
    processes: int = 1,
    finish: Callable[[list[str]], Mapping[str, bytes]] | None = None,
    keys: dict[str, str] | None = None,
    spare: Path | None = None,
) -> list[str]:
    """Write the site as the whole of ``out``, atomically swapped in; returns the paths written.

    ``files`` maps relative paths to content, or is a list of jobs that make them. With more
    than one process, the jobs are shared out among forked workers that write as they go, so
    the site is never held in memory whole. ``finish`` makes the last files (a sitemap) from
    the paths the jobs wrote. A file whose bytes are unchanged is linked to the old one rather
    than written again, which keeps its modification time. Entries named in KEPT that the
    build does not make are moved over from the old folder. ``keys`` gets the key of each page made with one.

    ``spare`` (a folder of the build's own cache, on the file system of ``out``) keeps the site the swap
    retires, and the next build writes its site over it: only the files that changed are written again, and
    what it no longer makes is removed, where otherwise every folder and link of the new site is made afresh and
    every one of the old removed (at 600 LPSEs, some 22,000 folders and 34,000 files each time).
    """
    jobs: Sequence[Job] = [lambda: sorted(files.items())] if isinstance(files, Mapping) else files
    out = out.resolve()  # through a symlink: replace the folder it points to, keep the link
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        recover(out)
        return _write(out, jobs, processes, finish, {} if keys is None else keys, spare)


def _write(
    out: Path,
    jobs: Sequence[Job],
    processes: int,
    finish: Callable[[list[str]], Mapping[str, bytes]] | None,
    keys: dict[str, str],
    spare: Path | None = None,
) -> list[str]:
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    recycled = spare is not None and _take(spare, staging)
    try:
        writer = _Writer(staging, out if _is_built_site(out) else None, recycled)
        # Jobs differ in size (a page of one incident, a province's SLA page): each is taken by the next process free.
        made = [item for done in dealt(partial(_run_job, writer=writer), jobs, processes) for item in done]
        written = [path for path, _ in made]
        keys.update((path, key) for path, key in made if key is not None)
        if finish is not None:
            last = finish(sorted(written))
            for relative, content in sorted(last.items()):
                writer.put(relative, content)
            written += list(last)
        if recycled:
            _sweep(staging, written)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; Pages and local servers must read it
    except BaseException:
        _remove(staging)
        raise
    if out.exists():
        _swap(out, staging, spare)
    else:
        _rename(staging, out)
    return sorted(written)


def _take(spare: Path, staging: Path) -> bool:
    """Put the spare site (see write_site) in the place of ``staging``, an empty folder just made, to be written
    over; False without one, or where it cannot be moved there (it is then removed)."""
    if not spare.is_dir() or spare.is_symlink():
        return False
    try:
        staging.rmdir()
        os.rename(spare, staging)
        return True
    except OSError:
        staging.mkdir(exist_ok=True)
        _remove(spare)
        return False


def _sweep(staging: Path, written: list[str]) -> None:
    """Remove from a site written over the spare what this build did not write: the files of pages that are no
    more (and the kept files, which the swap copies afresh), links, and the folders left without a file."""
    files = set(written)
    folders = {path.rsplit("/", n)[0] for path in written for n in range(1, path.count("/") + 1)}

    def swept(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if name in folders:
                        swept(entry.path, name + "/")
                    else:
                        _remove(Path(entry.path))
                elif name not in files or entry.is_symlink():
                    os.unlink(entry.path)

    swept(str(staging), "")


def _clear(path: Path) -> None:
    """Remove what is at ``path``, if anything: a file, a link (never followed) or a folder (of the spare site,
    where a file of this one goes)."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):
        if not path.is_dir() or path.is_symlink():
            raise
        _remove(path)


def _same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file, a hard link of the other; a link at ``second`` is never followed."""
    try:
        one, other = os.stat(first), os.stat(second, follow_symlinks=False)
    except OSError:
        return False
    return (one.st_ino, one.st_dev) == (other.st_ino, other.st_dev)


class _Writer:
    """Puts files into the staging folder; one whose bytes match the old site's is hard-linked to it."""

    def __init__(self, staging: Path, old: Path | None, recycled: bool = False):
        self.staging = staging
        self.old = old
        self.recycled = recycled  # staging holds the spare site, written over (see write_site)
        self.folders: set[Path] = set()
        self.checked: set[Path] = set()  # folders of the spare site found not to be links
        self.linked = 0

    def put(self, relative: str, content: bytes | None) -> None:
        """Write ``content`` at ``relative``; None keeps the old site's file there (Reuse found it stands).

        Never into a file that is there already (written twice, or the spare site's): it may be a link to the
        live site's copy. It is removed, and the new file made in its place."""
        target = self.staging / relative
        folder = target.parent
        if folder not in self.folders:
            self._folder(folder)
            self.folders.add(folder)
        if content is None:
            if self.old is None:
                raise ValueError(f"{relative}: no old site to keep it from")
            try:
                self._link(self.old / relative, target)
            except OSError:
                _clear(target)
                shutil.copy2(self.old / relative, target)  # a file system without hard links; keeps its time
            self.linked += 1
            return
        if self.old is not None and self._same(self.old / relative, content):
            try:
                self._link(self.old / relative, target)
                self.linked += 1
                return
            except OSError:
                pass  # a file system without hard links: write it
        _clear(target)
        target.write_bytes(content)

    def _link(self, source: Path, target: Path) -> None:
        """Make ``target`` a hard link of ``source``: in the spare site, it already is one where the file did not
        change since the build before last."""
        if self.recycled and _same_file(source, target):
            return
        try:
            os.link(source, target)
        except FileExistsError:
            _clear(target)
            os.link(source, target)

    def _folder(self, folder: Path) -> None:
        """Make ``folder``; in the spare site, a link or a file where it or a folder above it goes is removed
        first, so that nothing is written through a link to somewhere else."""
        if self.recycled:
            above = self.staging
            # Each folder from the staging folder's down to this one, looked at once a build (most are
            # shared: components/, components/<id>/, ...).
            for part in folder.relative_to(self.staging).parts if folder.is_relative_to(self.staging) else ():
                above = above / part
                if above not in self.checked:
                    if above.is_symlink():
                        _clear(above)
                    self.checked.add(above)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            if not self.recycled:
                raise
            for above in reversed([folder, *folder.parents]):
                if self.staging in above.parents and (above.is_symlink() or above.is_file()):
                    _clear(above)
            folder.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def _same(path: Path, content: bytes) -> bool:
        try:
            if path.stat().st_size != len(content):
                return False
            return path.read_bytes() == content
        except OSError:
            return False


def _run_job(job: Job, writer: _Writer) -> list[tuple[str, str | None]]:
    """Run a job, writing what it makes; returns the paths written, each with its key or None."""
    written = []
    for made in job():
        writer.put(made[0], made[1])
        written.append((made[0], made[2] if len(made) > 2 else None))
    return written


LOCK_POLL = 0.1  # seconds between tries for the Windows build lock


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold the build lock of ``out``: two builds into it take turns.

    With ``fcntl`` (Linux, macOS), an exclusive flock on the output's parent folder. Without (Windows),
    a byte lock (msvcrt) on ``.<out>.lock`` beside the output folder: see _byte_locked.
    """
    if fcntl is None:
        with _byte_locked(out.parent / f".{out.name}.lock"):
            yield
        return
    with _folder_locked(out.parent):
        yield


@contextmanager
def taking_turns(folder: Path) -> Iterator[None]:
    """Hold the lock of ``folder`` (made if missing): two runs that write in it, such as two ``notify`` runs
    reading and adding to its record, take turns. As the build lock: a flock on the folder, or on Windows a
    byte lock on ``.lock`` in it."""
    folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        with _byte_locked(folder / ".lock"):
            yield
        return
    with _folder_locked(folder):
        yield


def check_writable(folder: Path) -> None:
    """Raise OSError unless a file can be made in ``folder``; nothing is left behind."""
    with tempfile.TemporaryFile(dir=folder):
        pass


@contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive flock on ``folder`` (the output's parent): two builds into it take turns.

    Where the folder cannot be locked (a network file system, a folder that cannot be opened for
    reading) the build goes on without: one build at a time is then the user's to arrange, as it
    was before the lock.
    """
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError as exc:
            if exc.errno not in (errno.EBADF, errno.ENOLCK, errno.EOPNOTSUPP, errno.EACCES, errno.EPERM):
                raise
        yield
    finally:
        os.close(handle)  # releases the lock


@contextmanager
def _byte_locked(path: Path) -> Iterator[None]:
    """Hold a lock on the first byte of ``path`` (msvcrt.locking, Windows), waiting while another build holds it.

    The file is made if missing and left in place: removing it on release would let a third build lock a
    new file while a second still waits on the old one. Windows releases the lock of a process that dies.
    Where there is no msvcrt, or the file cannot be made or locked (a network drive without locks),
    the build goes on without, as with flock.
    """
    try:
        msvcrt = importlib.import_module("msvcrt")
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)
        handle = os.open(path, flags, 0o644)
    except (ImportError, OSError):
        yield
        return
    try:
        held = False
        while True:
            os.lseek(handle, 0, os.SEEK_SET)  # msvcrt locks from the current position
            try:
                msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
                held = True
                break
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EDEADLK):
                    break  # this file system has no locks: go on without
            time.sleep(LOCK_POLL)
        try:
            yield
        finally:
            if held:
                with contextlib.suppress(OSError):
                    os.lseek(handle, 0, os.SEEK_SET)
                    msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)
    finally:
        os.close(handle)


def leftovers(out: Path) -> list[Path]:
    """The staging and retired folders a killed build left beside ``out``."""
    found = [*out.parent.glob(f".{out.name}.new-*"), *out.parent.glob(f".{out.name}.old-*")]
    return sorted(path for path in found if path.is_dir() and not path.is_symlink())


def recover(out: Path) -> None:
    """Undo what a build killed while swapping left behind; called with the lock held.

    A build killed between the two renames of the fallback swap leaves no ``out`` and the old
    site retired: it goes back. Kept entries (a ``.git`` folder) still in a leftover go back to
    ``out`` if it lacks them. Then the leftovers are removed.
    """
    found = leftovers(out)
    retired = [path for path in found if path.name.startswith(f".{out.name}.old-") and _is_built_site(path)]
    if retired and out.is_dir() and not out.is_symlink() and not any(out.iterdir()):
        out.rmdir()  # an empty folder made in its place since (by `serve`, say) is not a site to keep
    if retired and not out.exists():
        _rename(retired[0], out)
        found.remove(retired[0])
    for folder in found:
        for name in KEPT:
            kept = folder / name
            if out.is_dir() and (kept.exists() or kept.is_symlink()) and not (out / name).exists():
                _rename(kept, out / name)
        _remove(folder)


def _swap(out: Path, staging: Path, spare: Path | None = None) -> None:
    """Replace ``out`` by ``staging``; on any failure, leave ``out`` as it was.

    Kept files (CNAME, .nojekyll) are linked into the new site first. On Linux the folders are then
    exchanged in one step; elsewhere ``out`` is renamed aside and ``staging`` into its place. Kept
    folders (``.git``) move over last: a build killed before they do leaves them in a leftover,
    and the next build's ``recover`` moves them.
    """
    moving: list[str] = []
    for name in KEPT:
        kept = out / name
        if (kept.exists() or kept.is_symlink()) and not (staging / name).exists():
            if kept.is_file() and not kept.is_symlink():
                shutil.copy2(kept, staging / name)
            else:
                moving.append(name)
    try:
        exchanged = _exchange(out, staging)
    except BaseException:
        _remove(staging)
        raise
    if exchanged:
        retired = staging  # now holding the old site
    else:
        retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        retired.rmdir()
        try:
            _rename(out, retired)
            _rename(staging, out)
        except BaseException:
            if retired.exists() and not out.exists():
                _rename(retired, out)  # put the last good site back
            _remove(staging)
            raise
    for name in moving:
        _rename(retired / name, out / name)
    _retire(retired, spare)


def _retire(folder: Path, spare: Path | None) -> None:
    """Keep the retired site as the spare the next build writes over (see write_site); without a spare, or where
    it cannot be moved there, remove it. What cannot be removed now (a file held open on Windows), the next
    build's recover removes."""
    if spare is not None:
        with contextlib.suppress(OSError):
            _clear(spare)
            spare.parent.mkdir(parents=True, exist_ok=True)
            os.rename(folder, spare)
            return
    _remove(folder)


# On Windows a folder cannot be renamed while a file in it is open, even for a moment (a virus scanner,
# the search indexer, the preview server answering a request): a refused rename is tried again a while.
RENAME_TRIES = 40 if os.name == "nt" else 1
RENAME_PAUSE = 0.05  # seconds: two seconds in all


def _rename(source: Path, target: Path) -> None:
    """``source.rename(target)``; on Windows tried again for up to two seconds while access is refused."""
    for attempt in range(RENAME_TRIES):
        try:
            source.rename(target)
            return
        except PermissionError:
            if attempt + 1 >= RENAME_TRIES:
                raise
            time.sleep(RENAME_PAUSE)


def _remove(folder: Path) -> None:
    """Remove ``folder`` and all in it, as far as can be; never raises.

    Windows refuses to delete a read-only file (Git makes its objects so): such a file is made
    writable and tried again. What still cannot be removed is left for the next build's ``recover``.
    """

    def writable(function: Callable[[str], object], path: str, _: object) -> None:
        with contextlib.suppress(OSError):
            os.chmod(path, stat.S_IREAD | stat.S_IWRITE)
            function(path)

    shutil.rmtree(folder, onerror=writable)


RENAME_EXCHANGE = 2  # linux/fs.h
AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 with RENAME_EXCHANGE).

    Returns False where the C library or the file system cannot (Windows, macOS), so the caller falls back.
    """
    try:
        import ctypes

        # Windows: CDLL(None) raises TypeError; a C library without renameat2: AttributeError.
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (ImportError, AttributeError, OSError, TypeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):  # EPERM: a seccomp filter that knows it not
        return False
    raise OSError(code, os.strerror(code), str(first))


def append_lines(path: Path, header: tuple[str, ...], lines: Iterable[str]) -> None:
    """Append whole lines to a CSV file, never rewriting what is there.

    A new file gets the header first; a file whose last line was cut short gets a line
    end first, so the new lines stay whole. The data reaches the disk before this returns.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        handle.seek(0, os.SEEK_END)
        prefix = b""
        if handle.tell() == 0:
            prefix = (",".join(header) + "\n").encode()
        else:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                prefix = b"\n"
        handle.write(prefix + "".join(lines).encode())
        handle.flush()
        os.fsync(handle.fileno())


def append_samples(history: Path, samples: Mapping[str, ProbeSample]) -> list[tuple[Path, OSError]]:
    """Append each component's sample to ``history/<id>/<YYYY-MM>.csv``.

    A file that cannot be written costs its own sample only: the others are still appended.
    Returns the failures, as (file, error).
    """
    failed = []
    for component_id, sample in sorted(samples.items()):
        path = history / component_id / f"{sample.month}.csv"
        try:
            append_lines(path, HEADER, [sample.csv_line()])
        except OSError as exc:
            failed.append((path, exc))
    return failed


def append_bandwidth(history: Path, measured: Mapping[str, BandwidthSample]) -> list[tuple[Path, OSError]]:
    """Append each measurement to ``history/<folder>/bandwidth-<YYYY-MM>.csv``, folders relative to history/
    as in append_samples. Returns the failures, as (file, error)."""
    failed = []
    for folder, sample in sorted(measured.items()):
        path = history / folder / bandwidth_file(sample.month)
        try:
            append_lines(path, BANDWIDTH_HEADER, [sample.csv_line()])
        except OSError as exc:
            failed.append((path, exc))
    return failed


class MonthChanged(Exception):
    """A raw month grew after compaction read it: a line came in late, which the plan does not hold."""


def retire_month(
    folder: Path,
    month: str,
    runs: list[Run],
    daily: list[str],
    skipped: Sequence[str] = (),
    size: int | None = None,
    digest: str = "",
) -> None:
    """Compaction's only writes: keep a month's malformed lines as they were (SKIPPED), append its
    runs and daily figures, mark the month compacted, then remove its raw file.

    Readers use a month's runs only once it is marked, so an interruption before the mark
    leaves the raw file in charge (and the month is compacted again); one after it leaves a
    raw file that readers ignore and the next compaction removes. ``size`` is the number of
    bytes the plan was made from: a raw file that has grown since (a probe run with a wrong
    clock appending to an old month) is left alone, with nothing written, and raises MonthChanged.
    ``digest``, the SHA-256 of those bytes, is recorded with the mark: a raw file of the month found
    later holds late lines exactly where it differs from them.
    """
    raw = folder / f"{month}.csv"
    if size is not None and raw.stat().st_size != size:
        raise MonthChanged(str(raw))
    kept = folder / SKIPPED
    # A compaction stopped before the month was marked repeats it: lines kept then are not kept twice.
    already = set(kept.read_bytes().split(b"\n")) if kept.exists() else set()  # lines end only at "\n"
    fresh = [line for line in skipped if line.encode().rstrip(b"\n") not in already]
    if fresh:
        append_lines(kept, ("file:line: the line as it was",), fresh)
    if runs or daily:
        append_lines(folder / RUNS, RUNS_HEADER, [run.csv_line() for run in runs])
        append_lines(folder / DAILY, DAILY_HEADER, daily)
        if size is not None and raw.stat().st_size != size:
            # Grown while its runs were written: unmarked, they are not read, and the raw file stays in charge.
            raise MonthChanged(str(raw))
        append_lines(
            folder / COMPACTED,
            COMPACTED_HEADER,
            [f"{month},{len(runs)},{len(daily)},{size if digest else ''},{digest}\n"],
        )
    raw.unlink()


def write_text(path: Path, text: str, *, new: bool = False) -> None:
    """Write one text file atomically: a temporary file beside it, then a rename. Readers see the old file
    or the new one, never half of one. With ``new``, refuse to replace a file that exists."""
    if new and path.exists():
        raise FileExistsError(17, "File exists", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
