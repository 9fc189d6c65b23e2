"""A notebook as the book's HTML: widget views replaced, nbval markers hidden, cells
rendered by nbconvert's HTMLExporter (lab markup, tools/site/templates/adamedu) and
parsed once into BeautifulSoup; and the words the book writes for readers who do not
see a figure or whose browser does not typeset maths (`tex_to_text`, `figure_words`).
Used by tools/build_site.py.
"""
import ast
import copy
import logging
import re
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbconvert.preprocessors import ExtractOutputPreprocessor

from adamedu_jupyter.saved import WIDGET_STATE, WIDGET_VIEW, is_still_note

SITE_SRC = Path(__file__).resolve().with_name("site")
NBCONVERT_ALT = "No description has been provided for this image"
NBVAL_COMMENT = re.compile(r"^# *NBVAL_[A-Z_]+ *\n?", re.M)  # test markers, not for readers
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, //host
MATH = re.compile(r"\$[^$]+\$|\\\(|\\\[|\\begin\{")
LOG = logging.getLogger("adamedu.site")
# nbconvert warns of every image without alt text; the builder writes them all afterwards
LOG.addFilter(lambda record: not record.getMessage().startswith("Alternative text is missing"))


def for_readers(nb):
    """The notebook as a reader sees it: no widget views, no nbval markers."""
    nb = drop_widget_views(copy.deepcopy(nb))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = NBVAL_COMMENT.sub("", cell.source)
    return nb


def drop_widget_views(nb):
    """Replace widget views (they need a kernel) by what a reader can see without one.

    The explorer puts a still image beside its view in the same output: that image stays.
    A view with nothing beside it (e.g. `interact`) is replaced by the outputs its Output
    widgets captured when the notebook ran (saved in the notebook's widget state), and
    dropped if there are none, so no empty box or "Loading widget" is left on the page.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.outputs:
            if is_still_note(out):  # "run this cell": the page's live explorer needs none
                continue
            data = out.get("data", {})
            if WIDGET_VIEW in data:
                view = data.pop(WIDGET_VIEW)
                data.pop("text/plain", None)  # the widget's repr, e.g. "VBox(...)"
                if not data:
                    kept += [nbformat.from_dict(o)
                             for o in captured_outputs(state, view.get("model_id"))]
                    continue
            kept.append(out)
        cell.outputs = kept
    nb.metadata.pop("widgets", None)
    return nb


def captured_outputs(state, model_id):
    """Outputs held by the Output widgets inside a widget, depth first."""
    model = state.get(model_id)
    if model is None:
        return []
    if model.get("model_name") == "OutputModel":
        return model["state"].get("outputs", [])
    children = model["state"].get("children", [])
    return [out for child in children if isinstance(child, str)
            for out in captured_outputs(state, child.removeprefix("IPY_MODEL_"))]


def make_exporter():
    exporter = HTMLExporter(log=LOG, extra_template_basedirs=[str(SITE_SRC / "templates")],
                            template_name="adamedu",
                            exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(
        ExtractOutputPreprocessor(extract_output_types={"image/png", "image/jpeg"}),
        enabled=True)
    return exporter


def render(exporter, nb, resources):
    """(soup of the cells, resources): nbconvert's public HTMLExporter, parsed once."""
    text, resources = exporter.from_notebook_node(nb, resources=resources)
    return BeautifulSoup(text, "html.parser"), resources


def drop_remote(soup):
    """Drop remote scripts and stylesheets; return a warning per remote image or media."""
    for el in soup.find_all(["script", "link"]):
        url = el.get("src") or el.get("href")
        if url and REMOTE.match(url):
            el.decompose()
    return [f"remote {el.name} will not show offline: {el['src']}"
            for el in soup.find_all(["img", "video", "audio", "source", "iframe"])
            if REMOTE.match(el.get("src", ""))]


def has_math(soup):
    """Does the page hold TeX for MathJax (in its markdown cells)?"""
    return any(MATH.search(el.get_text()) for el in soup.select(".jp-RenderedMarkdown"))


# ----------------------------------------------------------------------------- words

_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "pi": "π",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "omega": "ω", "Delta": "Δ",
    "Sigma": "Σ", "nabla": "∇", "sum": "Σ", "prod": "Π", "infty": "∞", "cdot": "·",
    "times": "×", "odot": "⊙", "approx": "≈", "le": "≤", "leq": "≤", "ge": "≥",
    "geq": "≥", "ne": "≠", "neq": "≠", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "gets": "←", "pm": "±", "in": "∈", "ll": "≪", "gg": "≫", "partial": "∂", "sim": "∼",
    "propto": "∝", "lVert": "‖", "rVert": "‖", "|": "‖", "mid": "|", "quad": " ",
    "qquad": " ", "dots": "…", "ldots": "…", "cdots": "⋯", "log": "log", "exp": "exp",
    "min": "min", "max": "max", "sqrt": "√", "top": "ᵀ", "prime": "′",
}
_SUB = str.maketrans("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUP = str.maketrans("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ")
_GROUP = r"\{((?:[^{}]|\{[^{}]*\})*)\}"


def _script(text, table, mark):
    """A sub- or superscript in Unicode when every character has one, else with _ or ^."""
    if text and all(ord(c) in table for c in text):
        return text.translate(table)
    return f"{mark}{text}" if len(text) == 1 else f"{mark}({text})"


def _tex(expr):
    s = expr
    for _ in range(3):  # nested groups, from the inside out
        s = re.sub(r"\\frac" + _GROUP + _GROUP, lambda m: f"({m[1]})/({m[2]})", s)
        s = re.sub(r"\\sqrt" + _GROUP, lambda m: f"√({m[1]})", s)
        s = re.sub(r"\\(?:hat|widehat)" + _GROUP, lambda m: f"{m[1]}\u0302", s)
        s = re.sub(r"\\(?:bar|overline)" + _GROUP, lambda m: f"{m[1]}\u0304", s)
        s = re.sub(r"\\(?:tilde)" + _GROUP, lambda m: f"{m[1]}\u0303", s)
        s = re.sub(r"\\(?:mathbf|mathrm|mathit|text|textrm|operatorname|boldsymbol|"
                   r"mathcal|mathbb)" + _GROUP, lambda m: m[1], s)
    s = re.sub(r"\\(?:hat|widehat)\s*(\w)", "\\1\u0302", s)
    s = re.sub(r"\\(left|right|big|Big|bigg|Bigg)\b", "", s)
    s = re.sub(r"\\[,;!: ]", " ", s)
    s = re.sub(r"\\([A-Za-z]+|\|)", lambda m: _SYMBOLS.get(m[1], m[1]), s)
    s = re.sub(r"_" + _GROUP, lambda m: _script(m[1], _SUB, "_"), s)
    s = re.sub(r"\^" + _GROUP, lambda m: _script(m[1], _SUP, "^"), s)
    s = re.sub(r"_(\w)", lambda m: _script(m[1], _SUB, "_"), s)
    s = re.sub(r"\^(\w)", lambda m: _script(m[1], _SUP, "^"), s)
    s = s.replace("{", "").replace("}", "").replace("\\", "")
    return " ".join(s.split())


def tex_to_text(text):
    """Text with its $...$ (and $$...$$) maths written in plain Unicode: "$\\beta_2$" ->
    "β₂", "$\\sqrt{\\hat v_t}$" -> "√(v̂ₜ)". For alt texts, titles and the table of
    contents, which must read without MathJax."""
    text = re.sub(r"\$\$(.+?)\$\$", lambda m: _tex(m[1]), text, flags=re.S)
    return re.sub(r"\$(.+?)\$", lambda m: _tex(m[1]), text, flags=re.S)


_PLOTS = {"paths": "optimizers' paths on a contour plot", "loss_curves": "loss curves",
          "small_multiples": "one contour plot per setting, with the paths",
          "on_surfaces": "optimizers' paths on several surfaces",
          "heatmap": "a heatmap of the final loss over a grid of settings",
          "online_runs": "x_t and the average regret of Adam and AMSGrad",
          "online_small_multiples": "x_t of Adam and AMSGrad, one panel per setting",
          "contour": "a contour plot of the surface",
          "explore": "a still picture of the explorer: the paths on the contour plot and "
                     "the loss curves, a summary line per optimizer",
          "explore_counterexample": "a still picture of the explorer: x_t and the "
                                    "average regret of Adam and AMSGrad",
          "explore_noise": "a still picture of the explorer: the loss curves of each "
                           "optimizer at this noise level"}
_TEXT_ARGS = {"title": "titled", "set_title": "titled", "suptitle": "titled",
              "xlabel": "x axis", "set_xlabel": "x axis", "ylabel": "y axis",
              "set_ylabel": "y axis"}


def figure_words(source):
    """What a figure cell draws, in words, from its code: the plots it calls, its titles
    and axis labels (literal strings only). '' when the code says nothing of the kind."""
    try:
        tree = ast.parse(NBVAL_COMMENT.sub("", source))
    except SyntaxError:
        return ""
    kinds, texts = [], []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name in _PLOTS:
            kinds.append(_PLOTS[name])
        pairs = [(k.arg, k.value) for k in node.keywords]
        if name in _TEXT_ARGS and node.args:
            pairs.append((name, node.args[0]))
        for arg, value in pairs:
            if arg in _TEXT_ARGS and isinstance(value, ast.Constant) \
                    and isinstance(value.value, str):
                texts.append((_TEXT_ARGS[arg], tex_to_text(value.value)))
    parts = list(dict.fromkeys(kinds))
    for what in ("titled", "x axis", "y axis"):
        found = list(dict.fromkeys(t for w, t in texts if w == what))
        if found:
            parts.append(f"{what} " + "; ".join(f"“{t}”" for t in found))
    return ", ".join(parts)


def heading_html(h):
    h = copy.copy(h)
    for a in h.select("a.anchor-link"):
        a.decompose()
    return h.decode_contents().strip()


def heading_text(h):
    return BeautifulSoup(heading_html(h), "html.parser").get_text()


def first_sentences(text, limit=240):
    """The paragraph, or its first sentences up to about `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    short = text[:cut + 1] if cut > 0 else text
    return short if short.count("$") % 2 == 0 else text
