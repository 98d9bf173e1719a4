"""Read a file's identity: stat it, refuse what is not a readable regular file, hash it."""

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from beslut.errors import InputError

MAX_FILE_BYTES = 2 * 1024**3
HEAD_BYTES = 4096


@dataclass(frozen=True)
class SourceFile:
    path: Path
    size: int
    mtime_ns: int
    sha256: str
    head: bytes  # the first bytes, for sniffing the content type


def stat_source(path: Path) -> os.stat_result:
    """Stat a path, turning every OS failure into an InputError a clerk understands."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # bytes of another encoding in the name (Linux allows any)
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise InputError(shown, "the file name is not valid UTF-8; rename the file (e.g. with "
                                "convmv) to ingest it") from None
    try:
        st = os.stat(path)
    except OSError as err:
        raise InputError(path, _describe_os_error(path, err)) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(path, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, "not a regular file (a pipe, socket or device)")
    return st


def read_source(path: Path) -> SourceFile:
    path = Path(path)
    st = stat_source(path)
    if st.st_size == 0:
        raise InputError(path, "empty file (0 bytes)", size=0)
    if st.st_size > MAX_FILE_BYTES:
        raise InputError(path, f"too large ({st.st_size / 1024**3:.1f} GiB; the limit is "
                               f"{MAX_FILE_BYTES // 1024**3} GiB)", size=st.st_size)
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
            f.seek(0)
            digest = hashlib.file_digest(f, "sha256").hexdigest()
    except OSError as err:
        raise InputError(path, _describe_os_error(path, err), size=st.st_size) from None
    return SourceFile(path=path, size=st.st_size, mtime_ns=st.st_mtime_ns, sha256=digest, head=head)


def _describe_os_error(path: Path, err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "symbolic link loop"
    if err.errno == errno.ENOENT:
        if os.path.islink(path):
            return "broken symbolic link (its target does not exist)"
        return "no such file (moved or deleted?)"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if err.errno == errno.EISDIR:
        return "is a folder, not a file"
    return f"cannot read: {err.strerror or err}"
