"""Untrusted files are parsed in a box: a child process with memory, CPU and time limits.

Every parse of an uploaded file (a spreadsheet, a Word file, a picture) runs through `run()` or
`stream()`: the parse function is called in a child process forked from a forkserver (a clean
process started once per worker, with the parsing libraries already imported: a fork costs a few
milliseconds, and the child never inherits the worker's database connections or threads). The
child limits itself before it reads a byte:

- address space: `PARSE_MEMORY_MB` more than it started with (RLIMIT_AS);
- CPU time: `PARSE_CPU_SECONDS` (RLIMIT_CPU: SIGXCPU, then SIGKILL a second later);
- no core files.

The parent waits at most `PARSE_TIMEOUT_SECONDS` for the child's messages and kills it after
that. The child sends back plain data only (strings, numbers, dates, bytes, lists, dicts), pickled,
at most `MAX_RESULT_BYTES` in all, and the parent unpickles it with only the date and time classes
allowed, so that even a child taken over by a hostile file could not make the parent run code.

Whatever goes wrong in the child becomes a ValidationError with a Vietnamese message, never a 500
and never a hang: a limit hit, a crash, an exception of the parser, or a `Refused` raised by the
parse function for a known reason (a zip bomb, a DOCTYPE…), whose message the parent translates.

The box limits resources; it is not a jail: the child runs as the same user as the worker.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import logging
import multiprocessing
import os
import pickle
import resource
import signal
import threading
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import context as mp_context
from multiprocessing import popen_forkserver, spawn, util
from multiprocessing.connection import Connection, wait
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

log = logging.getLogger(__name__)

# Imported once by the forkserver, so that every child starts with them loaded.
PRELOAD = ["loa.core.readers", "python_calamine", "docx", "PIL.Image", "PIL.JpegImagePlugin", "PIL.PngImagePlugin"]
# What a child may send back in all (pickled): a 130,000-row unit list is about 32 MB.
MAX_RESULT_BYTES = 128 * 1024 * 1024
# Signals that mean the child hit a limit (CPU, our kill, an allocation that failed and aborted).
_LIMIT_SIGNALS = {signal.SIGXCPU, signal.SIGKILL, signal.SIGABRT}


class Refused(Exception):
    """Raised by a parse function in the child: the file is refused for a known reason.

    `template` is an English msgid marked with gettext_noop (the child has no translations); the
    parent translates it and fills in `params` (plain values) and `name`, the file's name.
    """

    def __init__(self, code: str, template: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.template, self.params = code, template, params


@dataclass(frozen=True)
class Limits:
    memory_mb: int
    cpu_seconds: int
    timeout_seconds: float
    result_bytes: int = MAX_RESULT_BYTES

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(settings.PARSE_MEMORY_MB, settings.PARSE_CPU_SECONDS, settings.PARSE_TIMEOUT_SECONDS)


# --- The parent --------------------------------------------------------------------------------

_lock = threading.Lock()
_context = None


def _forkserver() -> multiprocessing.context.ForkServerContext:
    global _context
    with _lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
    return _context


class _Launcher(popen_forkserver.Popen):
    """The forkserver's launcher, except that the child does not run the worker's main script again
    (gunicorn's, celery's, manage.py: multiprocessing re-runs it in every child, to find functions
    defined there). Parse functions live in loa's modules and are found by their module's name.
    The rest is popen_forkserver.Popen._launch as it is in Python 3.11."""

    # The stubs leave out the internals this copies (reduction, forkserver, close_fds, _fds): ignored below.
    def _launch(self, process_obj: Any) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        mp_context.set_spawning_popen(self)
        try:
            mp_context.reduction.dump(prep_data, buf)  # type: ignore[attr-defined]
            mp_context.reduction.dump(process_obj, buf)  # type: ignore[attr-defined]
        finally:
            mp_context.set_spawning_popen(None)
        self.sentinel, w = popen_forkserver.forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]
        parent_w = os.dup(w)  # the child watches it to know that this process is alive
        self.finalizer = util.Finalize(self, util.close_fds, (parent_w, self.sentinel))  # type: ignore[attr-defined]
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = popen_forkserver.forkserver.read_signed(self.sentinel)  # type: ignore[attr-defined]


class _Process(mp_context.ForkServerProcess):
    _Popen = staticmethod(_Launcher)


def run(
    func: Callable[..., Any], *args: Any, name: str = "", kind: str = "", limits: Limits | None = None, **kwargs: Any
) -> Any:
    """func(*args, **kwargs) called in a child process; returns what it returned (plain data).

    func must be a module-level function. `name` (the file's name) and `kind` (what the file should
    be, e.g. "Excel (.xlsx)") go into the messages. Raises ValidationError.
    """
    items = stream(func, *args, name=name, kind=kind, limits=limits, **kwargs)
    for _item in items:
        pass  # a function that returns (not yields) sends no items
    return items.result


def stream(
    func: Callable[..., Any], *args: Any, name: str = "", kind: str = "", limits: Limits | None = None, **kwargs: Any
) -> Stream:
    """A Stream over what func, a generator function, yields in the child, item by item.

    The child runs until the stream is exhausted or closed; closing it early stops the child.
    """
    return Stream(func, args, kwargs, name=name, kind=kind, limits=limits or Limits.from_settings())


class Stream:
    """Items sent by a child process, read as they come; `result` is what the function returned."""

    def __init__(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        name: str,
        kind: str,
        limits: Limits,
    ) -> None:
        self._process = None
        self.name, self.kind, self.limits = name, kind, limits
        self.result = None
        self._received = 0
        self._waited = 0.0
        context = _forkserver()
        self._reader, writer = context.Pipe(duplex=False)
        self._process = _Process(
            target=_child, args=(writer, func, args, kwargs, limits), daemon=True, name="loa-parse"
        )
        self._process.start()
        writer.close()  # the child holds the only writing end: its death is seen as the end of the pipe
        self._started = time.monotonic()

    def __iter__(self) -> Stream:
        return self

    def __next__(self) -> Any:
        if self._process is None:
            raise StopIteration
        try:
            message = self._receive()
        except BaseException:
            self.close()
            raise
        if message[0] == "item":
            return message[1]
        self.close()
        if message[0] == "done":
            self.result = message[1]
            log.debug("Parsed %s in a child in %.0f ms", self.name, 1000 * (time.monotonic() - self._started))
            raise StopIteration
        raise self._refusal(message)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the child (if it still runs) and wait for it."""
        process, self._process = self._process, None
        if process is None:
            return
        self._reader.close()
        if process.is_alive():
            process.kill()
        process.join()
        process.close()

    def _receive(self) -> tuple[Any, ...]:
        remaining = self.limits.timeout_seconds - self._waited
        started = time.monotonic()
        ready = wait([self._reader], timeout=max(remaining, 0))
        self._waited += time.monotonic() - started
        if not ready:
            log.warning(
                "Parsing %s took longer than %s s: the child was stopped", self.name, self.limits.timeout_seconds
            )
            return ("limit", "timeout")
        try:
            raw = self._reader.recv_bytes(max(self.limits.result_bytes - self._received, 1))
        except EOFError:
            return self._died()
        except OSError:  # the message is longer than what is left of the allowance
            log.warning("Parsing %s: the child's answer is over %s bytes", self.name, self.limits.result_bytes)
            return ("limit", "result")
        self._received += len(raw)
        try:
            return _SafeUnpickler(io.BytesIO(raw)).load()
        except Exception as exc:  # noqa: BLE001 (a child that sends anything but plain data has gone wrong)
            return ("failed", f"not plain data: {exc}")

    def _died(self) -> tuple[str, str]:
        process = self._process
        assert process is not None  # only while the child runs
        process.join(5)
        code = process.exitcode
        log.warning("Parsing %s: the child stopped without an answer (exit code %s)", self.name, code)
        if code is not None and code < 0 and -code in _LIMIT_SIGNALS:
            return ("limit", signal.Signals(-code).name)
        return ("failed", f"exit code {code}")

    def _refusal(self, message: tuple[Any, ...]) -> ValidationError:
        """The ValidationError (Vietnamese message) for a child's refusal, limit or failure."""
        named = f" “{self.name}”" if self.name else ""
        if message[0] == "refused":
            _tag, code, template, params = message
            try:
                text = _(template) % {**params, "name": named}
            except (KeyError, TypeError, ValueError):
                text = self._unreadable(named)
            return ValidationError(text, code=code)
        if message[0] == "limit":
            log.warning("Parsing %s hit a limit: %s", self.name, message[1])
            return ValidationError(_(TOO_COMPLEX) % {"name": named}, code="too_complex")
        log.warning("Parsing %s failed in the child: %s", self.name, message[1])
        return ValidationError(self._unreadable(named), code="unreadable")

    def _unreadable(self, named: str) -> str:
        return _(UNREADABLE) % {"name": named, "kind": self.kind} if self.kind else _(UNREADABLE_ANY) % {"name": named}

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter exit multiprocessing may be half gone
            self.close()  # a stream dropped half-read must not leave its child waiting to write


# %(name)s is the file's name in quotes with a space before it, or nothing: "The file “a.xlsx” is…".
TOO_COMPLEX = gettext_noop(
    "The file%(name)s is too large or too complex to read: Loa stopped reading it to protect the server. "
    "Save a smaller or simpler file (only what is needed) and upload it again."
)
UNREADABLE = gettext_noop(
    "The file%(name)s could not be read: it is damaged or not a %(kind)s file. "
    "Open it in its program, save it again and upload it again."
)
UNREADABLE_ANY = gettext_noop(
    "The file%(name)s could not be read: it is damaged or of a kind Loa does not read. "
    "Open it in its program, save it again and upload it again."
)


_PLAIN_CLASSES = {("datetime", n): getattr(datetime, n) for n in ("date", "datetime", "time", "timedelta", "timezone")}


class _SafeUnpickler(pickle.Unpickler):
    """Plain data only: containers, strings, numbers, bytes, and the date and time classes."""

    def find_class(self, module: str, name: str) -> Any:
        try:
            return _PLAIN_CLASSES[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not plain data") from None


# --- The child ---------------------------------------------------------------------------------


class _Sender:
    def __init__(self, conn: Connection, allowance: int) -> None:
        self.conn, self.left = conn, allowance

    def send(self, message: object) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) > self.left:
            raise _TooBig
        self.left -= len(data)
        self.conn.send_bytes(data)


class _TooBig(Exception):
    pass


def _limit_self(limits: Limits) -> None:
    with open("/proc/self/statm") as statm:
        address_space = int(statm.read().split()[0]) * resource.getpagesize()
    memory = address_space + limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.environ["RUST_BACKTRACE"] = "0"  # calamine's failed allocation: one line in the log, not fifty


def _child(
    conn: Connection, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], limits: Limits
) -> None:
    """Runs in the child: limit this process, call func, send its items and result, or why it failed."""
    _limit_self(limits)
    sender = _Sender(conn, limits.result_bytes)
    try:
        outcome = func(*args, **kwargs)
        if isinstance(outcome, types.GeneratorType):
            for item in outcome:
                sender.send(("item", item))
            outcome = None
        sender.send(("done", outcome))
    except Refused as exc:
        sender.send(("refused", exc.code, exc.template, exc.params))
    except (MemoryError, RecursionError, _TooBig) as exc:
        sender.send(("limit", type(exc).__name__))
    except Exception as exc:  # noqa: BLE001 (whatever a parser raises on a hostile file is a refusal)
        sender.send(("failed", f"{type(exc).__name__}: {exc}"[:500]))
    finally:
        conn.close()
        os._exit(0)  # nothing of the parse is worth cleaning up
