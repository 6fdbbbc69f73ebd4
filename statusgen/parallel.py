"""Sharing work out among forked worker processes.

A build's work splits into independent pieces (incident files to read, pages to render). On a
machine with several cores, ``os.fork`` gives each worker a copy of everything read so far at no
cost; a worker sends back only what the parent needs, pickled through a pipe.

Where there is no ``os.fork`` (Windows), everything runs in the one process: the same results,
only without the other cores.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import NoReturn, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class WorkerFailed(Exception):
    """A worker process failed; the message holds its traceback."""


def workers() -> int:
    """How many processes share a build: one per core, at most four; ``STATUSGEN_WORKERS`` overrides.

    Only a process with no other thread forks: a thread does not survive a fork, and a lock it held
    would stay held in the copy.
    """
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    chosen = os.environ.get("STATUSGEN_WORKERS", "").strip()
    if chosen.isdigit() and int(chosen) > 0:
        return int(chosen)
    return min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 4)


def shared(work: Callable[[Sequence[Item]], Result], items: Sequence[Item], processes: int) -> list[Result]:
    """``work`` applied to ``processes`` shares of ``items`` (every n-th item), this process taking the first.

    Returns each share's result in share order. A worker's failure raises WorkerFailed with its
    traceback; a failure in this process stops the workers and is raised as it is. Without
    ``os.fork`` (Windows) the work is done here as one share, whatever ``processes`` says.
    """
    processes = max(1, min(processes, len(items)))
    if processes == 1 or not hasattr(os, "fork"):
        return [work(items)]
    children: list[tuple[int, int]] = []  # (pid, read end) of each worker not yet reaped
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # a worker must not inherit, and later write, what this process has buffered
    try:
        for share in range(1, processes):
            readable, writable = os.pipe()
            try:
                pid = os.fork()
            except BaseException:
                os.close(readable)
                os.close(writable)
                raise
            if pid == 0:  # the worker: never returns
                _worker(work, items[share::processes], readable, writable)
            os.close(writable)
            children.append((pid, readable))
        results = [work(items[0::processes])]
        failures = []
        while children:
            pid, readable = children[0]
            with os.fdopen(readable, "rb") as stream:
                report = stream.read()
            _, status = os.waitpid(pid, 0)
            children.pop(0)  # reaped: its pid may be reused, and its pipe is closed
            try:
                outcome, value = pickle.loads(report)
            except Exception:
                outcome, value = "error", f"a worker process ended without a report (wait status {status})"
            if outcome == "ok":
                results.append(value)
            else:
                failures.append(value)
        if failures:
            raise WorkerFailed("\n".join(failures))
        return results
    finally:
        for pid, readable in children:  # this process failed first: stop the workers
            with contextlib.suppress(OSError):
                os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
                os.waitpid(pid, 0)
            with contextlib.suppress(OSError):
                os.close(readable)


def mapped(function: Callable[[Item], Result], items: Sequence[Item], processes: int) -> list[Result]:
    """``function`` of each item, in the items' order, worked out in ``processes`` shares (see shared)."""
    shares = shared(lambda share: [function(item) for item in share], items, processes)
    results: list[Result | None] = [None] * len(items)
    for number, share in enumerate(shares):
        results[number :: len(shares)] = share
    return results  # type: ignore[return-value]  # every place was filled by its share


# Items at most that dealt() deals through one pipe, written before any reader: 4 bytes each, within the 16 KiB
# a pipe holds on every system (64 KiB on Linux). More are shared out every n-th (mapped).
DEALT = 4_000


def dealt(function: Callable[[Item], Result], items: Sequence[Item], processes: int) -> list[Result]:
    """``function`` of each item, in the items' order, each item taken in turn by whichever process is free: for
    items of uneven size, where every n-th (shared) can leave one process working long after the others.

    The items' numbers are written to a pipe before the workers are forked, 4 bytes each, and each process
    reads the next number when it is done with its item: a pipe gives each 4-byte read to one reader.
    """
    if processes <= 1 or len(items) <= 1 or not hasattr(os, "fork"):
        return [function(item) for item in items]
    if len(items) > DEALT:
        return mapped(function, items, processes)
    readable, writable = os.pipe()
    try:
        os.write(writable, b"".join(number.to_bytes(4, "big") for number in range(len(items))))
    finally:
        os.close(writable)

    def taken(_: Sequence[None]) -> list[tuple[int, Result]]:
        done = []
        while token := os.read(readable, 4):
            number = int.from_bytes(token, "big")
            done.append((number, function(items[number])))
        return done

    try:
        shares = shared(taken, [None] * min(processes, len(items)), processes)
    finally:
        os.close(readable)
    results: list[Result | None] = [None] * len(items)
    for share in shares:
        for number, result in share:
            results[number] = result
    return results  # type: ignore[return-value]  # every item was taken by one process


def _worker(work: Callable[[Sequence[Item]], Result], items: Sequence[Item], readable: int, writable: int) -> NoReturn:
    """A worker's whole life: whatever happens, even an interrupt while it reports, it ends here."""
    code = 1
    try:
        os.close(readable)
        try:
            report = pickle.dumps(("ok", work(items)), protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        except BaseException:
            report = pickle.dumps(("error", traceback.format_exc()))
        with os.fdopen(writable, "wb") as stream:
            stream.write(report)
    finally:
        os._exit(code)  # never back into the parent's code, its exit handlers or its buffered output
