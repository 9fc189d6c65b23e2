"""Reading what a sandboxed run wrote, without trusting it, and text made safe to show.

Whatever a submission's worker or kernel wrote may be forged: it is opened without
following links, only when it is a regular file (never a FIFO or device, which could
block), read up to a size cap, and parsed defensively. Text from a submission (its file
name, error messages, cell ids) goes through `clean` before it reaches the terminal, a CSV
file, the JSON or the report: bytes that are not UTF-8 and control characters are shown
escaped, and the length is capped.
"""
import json
import os
import stat
import unicodedata

MAX_REASON = 500          # characters of one reason, error or flag
MAX_NAME = 300            # characters of a file name as shown


class TooLarge(ValueError):
    """The file is larger than the cap."""


def read_bytes(path, limit):
    """The bytes of the regular file at path. Raises OSError (missing, a link, not a regular
    file) or TooLarge (more than limit bytes). Never blocks on a FIFO."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(f"not a regular file ({kind(mode)})")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"more than {limit} bytes")
    return data


def load_json(path, limit):
    """The JSON in the regular file at path (see `read_bytes`); ValueError if it is not
    JSON (too deep, not UTF-8, too large)."""
    try:
        return json.loads(read_bytes(path, limit).decode("utf-8"))
    except RecursionError:
        raise ValueError("nested too deeply") from None


def worker_output(path, cells, limit):
    """(status of each of `cells` cells, {answer: results text or None}) from a worker's
    stdout file, or None when it holds no usable report. Anything unexpected in it is
    dropped or replaced, never trusted."""
    try:
        data = read_bytes(path, limit)
    except (OSError, ValueError):
        return None
    lines = data.rstrip(b"\n").rsplit(b"\n", 1)
    try:
        out = json.loads(lines[-1].decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(out, dict) or not isinstance(out.get("status"), list):
        return None
    status = [clean(s) if isinstance(s, str) else "no status" for s in out["status"][:cells]]
    status += ["not run"] * (cells - len(status))
    results = out.get("results")
    results = {k: v for k, v in results.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(results, dict) else {}
    return status, results


def kind(mode):
    """What a file of this st_mode is, in words."""
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "not a regular file"


def clean(text, limit=MAX_REASON):
    """text safe to show anywhere: surrogates (bytes that were not UTF-8) as \\xNN or
    \\udcNN, control and bidi characters as \\xNN / \\uNNNN, at most limit characters."""
    out = []
    for ch in str(text):
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Cf") and ch not in "\u200c\u200d":
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
        if len(out) > limit:
            break
    text = "".join(out)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def display_name(name):
    """A file name (str from the file system) as the outputs show it, cleaned."""
    return clean(name, MAX_NAME)
