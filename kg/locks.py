"""Writers take turns: a lock on a folder (flock on its descriptor) held for a whole write.

The lock leaves no file behind and dies with the process that holds it, so a writer killed
with -9 never blocks the next one, and "is a writer at work?" has a true answer. A second
writer says on standard error that it waits, and gives up with WriterBusy (exit 11) after
its time.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path

from kg.errors import WriterBusy

# How long a writer waits for another writer of the same file or store (seconds).
LOCK_WAIT = 60.0
POLL = 0.05


def tell_waiting(message: str) -> None:
    """Say on standard error that a writer waits, so that the user sees why a command
    pauses (the only thing the library prints itself: the pause happens inside it)."""
    print(message, file=sys.stderr, flush=True)


def try_lock(descriptor: int, *, shared: bool = False) -> bool:
    """Take the lock on ``descriptor`` if nobody holds it against us; never wait."""
    try:
        fcntl.flock(descriptor, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def lock_folder(folder: Path, wait: float, *, waiting: str, busy: str) -> int:
    """Lock ``folder`` for one writer and return the descriptor that holds the lock (close
    it to release). If another holds it, print ``waiting`` and try again for ``wait``
    seconds, then raise WriterBusy(``busy``). OSError if the folder cannot be opened."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        if not try_lock(descriptor):
            tell_waiting(waiting)
            deadline = time.monotonic() + wait
            while not try_lock(descriptor):
                if time.monotonic() >= deadline:
                    raise WriterBusy(busy)
                time.sleep(POLL)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor
