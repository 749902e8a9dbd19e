"""Limits that hold: a ceiling on time and memory for every command, and a time limit and a
row limit for a user's query.

**Every command** runs in a child process that a small watcher (the process the user
started) keeps under two ceilings: ``--time-limit`` (KG_TIME_LIMIT, default one hour) and
``--max-memory`` (KG_MAX_MEMORY, default 8 GiB, or half the machine's memory if less). At
the time limit the child gets SIGALRM, which stops the Python code where it is
(``finally`` blocks run, locks are released) with one line and exit 9; a child still busy
in native code (a long Oxigraph query) a few seconds later is killed, and the watcher
prints that line. Memory is the resident memory that is not a file's pages
(/proc/PID/statm) of the child and of every process it started, read ten times a second;
past the ceiling, their proportional anonymous memory (``Pss_Anon`` of
/proc/PID/smaps_rollup: a forked process shares pages) decides, and the watcher kills them
all and prints one line, exit 10. The watcher measures rather than the child limiting
itself (RLIMIT_AS) because Oxigraph's Rust code aborts the process with a stack dump when
an allocation fails, instead of raising MemoryError; and the address space of a process
that maps a store's files is far larger than the memory it uses. A MemoryError that Python
raises is turned into the same line and exit code. Killing the watcher (``kill -9``) kills
the command too (PR_SET_PDEATHSIG).

**A user's query** (``kg query``) runs in a child process too (forked: it shares the opened
graph without copying) that is killed when its ``--timeout`` is up; parsing and the network
check happen in that child, so a query text that is slow to parse is stopped like one that
is slow to run. The child stops reading results, rows or triples, one past ``--limit``.
Either way the answer is all or nothing: a stopped query prints nothing and ends with its
own exit code (9 for the time limit, 10 for the row limit). A query text longer than
MAX_QUERY_BYTES is refused before it is read any further.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import select
import signal
import sys
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn, TypeVar

from rdflib import Graph
from rdflib.term import Identifier

from kg.errors import KGError, QueryError, QueryTimeout, TimeLimit, TooBig, TooManyRows
from kg.graph import KnowledgeGraph, QueryRows
from kg.queries import NamedQuery

T = TypeVar("T")

DEFAULT_TIMEOUT = 60.0
DEFAULT_LIMIT = 100_000

#: The longest query text read (-e TEXT or a FILE): 1 MiB. A bundled query is some KB; a
#: 199 KB query took 66 s to parse, a 20 MB literal 36 s and 2.4 GB.
MAX_QUERY_BYTES = 1 << 20


def _half_the_memory(most: int = 8 << 30) -> int:
    """Half the machine's memory in steps of 256 MiB, at most ``most``."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return most
    step = 256 << 20
    return max(step, min(most, physical // 2 // step * step))


#: Every command's ceilings unless --time-limit/--max-memory or the environment say
#: otherwise. At 1M triples the slowest command (kg metrics) takes about 260 s and 1 GiB,
#: and rdflib in memory needs up to 3.2 GiB (kg export, BENCHMARKS.md): an hour and 8 GiB
#: (or half the machine's memory, if that is less) let such work pass and stop a runaway
#: command before it takes the machine.
DEFAULT_TIME_LIMIT = 3600.0
DEFAULT_MAX_MEMORY = _half_the_memory()
#: How long a child that got SIGALRM may take to stop by itself before it is killed.
GRACE_SECONDS = 5.0
#: How often the watcher reads the memory in use, and looks for processes the command
#: started.
POLL_SECONDS = 0.1
FAMILY_SECONDS = 1.0

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int | None:
    """A memory size such as ``512M``, ``4G`` or ``1.5GiB`` (powers of 1024) in bytes;
    ``0`` or ``none`` mean no ceiling (None). Raises ValueError for anything else."""
    if text.strip().lower() in ("0", "none", "off"):
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", text.upper())
    if match is None:
        raise ValueError(f"{text!r} is not a size such as 512M or 4G")
    size = int(float(match.group(1)) * _UNITS[match.group(2)])
    if size < 1 << 20:
        raise ValueError(f"{text!r} is less than 1M")
    return size


def size_text(size: int) -> str:
    """A size in bytes as the user would write it: 4 GiB, 512 MiB."""
    for unit in ("T", "G", "M", "K"):
        if size >= _UNITS[unit] and size % _UNITS[unit] == 0:
            return f"{size // _UNITS[unit]} {unit}iB"
    return f"{size / (1 << 20):.1f} MiB"


@dataclass(frozen=True)
class Ceiling:
    """The most time (seconds) and memory (bytes) a command may take; None: no ceiling."""

    seconds: float | None = DEFAULT_TIME_LIMIT
    memory: int | None = DEFAULT_MAX_MEMORY

    def time_message(self) -> str:
        """The one line said when the time is up."""
        return (
            f"the command ran longer than {self.seconds:g} s (--time-limit or KG_TIME_LIMIT) "
            "and was stopped"
        )

    def memory_message(self) -> str:
        """The one line said when the memory ceiling is passed."""
        where = size_text(self.memory) if self.memory is not None else "the available memory"
        return (
            f"the command needed more than {where} of memory (--max-memory or KG_MAX_MEMORY) "
            "and was stopped"
        )


#: The ceiling of the command running in this process (set by :func:`supervise`), for the
#: messages of errors raised where it is passed.
current = Ceiling()


class _TimeUp(BaseException):
    """Raised by SIGALRM in the child. Not an Exception, so that code which turns any
    Exception into its own error (a query that 'failed') lets it through."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _TimeUp


def stop_reason(error: BaseException) -> KGError | None:
    """The one-line error for a ceiling passed in this process (the SIGALRM of the time
    limit, a MemoryError), or None for any other exception."""
    if isinstance(error, _TimeUp):
        return TimeLimit(current.time_message())
    if isinstance(error, MemoryError):
        return TooBig(current.memory_message())
    return None


def set_ceiling(ceiling: Ceiling) -> None:
    """Make ``ceiling`` the one of this process: its messages, and the largest answer read
    from a SPARQL server (a sixteenth of the memory: a 210 MB answer took 1.2 to 1.7 GB
    once converted, and kg query passes its rows from one process to another)."""
    from kg.stores import endpoint

    global current
    current = ceiling
    endpoint.MAX_ANSWER_BYTES = (ceiling.memory or DEFAULT_MAX_MEMORY) // 16


def supervise(ceiling: Ceiling) -> None:
    """Run the rest of this command in a child process kept under ``ceiling``; this
    process only watches it, and exits with its exit code (or 9 or 10 with one line on
    standard error when it had to be stopped). Returns in the child only."""
    set_ceiling(ceiling)
    if ceiling.seconds is None and ceiling.memory is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    watcher = os.getpid()
    pid = os.fork()
    if pid == 0:
        _die_with(watcher)
        if ceiling.seconds is not None:
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, ceiling.seconds)
        return
    _watch(pid, ceiling)


def _die_with(watcher: int) -> None:
    """Have the kernel kill this process when its parent ``watcher`` dies: ``kill -9`` of
    the process the user started must stop the command (a load killed half-way), not leave
    it running on its own."""
    import ctypes

    pr_set_pdeathsig = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != watcher:  # it died before the request was made
        os._exit(128 + signal.SIGKILL)


def _watch(pid: int, ceiling: Ceiling) -> NoReturn:
    # Ctrl-C reaches the child too (same process group): it stops and says so; a TERM or
    # HUP sent to this process is passed on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda number, _frame: _send(pid, number))
    start = time.monotonic()
    killed_at: float | None = None
    family: list[int] = []
    family_at = exact_at = -1.0
    exact_for = 0
    ended = _ending(pid)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if killed_at is not None and os.WIFSIGNALED(status):
                _say(ceiling.time_message())
                os._exit(TimeLimit.exit_code)
            os._exit(
                os.waitstatus_to_exitcode(status)
                if os.WIFEXITED(status)
                else 128 + os.WTERMSIG(status)
            )
        now = time.monotonic()
        if ceiling.memory is not None:
            # The resident anonymous memory (cheap to read) counts a forked query process's
            # shared pages twice; past the ceiling, the proportional memory (44 ms to read
            # for a process of 3 GB) decides, read again after a second or 10% more.
            if now - family_at >= FAMILY_SECONDS:
                family, family_at = _family(pid), now
            estimate = sum(_resident(p) for p in family)
            if estimate > ceiling.memory and (
                now - exact_at >= FAMILY_SECONDS or estimate > exact_for * 1.1
            ):
                exact_at, exact_for = now, estimate
                if sum(_memory(p) for p in family) > ceiling.memory:
                    members = _family(pid)
                    helpers = [m for m in members if m != pid]
                    if helpers:
                        # a query's or a request's own process goes first: kg query then
                        # says why its query stopped, and kg serve goes on answering
                        _send(max(helpers, key=_memory), signal.SIGKILL)
                        family_at = exact_at = -1.0
                        ended(POLL_SECONDS)
                        continue
                    for member in members:
                        _send(member, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    _say(ceiling.memory_message())
                    os._exit(TooBig.exit_code)
        if (
            ceiling.seconds is not None
            and killed_at is None
            and now - start > ceiling.seconds + GRACE_SECONDS
        ):
            for member in _family(pid):
                _send(member, signal.SIGKILL)
            killed_at = now
        ended(POLL_SECONDS)


def _ending(pid: int) -> Callable[[float], object]:
    """A function that waits up to some seconds for process ``pid`` to end, returning as
    soon as it does (a pidfd), so that the command's end is not delayed by a poll."""
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):
        return time.sleep
    waiter = select.poll()
    waiter.register(handle, select.POLLIN)
    return lambda seconds: waiter.poll(seconds * 1000)


def _say(line: str) -> None:
    sys.stderr.write(f"Error: {line}\n")
    sys.stderr.flush()


def _send(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def helpers(pid: int) -> list[int]:
    """The processes ``pid`` started (and they started): its queries' processes."""
    return [member for member in _family(pid) if member != pid]


def _family(pid: int) -> list[int]:
    """``pid`` and every process it started (and they started), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The name between parentheses may hold spaces and parentheses: split after it.
        fields = stat[stat.rfind(")") + 2 :].split()
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    family, todo = [], [pid]
    while todo:
        member = todo.pop()
        family.append(member)
        todo.extend(parents.get(member, []))
    return family


def _resident(pid: int) -> int:
    """The resident memory of a process that is not a file's pages, in bytes (0 if gone)."""
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0
    return (int(fields[1]) - int(fields[2])) * _PAGE


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _memory(pid: int) -> int:
    """The anonymous memory a process uses, its shared pages split among their sharers
    (a forked query child shares the opened graph), in bytes; 0 if it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    found = re.search(r"^Pss_Anon:\s+(\d+) kB", text, re.M) or re.search(
        r"^Pss:\s+(\d+) kB", text, re.M
    )
    return int(found.group(1)) * 1024 if found else 0


# --- a user's query ------------------------------------------------------------------------


def query_text_size(text: str, where: str) -> None:
    """Refuse a query text longer than MAX_QUERY_BYTES (TooBig), naming ``where``."""
    if len(text) > MAX_QUERY_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
        raise TooBig(
            f"{where}: the query text is longer than {size_text(MAX_QUERY_BYTES)}; "
            "bind long values with --param or put the data in a file to load"
        )


def query_file_size(path: Path) -> None:
    """Refuse a query file longer than MAX_QUERY_BYTES (TooBig) before reading it; a name
    that is not a file is left to the caller."""
    try:
        size = path.stat().st_size if path.is_file() else 0
    except OSError:
        return
    if size > MAX_QUERY_BYTES:
        raise TooBig(
            f"{path}: the query file is longer than {size_text(MAX_QUERY_BYTES)} "
            f"({size:,} bytes); bind long values with --param or put the data in a file to load"
        )


def _answer(
    kg: KnowledgeGraph,
    query: NamedQuery,
    bindings: Mapping[str, Identifier],
    limit: int,
) -> tuple[str, Any]:
    """In the query's process: the answer to send, or why there is none."""
    _stop_constructs_at(limit + 1)
    try:
        answer = kg.answer(query, bindings, max_rows=limit + 1)
    except (KGError, MemoryError):
        raise
    except Exception as error:  # an engine failure: report it as a query error
        raise QueryError(f"{query.name}: the query failed ({error})") from None
    if isinstance(answer, Graph):
        if len(answer) > limit:
            return ("too-many", len(answer))
        return ("graph", answer.serialize(format="nt"))
    if len(answer.rows) > limit:
        return ("too-many", None)
    return ("rows", answer)


def _child(work: Callable[[], Any], name: str, pipe: Connection, parent: int) -> None:
    _die_with(parent)  # a query must not outlive the command that asked it (kill -9)
    try:
        pipe.send(("value", work()))
    except KGError as error:
        pipe.send(("error", error))
    except MemoryError:
        pipe.send(("error", TooBig(current.memory_message())))
    except Exception as error:  # a failure of the work itself: said as one line
        pipe.send(("error", QueryError(f"{name}: failed ({type(error).__name__}: {error})")))
    finally:
        pipe.close()


def _ceiling_size() -> str:
    return size_text(current.memory) if current.memory is not None else "the available memory"


def run_within(
    work: Callable[[], T],
    *,
    timeout: float,
    name: str,
    forking: AbstractContextManager[Any] | None = None,
) -> T:
    """``work()`` run in a forked process (it shares what this one has opened, copied on
    write), stopped after ``timeout`` seconds (QueryTimeout naming ``name``); its value
    (pickled) is returned, the KGError it raises raised here. ``forking`` (a lock) is held
    while the process is forked: kg serve forks from several threads, and one fork at a
    time copies no half-taken lock of another fork."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, name, sender, os.getpid()), daemon=True)
    with forking or nullcontext():
        process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(
                f"{name}: stopped after {timeout:g} s (--timeout); no answer was printed"
            )
        try:
            kind, payload = receiver.recv()
        except EOFError:
            process.join(GRACE_SECONDS)
            if process.exitcode == -signal.SIGKILL:  # the watcher's memory ceiling
                raise TooBig(
                    f"{name}: it needed more than {_ceiling_size()} of memory (--max-memory "
                    "or KG_MAX_MEMORY) and was stopped"
                ) from None
            raise QueryError(f"{name}: the query process ended without an answer") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if kind == "error":
        raise payload
    value: T = payload
    return value


def _where_triples(part: Any) -> Any:
    """The triples of a short-form CONSTRUCT WHERE { ... }: its one basic graph pattern,
    under the LIMIT, ORDER BY and projection around it (rdflib looked only one level down,
    so `CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1` failed in memory, and ran on a store)."""
    while part is not None and "triples" not in part:
        part = part["p"] if "p" in part else None
    return [] if part is None else part["triples"]


def _stop_constructs_at(most: int) -> None:
    """Make rdflib stop building a CONSTRUCT graph at ``most`` triples. rdflib builds the
    whole graph before it returns it (a cross product took 1.7 GB); this runs in the
    query's own child process, which ends with the query, so nothing else sees the change."""
    from rdflib.plugins.sparql import evaluate, evalutils

    original = evaluate.evalConstructQuery

    def bounded(ctx: Any, query: Any) -> Any:
        template = query.template or _where_triples(query.p)
        graph = Graph()
        for solution in evaluate.evalPart(ctx, query.p):
            graph += evalutils._fillTemplate(template, solution)
            if len(graph) >= most:
                break
        return {"type_": "CONSTRUCT", "graph": graph}

    bounded.__wrapped__ = original  # type: ignore[attr-defined]
    evaluate.evalConstructQuery = bounded


def answer_within(
    kg: KnowledgeGraph,
    query: NamedQuery,
    bindings: Mapping[str, Identifier] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    limit: int = DEFAULT_LIMIT,
    forking: AbstractContextManager[Any] | None = None,
) -> QueryRows | Graph:
    """Run ``query`` like :meth:`KnowledgeGraph.answer` in a process of its own
    (:func:`run_within`), stopped after ``timeout`` seconds (QueryTimeout; parsing
    included) or when the answer passes ``limit`` rows or triples (TooManyRows)."""
    query_text_size(query.text, query.name)
    given = dict(bindings or {})
    kind, payload = run_within(
        lambda: _answer(kg, query, given, limit),
        timeout=timeout,
        name=query.name,
        forking=forking,
    )
    return _result(query, kind, payload, limit)


def _result(query: NamedQuery, kind: str, payload: Any, limit: int) -> QueryRows | Graph:
    if kind == "too-many":
        raise TooManyRows(
            f"{query.name}: the answer has more than {limit} rows or triples (--limit); add "
            "LIMIT to the query or raise --limit; no answer was printed"
        )
    if kind == "graph":
        graph = Graph()
        graph.parse(data=payload, format="nt")
        return graph
    assert isinstance(payload, QueryRows)
    return payload
