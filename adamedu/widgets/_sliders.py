"""What every explorer shares: value checks, PNG encoding, and `_Sliders` (set(), the
display bundle, and updates serialized across the kernel's threads)."""
import base64
import collections
import contextlib
import html
import numbers
import struct
import threading
import time
import zlib

import ipywidgets as W
import matplotlib as mpl
import numpy as np

from adamedu import _check, keys

_WIDTH = 8.0  # inches at dpi 80: every explorer's figure
# One mathtext parser per renderer type for every explorer: a parser caches its parses
# (the log axes' tick labels, 10^{-3} ...), and a new figure's renderer starts with its own.
_PARSERS = {}


# What constrained layout gave, by what decides it (`_laid_out`): laying out costs a full
# draw, and explorers with the same texts, limits and size lay out alike.
_LAYOUTS, _LAYOUTS_KEPT, _LAYOUTS_LOCK = {}, 64, threading.Lock()


def _share_mathtext(canvas):
    """Give the canvas's renderer the explorers' shared mathtext parser."""
    renderer = canvas.get_renderer()
    renderer.mathtext_parser = _PARSERS.setdefault(type(renderer), renderer.mathtext_parser)


def _rc():
    """matplotlib's current settings, as a key."""
    return str(list(dict.items(mpl.rcParams)))


def _laid_out(figure, axes, rc_made, lay_out, *extra):
    """What `lay_out()` returns for these axes, computed once per kernel for what decides
    a constrained layout: the texts around the axes, their limits and scales, the figure's
    size, matplotlib's settings when the axes were made (`rc_made`, tick sizes are fixed
    then) and now, and `extra`. `lay_out` runs with the axes back on their grid positions
    and in the layout (not where the last layout put them)."""
    key = (tuple((a.get_xlim(), a.get_ylim(), a.get_xscale(), a.get_yscale(), a.get_title(),
                  a.get_xlabel(), a.get_ylabel(), a.get_aspect()) for a in axes),
           tuple(figure.get_size_inches()), figure.dpi, rc_made, _rc(), extra)
    placed = _LAYOUTS.get(key)
    if placed is None:
        for a in axes:
            a.set_position(a.get_subplotspec().get_position(figure))
            a.set_in_layout(True)  # set_position took it out of the layout
        placed = lay_out()
        with _LAYOUTS_LOCK:
            if len(_LAYOUTS) >= _LAYOUTS_KEPT:
                _LAYOUTS.pop(next(iter(_LAYOUTS)))
            _LAYOUTS[key] = placed
    return placed


def _fmt(value):
    """A hyperparameter value as a short string (0.001, 1e-08, 0.9999, True)."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(value)
    return f"{value:.4g}"


def _rate(key, value):
    """A decay rate (beta1, beta2, alpha) as a float in [0, 1), any other chosen setting
    (momentum, weight_decay) >= 0, or a ValueError that says why."""
    if key in ("beta1", "beta2", "alpha"):
        return _check.number(key, value, 0.0, 1.0, f"{key} is the decay rate of a moving "
                             f"average; at 1 or more it never forgets (or grows), below 0 it "
                             f"flips sign", open_high=True)
    return _check.number(key, value, 0.0, why="it cannot be negative")


def _clamp(key, value, low, high, notes, why=""):
    """value clipped to [low, high], with a note when it had to move."""
    if low <= value <= high:
        return value
    new = min(max(value, low), high)
    notes.append(f"{key}={_fmt(value)} is outside the slider's range "
                 f"[{_fmt(low)}, {_fmt(high)}]{why}; using {_fmt(new)}")
    return new


def _whole(key, value, low, high, notes):
    """value as an int clipped to [low, high] (with a note), or a ValueError if it is
    not a whole number (2.0, as typed in code, is one)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _clamp(key, _check.whole(key, value), low, high, notes)


def _png(rgba):
    """An RGBA pixel array (height, width, 4) as PNG bytes, written directly: rows
    unfiltered, zlib level 1. On an explorer's image that is 1.7x faster than Pillow's
    fastest setting (whose per-row filter search costs more than it saves here) and no
    larger; speed matters more than size for an image sent on every slider move."""
    h, w, _ = rgba.shape
    rows = np.zeros((h, 1 + 3 * w), np.uint8)  # a 0 before each row: "no filter"
    rows[:, 1:] = rgba[:, :, :3].reshape(h, 3 * w)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind))))
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


class _Sliders:
    """What every explorer shares. A subclass calls `_start_sync()` first, builds its
    controls, passes them to `_build_view`, listens to them with `_guarded`, and defines
    `_plan(values, notes)` (validate everything, return the writes), `_refresh()`
    (recompute, redraw, set `_readout_lines`) and `still_png()`.

    Threads: ipykernel 7 may deliver widget messages on more than one thread. State
    changes (`_apply`) and redraws (`_refresh`) run under one lock, so one redraw runs at
    a time. A slider listener only posts its change to `_pending` and then tries the
    lock without waiting: the thread that holds it applies every posted change, in the
    order they came, before each redraw, and goes round again if changes were posted
    meanwhile. Every holder of the lock does so when it lets go (`_locked`), and `set`
    applies what was posted before its own values. So a burst of changes during one
    redraw costs one more redraw, not one each, and the last redraw shows the latest
    values. Each change bumps `_wanted`; a redraw records the change count it drew in
    `_drawn`.
    """

    _notes = ()

    def _start_sync(self):
        self._lock = threading.RLock()
        self._local = threading.local()  # per thread: how deep in our own widget writes
        self._wanted = self._drawn = 0
        self._pending = collections.deque()  # (values_for, new value, when) from listeners
        self._posted_at = 0.0  # when the change being applied arrived (time.monotonic)

    @property
    def png(self):
        """The current figure as PNG bytes."""
        return self.image.value

    @property
    def readout(self):
        """The readout as plain text lines: one per run, then any notes."""
        return list(self._readout_lines)

    def set(self, **values):
        """Change controls and redraw: the code a slider change runs. Every value is
        checked before any is applied, so a bad one changes nothing. Returns None once
        the figure shows the new values."""
        with self._locked():
            self._apply_posted()  # slider moves that came before this call come first
            self._apply(values)
        self._catch_up(wait=True)

    @contextlib.contextmanager
    def _locked(self):
        """Hold the lock; on leaving, apply and draw what listeners posted meanwhile (a
        listener that finds the lock busy leaves its change to the holder)."""
        try:
            with self._lock:
                yield
        finally:
            if self._pending:
                self._catch_up(wait=False)

    def _apply(self, values):
        """Check every value, then write them all (without triggering our listeners)."""
        notes = []
        plan = self._plan(values, notes)
        with self._quiet():
            for apply in plan:
                apply()
        self._notes = notes
        self._wanted += 1

    def _catch_up(self, wait):
        """Apply the posted changes and redraw until the figure shows the latest values.
        With wait=False (a slider), return at once if another thread holds the lock: that
        thread applies what was posted and redraws before it stops; a failed redraw is
        reported in the readout. With wait=True (`set`), a failed redraw raises."""
        while True:
            if not self._lock.acquire(blocking=wait):
                return
            try:
                self._apply_posted()
                wanted = self._wanted
                if self._drawn != wanted:
                    try:
                        self._refresh()
                    except Exception as err:
                        if wait:  # set() from Python: the caller sees the error
                            raise
                        self._say_failed(err)  # a slider: never a traceback in a lesson
                    finally:
                        self._drawn = wanted
            finally:
                self._lock.release()
            # checked after the release: a change posted while we held the lock found it
            # busy and left its redraw to us
            if not self._pending and self._drawn == self._wanted:
                return

    def _apply_posted(self):
        while self._pending:
            values_for, new, self._posted_at = self._pending.popleft()
            try:
                values = values_for(new)
                if values is not None:  # None: nothing to do
                    self._apply(values)
            except Exception as err:  # a bad value changes nothing and says why
                self._say_failed(err)

    def _say_failed(self, err):
        self._readout.value = f"<i>could not update: {html.escape(str(err))}</i>"

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """The live widget, a still PNG for readers without a kernel, the readout as text."""
        with self._locked():
            data = self.widget._repr_mimebundle_()
            data["image/png"] = base64.b64encode(self.still_png()).decode("ascii")
            data["text/plain"] = "\n".join(self._readout_lines)
        return data

    def _build_view(self, controls):
        """`widget`: the controls above the figure (`image`) and the readout. Keys pressed
        in the controls stay there (`adamedu.keys`), not reaching JupyterLab's shortcuts."""
        controls.children += (keys.guard(controls),)
        self.image = W.Image(format="png")
        self.image.add_class("adamedu-plot")
        self._readout = W.HTML()
        self._readout.add_class("adamedu-readout")
        self.widget = W.VBox([controls, self.image, self._readout])
        self.widget.add_class("adamedu-explorer")

    def _guarded(self, values_for):
        """A widget listener: post values_for(new value) (a dict for set(), or None for
        no change) and redraw, except for writes made by the explorer itself; an error
        goes to the readout, never a traceback."""
        def listener(change):
            if getattr(self._local, "quiet", 0):
                return
            self._pending.append((values_for, change["new"], time.monotonic()))
            self._catch_up(wait=False)
        return listener

    @contextlib.contextmanager
    def _quiet(self):
        """Widget writes made inside, on this thread, do not trigger our listeners."""
        self._local.quiet = getattr(self._local, "quiet", 0) + 1
        try:
            yield
        finally:
            self._local.quiet -= 1
