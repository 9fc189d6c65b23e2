"""Keys pressed in the course's widgets stay there: JupyterLab's notebook shortcuts do not see them.

In a notebook's command mode JupyterLab binds plain keys to notebook commands (the arrow
keys and J/K move to another cell, A and B insert one, ...), with selectors that match
any focused element inside the notebook, a radio button or a dropdown included. So an
arrow key meant to choose an option would also move the notebook to the next cell.

Lumino, which dispatches JupyterLab's shortcuts, skips every binding for a key event
whose target carries the attribute `data-lm-suppress-shortcuts` (JupyterLab's own
shortcut editor uses it). A small script sets that attribute on the focused element of
any widget marked with the class `adamedu-keys`, at the moment a key without Ctrl, Alt
or Meta is pressed (and removes it for a key with one of them, so Ctrl+S still saves).
It runs in the capture phase, before JupyterLab's own listener, which JupyterLab attaches
to the document in the bubbling phase.

The script is an ES module shipped with a widget (the `anywidget` package: no build step,
no JupyterLab extension to install). The quiz widget carries it; every explorer marks its
box with `guard(box)`, which returns an invisible widget that loads it, shown inside the box.
"""
import anywidget
import ipywidgets as W

__all__ = ["CLASS", "GUARD_JS", "KeyGuard", "guard"]

CLASS = "adamedu-keys"

GUARD_JS = """
const SUPPRESS = "data-lm-suppress-shortcuts";
function keepKeys(event) {
  const target = event.target;
  if (!(target instanceof Element) || !target.closest(".%s")) return;
  if (event.ctrlKey || event.metaKey || event.altKey) target.removeAttribute(SUPPRESS);
  else target.setAttribute(SUPPRESS, "");
}
if (!globalThis.adameduKeepKeys) {
  globalThis.adameduKeepKeys = true;
  document.addEventListener("keydown", keepKeys, true);
}
""" % CLASS


class KeyGuard(anywidget.AnyWidget):
    """An invisible widget whose only job is to load `GUARD_JS` into the page."""
    _esm = GUARD_JS + "\nexport default { render() {} };\n"


def guard(box):
    """Mark `box` (a widget whose keys should stay with it) and return the invisible
    widget that loads the script; display it with the box (e.g. as its last child)."""
    box.add_class(CLASS)
    return KeyGuard(layout=W.Layout(display="none"))
