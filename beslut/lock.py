"""One writer at a time: a lock file in the data home, held with fcntl.flock.

The store (SQLite) and the index (whoosh) each lock themselves, but only for a
moment and with errors a clerk should never see. Commands that write in bulk
(ingest, reindex) take this lock for as long as they run, so that a second one
waits for the first, saying so in one line, instead of failing halfway with a
LockError. The kernel drops the lock when its holder dies, even by kill -9: a
crashed run never leaves it stuck. Searches take no lock.

The file holds the holder's pid and command, for the waiting message.
"""

import fcntl
import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from .errors import BeslutError

LOCK_NAME = "writer.lock"


class WriterBusy(BeslutError):
    """Another beslut process holds the writer lock (and we were asked not to wait)."""

    def __init__(self, holder: str):
        self.holder = holder
        super().__init__(f"another {holder} is running; not waiting for it (--no-wait)")


# Locks this process holds: path -> [descriptor, holds]. The lock is re-entrant
# within a process (a command holding it may reach code that asks for it again);
# a second flock on a new descriptor would wait for ourselves.
_held: dict[str, list[int]] = {}


def _forget_in_child() -> None:
    """A forked child (an OCR page worker) must not keep the lock alive after the
    parent lets go of it: close its copies of the descriptors."""
    for fd, _ in _held.values():
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()


os.register_at_fork(after_in_child=_forget_in_child)


class WriterLock:
    def __init__(self, home: Path, command: str = "ingest"):
        self.path = Path(home) / LOCK_NAME
        self.command = command
        self._holding = False
        self._key = ""

    @property
    def held(self) -> bool:
        return self._holding

    def acquire(self, *, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> None:
        """Take the lock. If another process holds it: wait for it (calling
        on_wait once with a description of the holder, e.g. "ingest (pid 123)"),
        or raise WriterBusy if wait is False."""
        if self._holding:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        key = self._key = str(self.path.resolve())
        if key in _held:  # this process holds it already
            _held[key][1] += 1
            self._holding = True
            return
        # Close-on-exec (Python's default): Tesseract and other children never hold it.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self.holder()
                if not wait:
                    raise WriterBusy(holder) from None
                if on_wait:
                    on_wait(holder)
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {self.command}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        _held[key] = [fd, 1]
        self._holding = True

    def release(self) -> None:
        if not self._holding:
            return
        self._holding = False
        key = self._key
        entry = _held.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] > 0:
            return
        del _held[key]
        try:
            os.ftruncate(entry[0], 0)
        except OSError:
            pass
        os.close(entry[0])  # closing the last descriptor drops the flock

    def busy(self) -> str | None:
        """Who holds the lock now if another process does ("ingest (pid 123)"), else None.
        Only looks: the lock is not kept."""
        if self._holding or str(self.path.resolve()) in _held:
            return None
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return None  # no lock file: nobody has written here yet
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return self.holder()
        finally:
            os.close(fd)
        return None

    def holder(self) -> str:
        """Who holds the lock, as "ingest (pid 123)"; "process" if the file does not say."""
        try:
            pid, _, command = self.path.read_text().strip().partition(" ")
        except OSError:
            return "beslut process"
        if not pid.isdigit():
            return "beslut process"
        return f"{command or 'beslut process'} (pid {pid})"

    @contextmanager
    def waiting(self, on_wait: Callable[[str], None] | None = None):
        """Hold the lock for a with block, waiting for it if need be."""
        self.acquire(wait=True, on_wait=on_wait)
        try:
            yield self
        finally:
            self.release()

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()
