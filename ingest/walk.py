"""Expand the paths a user gives into the files to ingest, folders recursively.

Symbolic links are followed; a link that leads back into a folder being walked
is reported once as a loop instead of being walked forever. Hidden files and
folders (names starting with '.') inside a folder are skipped; a file named on
the command line is always taken.
"""

import os
from collections.abc import Iterator
from pathlib import Path

from beslut.errors import InputError


def walk(paths) -> Iterator[Path | InputError]:
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk_folder(path, ancestors=frozenset())
        elif path.exists() or path.is_symlink():
            yield path
        else:
            yield InputError(path, "no such file or folder")


def _walk_folder(folder: Path, ancestors: frozenset) -> Iterator[Path | InputError]:
    try:
        key = _identity(folder)
    except OSError as err:
        yield InputError(folder, f"cannot open folder: {err.strerror or err}")
        return
    if key in ancestors:
        yield InputError(folder, f"symbolic link loop (leads back to {os.path.realpath(folder)}); skipped")
        return
    ancestors = ancestors | {key}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        yield InputError(folder, f"cannot list folder: {err.strerror or err}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
        except OSError:
            is_dir = False  # a self-referencing link: reading it reports the loop
        if is_dir:
            yield from _walk_folder(path, ancestors)
        else:
            yield path


def _identity(folder: Path) -> tuple[int, int]:
    st = os.stat(folder)
    return st.st_dev, st.st_ino
