"""A consume folder: files that arrive in it are ingested once they have stopped
growing. Polling (no inotify): every interval the folder is walked and each
file stat'ed; a file whose size and modification time are the same as at the
previous look is ready, and is handed to ingest once (again only if it changes).
"""

import os
import time
from collections.abc import Iterator
from pathlib import Path

from beslut.errors import InputError
from ingest.walk import walk


class Watcher:
    def __init__(self, folder: Path, interval: float = 2.0):
        self.folder = Path(folder)
        self.interval = interval
        self._seen: dict[str, tuple[int, int]] = {}  # path -> (size, mtime_ns) at the last look
        self._handed: dict[str, tuple[int, int]] = {}  # path -> (size, mtime_ns) handed to ingest
        self._reported: set[str] = set()  # walk errors already handed on

    def ready(self) -> list[Path | InputError]:
        """The files that have not changed since the last look and were not handed
        on as they are now; walk errors (an unreadable subfolder) once each."""
        seen, ready = {}, []
        for item in walk([self.folder]):
            if isinstance(item, InputError):
                if str(item.path) not in self._reported:
                    self._reported.add(str(item.path))
                    ready.append(item)
                continue
            path = os.path.abspath(item)
            try:
                st = os.stat(path)
            except OSError:
                try:
                    st = os.lstat(path)  # a broken link: ingest says so, once
                except OSError:
                    continue  # gone already
            signature = (st.st_size, st.st_mtime_ns)
            seen[path] = signature
            if self._seen.get(path) == signature and self._handed.get(path) != signature:
                self._handed[path] = signature
                ready.append(Path(path))
        self._seen = seen
        for path in [p for p in self._handed if p not in seen]:  # deleted: forget it
            del self._handed[path]
        return ready

    def polls(self, *, seconds: float | None = None) -> Iterator[list[Path | InputError]]:
        """ready() every interval (the first at once), for ever or for seconds."""
        deadline = time.monotonic() + seconds if seconds is not None else None
        while True:
            started = time.monotonic()
            yield self.ready()
            if deadline is not None and time.monotonic() >= deadline:
                return
            pause = self.interval - (time.monotonic() - started)
            if deadline is not None:
                pause = min(pause, deadline - time.monotonic())
            if pause > 0:
                time.sleep(pause)
