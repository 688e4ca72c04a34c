"""Parsing what strangers upload where a bad file cannot take the server with it.

The file readers are native code (calamine in Rust, pyarrow in C++, pypdf's zlib): a 1.4 KB workbook with one
far-away cell makes calamine allocate 512 GiB and abort the whole process, which for the app means every user's
session. `run` calls a reader in a child process with a memory ceiling and a time limit; the child dies instead of
the server, and the caller gets a `Refused` it turns into one clear line for the user.

In the app, children come from a fork server started once per process (the readers' modules preloaded), so a call
costs a few milliseconds, not a fresh interpreter; the command line forks itself. Pass only module-level functions and picklable arguments; monkeypatching in
the parent does not reach the child."""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import threading
import types
from typing import Any, Callable

MEMORY_MB = 1024  # per parse; a 20 MB roster of 100,000 rows peaks near 300 MB (benchmarks/hostile.py)
SECONDS = 20.0
# What the fork server imports once, so each child starts with the readers loaded.
PRELOAD = ["accreditation.tables", "python_calamine", "pyarrow", "pyarrow.csv", "pandas"]

_lock = threading.Lock()
_context: Any = None
_inside = False  # True in a child
_NEUTRAL_MAIN = types.ModuleType("__main__")  # no __file__, no __spec__: nothing for a child to import


class Refused(Exception):
    """The reader did not finish: `reason` is "memory", "time" or "crash"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _ctx() -> Any:
    """A plain fork from a process with one thread (the command line: nearly free, nothing to import again);
    otherwise the fork server (the app: forking a process whose other threads may hold locks is not safe)."""
    global _context
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    with _lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
        return _context


def _data_size() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(conn: Any, memory_bytes: int, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    # RLIMIT_DATA counts the heap and private mappings, which is what a bomb allocates. The preloaded libraries
    # already reserve about 1.2 GB of it (pyarrow's and numpy's allocators) without using it, so the budget is
    # added on top of what the child holds at its start.
    global _inside
    _inside = True
    limit = _data_size() + memory_bytes
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    try:
        outcome: tuple[str, Any] = ("ok", fn(*args, **kwargs))
    except MemoryError:
        outcome = ("refused", "memory")
    except RecursionError:
        outcome = ("refused", "memory")
    except BaseException as exc:  # the reader's own verdict (a UserError) or a bug: the parent re-raises it
        outcome = ("raised", exc)
    try:
        conn.send(outcome)
    except Exception:  # an exception that does not pickle: say what it was
        conn.send(("raised", RuntimeError(f"{type(outcome[1]).__name__} in a sandboxed reader")))
    conn.close()


def run(fn: Callable[..., Any], *args: Any, seconds: float = SECONDS, memory_mb: int = MEMORY_MB,
        **kwargs: Any) -> Any:
    """`fn(*args, **kwargs)` in a child process; its result, or the exception it raised, or `Refused`."""
    if _inside or os.environ.get("ACCREDITATION_SANDBOX") == "0":  # already in a child; or profiling in one process
        return fn(*args, **kwargs)
    ctx = _ctx()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, memory_mb * 1024 * 1024, fn, args, kwargs), daemon=True)
    with _lock:
        # A child would import the parent's __main__ first: under Streamlit that is the page being run, which must
        # not run again in a parser. A neutral __main__ while starting (milliseconds, under the lock) avoids it.
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = _NEUTRAL_MAIN
        try:
            child.start()
        finally:
            sys.modules["__main__"] = main
    send.close()
    try:
        if not receive.poll(seconds):
            raise Refused("time")
        try:
            status, value = receive.recv()
        except (EOFError, OSError):  # killed by the kernel or aborted by native code
            raise Refused("memory" if child.exitcode in (None, -9) else "crash") from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()
    if status == "ok":
        return value
    if status == "refused":
        raise Refused(value)
    raise value
