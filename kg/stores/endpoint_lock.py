"""The writers' lock of a SPARQL server: one ``kg import`` or ``kg load --endpoint`` at a time.

A server has no lock a client can hold, so the lock is data: a node in the graph
:data:`LOCK_GRAPH` (which no query of kg's reads: the store names its own graphs as the
default graph) saying when it was taken, by which command, and by which process on which
host. A writer puts its node there if the graph is empty, reads back that its node is the
only one (two writers that put theirs at once both take them away and try again), and takes
it away at the end; another waits, saying who holds the lock, then raises WriterBusy.

A writer that was killed (kill -9, a machine that went down) leaves its node behind. One
left by a process of this host that no longer runs is removed by the next writer, which
says so; one from another host stays until someone removes it (``DROP GRAPH
<urn:conflict-kg:graph:lock>``, README), since from here nothing tells whether that process
still writes.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rdflib import XSD, Literal, URIRef

from kg.errors import WriterBusy
from kg.locks import tell_waiting
from kg.stores import values
from kg.stores.endpoint import EndpointStore

#: The graph on a server that holds the lock of the writer writing it.
LOCK_GRAPH = URIRef("urn:conflict-kg:graph:lock")
#: The prefix of a lock's IRI (then the writer's uuid).
LOCK_PREFIX = "urn:conflict-kg:lock:"
CREATED = URIRef("http://purl.org/dc/terms/created")
COMMAND = URIRef("urn:conflict-kg:lock#command")
PID = URIRef("urn:conflict-kg:lock#pid")
HOST = URIRef("urn:conflict-kg:lock#host")
#: A graph the writer makes and drops itself (an import's staging graphs): dropped with a
#: lock left behind by a writer that is gone.
MAKES = URIRef("urn:conflict-kg:lock#makes")
#: Seconds between two looks at a lock held by another writer.
LOCK_POLL = 0.5


@dataclass(frozen=True)
class LockHolder:
    """A writer's lock as the server holds it: its token, and what the writer said of
    itself (None where a lock, such as one of an older kg, does not say)."""

    token: str
    created: str | None
    command: str | None
    pid: int | None
    host: str | None
    makes: tuple[URIRef, ...] = ()

    def __str__(self) -> str:
        said = [f"pid {self.pid} on {self.host or 'an unknown host'}"] if self.pid else []
        said += [f"since {self.created}"] if self.created else []
        return (self.command or "another writer") + (f" ({', '.join(said)})" if said else "")

    @property
    def gone(self) -> bool:
        """Whether the writer was a process of this host that no longer runs (a lock it
        left behind when it was killed)."""
        if self.pid is None or self.host != socket.gethostname():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except OSError:  # it runs, as another user
            return False
        return False


def holders(store: EndpointStore) -> list[LockHolder]:
    """The locks on the server, oldest first."""
    rows = store.select(
        "SELECT DISTINCT ?lock ?created ?command ?pid ?host ?makes WHERE { ?lock ?p ?o "
        "OPTIONAL { ?lock ?created_by ?created } OPTIONAL { ?lock ?command_is ?command } "
        "OPTIONAL { ?lock ?pid_is ?pid } OPTIONAL { ?lock ?host_is ?host } "
        "OPTIONAL { ?lock ?makes_graph ?makes } }",
        {
            "created_by": CREATED,
            "command_is": COMMAND,
            "pid_is": PID,
            "host_is": HOST,
            "makes_graph": MAKES,
        },
        graphs=[LOCK_GRAPH],
    ).rows
    found: dict[str, LockHolder] = {}
    for row in rows:
        lock = str(row["lock"])
        pid, makes = row["pid"], row["makes"]
        known = found.get(lock)
        found[lock] = LockHolder(
            token=lock.removeprefix(LOCK_PREFIX),
            created=str(row["created"]) if row["created"] is not None else None,
            command=str(row["command"]) if row["command"] is not None else None,
            pid=int(str(pid)) if pid is not None and str(pid).isdigit() else None,
            host=str(row["host"]) if row["host"] is not None else None,
            makes=(
                *(known.makes if known else ()),
                *([makes] if isinstance(makes, URIRef) else []),
            ),
        )
    return sorted(found.values(), key=lambda h: (h.created or "", h.token))


def will_make(store: EndpointStore, token: str, graphs: Iterable[URIRef]) -> None:
    """Note in the lock ``token`` the graphs its writer is about to make (and will drop
    itself): a writer that finds the lock left behind drops them with it."""
    lock = values.term(URIRef(LOCK_PREFIX + token))
    statements = " ".join(f"{lock} {values.term(MAKES)} {values.term(g)} ." for g in graphs)
    store.update(f"INSERT DATA {{ GRAPH {values.iri(str(LOCK_GRAPH))} {{ {statements} }} }}")


@contextmanager
def server_lock(
    store: EndpointStore,
    wait: float,
    *,
    command: str,
    where: str,
) -> Iterator[str]:
    """Hold the server's writers' lock for the ``with`` block; yields this writer's token.

    Waits up to ``wait`` seconds for another writer (saying who on standard error), then
    raises WriterBusy naming it. A lock left by a process of this host that no longer runs
    is removed, with the graphs it noted (:func:`will_make`). ``command`` says who writes
    (``kg import``), ``where`` names the server in messages."""
    token = uuid.uuid4().hex
    _take(store, token, wait, command, where)
    try:
        yield token
    finally:
        _remove(store, token)


def _take(
    store: EndpointStore,
    token: str,
    wait: float,
    command: str,
    where: str,
) -> None:
    mine = URIRef(LOCK_PREFIX + token)
    deadline = time.monotonic() + wait
    told = False
    while True:
        others = [h for h in holders(store) if h.token != token]
        for holder in [h for h in others if h.gone]:
            tell_waiting(f"Removing the lock of {holder} on {where}: that process is gone")
            if holder.makes:
                store.update(
                    " ;\n".join(f"DROP SILENT GRAPH {values.iri(str(g))}" for g in holder.makes)
                )
            _remove(store, holder.token)
            others.remove(holder)
        if not others:
            created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            said = [
                (CREATED, Literal(created, datatype=XSD.dateTime)),
                (COMMAND, Literal(command)),
                (PID, Literal(os.getpid())),
                (HOST, Literal(socket.gethostname())),
            ]
            statements = " ".join(
                f"{values.term(mine)} {values.term(p)} {values.term(o)} ." for p, o in said
            )
            store.update(
                f"INSERT DATA {{ GRAPH {values.iri(str(LOCK_GRAPH))} {{ {statements} }} }}"
            )
            others = [h for h in holders(store) if h.token != token]
            if not others:
                return
            _remove(store, token)  # two at once: both step back and try again
        if time.monotonic() >= deadline:
            raise WriterBusy(
                f"{where}: {others[0]} is writing to it (waited {wait:g} s); try again when "
                "it is done, or, if that process is gone, remove its lock with the SPARQL "
                f"Update DROP GRAPH <{LOCK_GRAPH}>"
            )
        if not told:
            tell_waiting(
                f"Waiting: {others[0]} is writing to {where}; waiting up to {wait:g} s for it "
                "to finish"
            )
            told = True
        time.sleep(LOCK_POLL * (1 + uuid.uuid4().int % 100 / 100))


def _remove(store: EndpointStore, token: str) -> None:
    lock = values.term(URIRef(LOCK_PREFIX + token))
    store.update(f"DELETE WHERE {{ GRAPH {values.iri(str(LOCK_GRAPH))} {{ {lock} ?p ?o }} }}")


__all__ = ["LOCK_GRAPH", "LOCK_PREFIX", "LockHolder", "holders", "server_lock", "will_make"]
