"""Files that hold personal data are owner-only from the moment they exist (UU PDP).

The process umask is not trusted: ``kerjasosial`` sets 077 at start, but a test, a program
that embeds the bot or a wrapper script may not. Files are created with ``os.open`` at
mode 0600 and then set exactly with ``fchmod``, so nobody else can open one even in the
instant between its creation and the first write.
"""

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents owner-only; an existing one keeps its mode."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for created in missing:
        created.chmod(DIR_MODE)
    return path


def create_private(path: Path) -> None:
    """Create ``path`` empty and owner-only before anything is written to it; an existing
    file is refused (FileExistsError)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def write_private(path: Path, data: bytes | bytearray) -> None:
    """Write a new owner-only file; an existing one is refused (FileExistsError)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as file:
        os.fchmod(fd, FILE_MODE)
        file.write(data)
