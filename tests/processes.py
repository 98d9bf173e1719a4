"""Looking at real processes and a data home from outside, as the batch tests do."""

import os
import sqlite3
from pathlib import Path

from .conftest import read_db


def descendants(pid: int) -> set[int]:
    """Every process below pid (workers, the fork server, Tesseract), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def stored(home: Path) -> int:
    try:
        return read_db(home, "SELECT count(*) FROM documents")[0][0]
    except sqlite3.Error:
        return 0


def outbox(home: Path) -> int:
    try:
        return read_db(home, "SELECT count(*) FROM index_outbox")[0][0]
    except sqlite3.Error:
        return 0
