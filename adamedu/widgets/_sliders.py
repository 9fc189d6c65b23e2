"""`Sliders`: what every explorer shares: `set()` (check every value, then apply), the
display bundle (the live widget, a still PNG, the readout as text), and updates from the
kernel's threads serialized and coalesced under one lock."""
import base64
import collections
import contextlib
import html
import struct
import threading
import time

import ipywidgets as W

from adamedu import keys

WIDTH = 8.0  # inches at dpi 80: every explorer's figure
# Explorer images are drawn at SCALE pixels per CSS pixel (dpi 80 * SCALE) and shown at
# their size in CSS pixels (`css`, and the still's display metadata), so they stay sharp
# on HiDPI screens and are never stretched.
SCALE = 2
DPI = 80 * SCALE


def css(pixels):
    """An image's size in pixels as the CSS length it is shown at."""
    return f"{pixels / SCALE:g}px"


def still_metadata(png):
    """Display metadata that shows a PNG at its size in CSS pixels (IHDR: width, height)."""
    width, height = struct.unpack(">II", png[16:24])
    return {"image/png": {"width": width / SCALE, "height": height / SCALE}}


class Sliders:
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

    _notes: tuple | list = ()
    _readout_lines: list

    def _start_sync(self):
        self._lock = threading.RLock()
        self._local = threading.local()  # per thread: how deep in our own widget writes
        self._wanted = self._drawn = 0
        self._pending = collections.deque()  # (values_for, new value, when) from listeners
        self._posted_at = 0.0  # when the change being applied arrived (time.monotonic)

    @property
    def png(self) -> bytes:
        """The current figure as PNG bytes."""
        return self.image.value

    @property
    def readout(self) -> list:
        """The readout as plain text lines: one per run, then any notes."""
        return list(self._readout_lines)

    def set(self, **values) -> None:
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
            still = self.still_png()
            data["image/png"] = base64.b64encode(still).decode("ascii")
            data["text/plain"] = "\n".join(self._readout_lines)
        return data, still_metadata(still)

    def _build_view(self, controls):
        """`widget`: the controls above the figure (`image`) and the readout. Keys pressed
        in the explorer stay there (`adamedu.keys`), not reaching JupyterLab's shortcuts."""
        self.image = W.Image(format="png")
        self.image.add_class("adamedu-plot")
        self._readout = W.HTML()
        self._readout.add_class("adamedu-readout")
        self.widget = W.VBox([controls, self.image, self._readout])
        self.widget.add_class("adamedu-explorer")
        self.widget.children = (controls, self.image, keys.guard(self.widget), self._readout)

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
