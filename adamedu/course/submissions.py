"""Finding the submissions and reading each one once, before any student code runs.

A submission is snapshotted (its bytes and their SHA-256) and never opened again, nor ever
for writing. Only regular files are read: a symbolic link is refused (it may point at
another student's notebook, which would count twice) and a FIFO or device is refused
without being opened. File names are kept as given for opening and shown through
`results.display_name` (bytes that are not UTF-8 and control characters escaped).
"""
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from adamedu.course.results import display_name, kind

MAX_BYTES = 50 * 1024 * 1024      # larger files are not graded


@dataclass
class Submission:
    """One submission as found and snapshotted: nothing is read from disk after this."""
    path: Path          # where it is on disk
    root: str           # the folder argument it was found under ("" for a file argument)
    file: str           # as given, or relative to root, as shown (see display_name)
    data: bytes         # the snapshot (b"" when unreadable)
    sha256: str
    error: str = ""     # why it cannot be read ("" when readable)

    @property
    def shown(self):
        """Its path as the terminal shows it."""
        return display_name(str(self.path))


def collect(paths):
    """(submission files as (path, root, file), skipped: list of messages).

    Folders are searched recursively for *.ipynb in sorted order (links to folders are not
    followed). Hidden files and folders (.ipynb_checkpoints, .dave/...) are skipped, each
    with a message, as are other files. Anything named *.ipynb that is not a folder is
    returned, links and FIFOs too: `snapshot` refuses them with a reason."""
    found, skipped = [], []
    for arg in paths:
        p = Path(arg)
        if not p.is_dir():
            found.append((p, "", display_name(str(arg))))
            continue
        for f in sorted(p.rglob("*")):
            rel = f.relative_to(p)
            real_dir = f.is_dir() and not f.is_symlink()
            hidden = [i for i, part in enumerate(rel.parts) if part.startswith(".")]
            if hidden:
                if hidden[0] == len(rel.parts) - 1 and (real_dir or f.suffix == ".ipynb"):
                    what = "folder" if real_dir else "file"
                    skipped.append(display_name(
                        f"skipped hidden {what} {f}{os.sep if real_dir else ''} (editor copies "
                        f"such as .ipynb_checkpoints live in hidden folders; pass it by name to "
                        f"grade it)"))
                continue
            if real_dir:
                continue
            if f.suffix == ".ipynb":
                found.append((f, display_name(str(arg)), display_name(str(rel))))
            elif f.is_symlink() and f.is_dir():
                skipped.append(display_name(f"skipped (a link to a folder, not followed): {f}"))
            else:
                skipped.append(display_name(f"skipped (not .ipynb): {f}"))
    return found, skipped


def snapshot(path, root, file):
    """Read the whole regular file once, in binary, read-only; never raises."""
    def refused(why):
        return Submission(Path(path), root, file, b"", "", why)

    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            return refused(f"refused: a symbolic link (to {display_name(os.readlink(path))}); "
                           f"a link may count another student's work twice, so grade the file "
                           f"itself")
        if not stat.S_ISREG(mode):
            return refused(f"refused: {kind(mode)}, not a regular file (not opened)")
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        return refused(f"cannot read the file: {e.strerror or e}")
    h, chunks, size = hashlib.sha256(), [], 0
    try:
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced since lstat
                return refused("refused: not a regular file (not read)")
            while chunk := f.read(2**20):
                h.update(chunk)
                size += len(chunk)
                if size <= MAX_BYTES:
                    chunks.append(chunk)
    except OSError as e:
        return refused(f"cannot read the file: {e.strerror or e}")
    error = (f"file is {size // 2**20} MiB, more than the {MAX_BYTES // 2**20} MiB a notebook "
             f"may have") if size > MAX_BYTES else ""
    return Submission(Path(path), root, file, b"" if error else b"".join(chunks),
                      h.hexdigest(), error)
