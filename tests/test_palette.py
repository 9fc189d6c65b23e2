"""The course palette stays readable with colour-vision deficiencies and in greyscale.

Each optimizer colour is passed through Machado, Oliveira and Fernandes (2009)'s
simulation of protanopia, deuteranopia and tritanopia (severity 1.0, applied to linear
RGB), then converted to CIELAB (D65). Metric: CIE76 colour difference ΔE*ab, the
Euclidean distance in CIELAB; threshold: every pair of optimizer colours differs by at
least 15 (about six "just noticeable differences" of 2.3), with normal vision and under
each simulated deficiency. In greyscale every optimizer keeps its own marker and line style.
"""
import itertools

import numpy as np
import pytest

from adamedu import optimizers, plots

MIN_DELTA_E = 15.0
LABELS = sorted({optimizers.make(name).label for name in optimizers.NAMES})

# Machado et al. (2009), Table 1 at severity 1.0: linear RGB -> simulated linear RGB.
MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868],
                   [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968],
                     [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779],
                   [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def linear_rgb(hex_colour):
    srgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def cielab(linear):
    xyz = (SRGB_TO_XYZ @ np.clip(linear, 0, 1)) / WHITE_D65
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_the_simulation_and_lab_conversion_match_known_values():
    assert np.allclose(cielab(linear_rgb("#ffffff")), [100, 0, 0], atol=0.01)
    assert np.allclose(cielab(linear_rgb("#ff0000")), [53.24, 80.09, 67.20], atol=0.05)
    for matrix in MACHADO.values():      # each simulation keeps white white and grey grey
        assert np.allclose(np.array(matrix) @ np.ones(3), 1.0, atol=2e-3)
    # the classic confusion: tab10's red and green collapse for deuteranopes
    red, green = (np.array(MACHADO["deuteranopia"]) @ linear_rgb(c) for c in ("#d62728", "#2ca02c"))
    assert np.linalg.norm(cielab(red) - cielab(green)) < MIN_DELTA_E


@pytest.mark.parametrize("vision", ["normal"] + list(MACHADO))
def test_every_pair_of_optimizer_colours_stays_distinguishable(vision):
    matrix = np.eye(3) if vision == "normal" else np.array(MACHADO[vision])
    lab = {label: cielab(matrix @ linear_rgb(plots.color(label))) for label in LABELS}
    close = [(a, b, round(float(np.linalg.norm(lab[a] - lab[b])), 1))
             for a, b in itertools.combinations(LABELS, 2)
             if np.linalg.norm(lab[a] - lab[b]) < MIN_DELTA_E]
    assert not close, f"{vision}: colours closer than ΔE76 = {MIN_DELTA_E}: {close}"


def test_every_optimizer_has_its_own_marker_and_line_style_for_greyscale():
    styles = {label: plots.style(label) for label in LABELS}
    assert len({s["marker"] for s in styles.values()}) == len(LABELS)
    assert len({str(s["linestyle"]) for s in styles.values()}) == len(LABELS)
    assert all(s["color"] == plots.color(label) for label, s in styles.items())
    assert plots.style("Adam, lr = 0.1") == styles["Adam"]


def test_optimizer_colours_show_on_white():
    """Lines sit on a white page: each colour has WCAG contrast >= 2 against white."""
    def luminance(hex_colour):
        return float(np.array([0.2126, 0.7152, 0.0722]) @ linear_rgb(hex_colour))
    low = {label: round(1.05 / (luminance(plots.color(label)) + 0.05), 2) for label in LABELS
           if 1.05 / (luminance(plots.color(label)) + 0.05) < 2.0}
    assert not low, f"too light on white: {low}"


def test_a_repeated_colour_in_one_figure_also_changes_the_dashes():
    a, b = plots.distinct_styles(["Adam, lr = 0.1", "Adam, lr = 0.01"])
    assert a["color"] != b["color"] and a["linestyle"] != b["linestyle"]


# -- every stored figure of the course -------------------------------------------------------

# matplotlib's default colours (tab10, but its grey) and the course's retired ones: a
# figure drawn with any of them has not taken the course palette
FOREIGN = {"tab10 blue": "#1f77b4", "tab10 orange": "#ff7f0e", "tab10 green": "#2ca02c",
           "tab10 red": "#d62728", "tab10 purple": "#9467bd", "tab10 brown": "#8c564b",
           "tab10 pink": "#e377c2", "tab10 olive": "#bcbd22", "tab10 cyan": "#17becf",
           "old RMSprop pink": "#CC79A7", "old AMSGrad orange": "#E69F00"}
FOREIGN_PIXELS = 20   # a line of a foreign colour leaves hundreds of its pixels


def stored_figures():
    """(notebook, cell id, PNG bytes) of every figure stored in a lesson or solution."""
    import base64
    from pathlib import Path

    import nbformat
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.glob("notebooks/*.ipynb")) + sorted(root.glob("solutions/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                png = out.get("data", {}).get("image/png")
                if png:
                    yield path.name, cell.get("id"), base64.b64decode(png)


def test_every_stored_figure_uses_the_course_palette():
    """No lesson or solution figure draws a line in matplotlib's default colours or in a
    colour the course has retired (within 4 of 255 per channel, at least 20 pixels)."""
    import io

    from PIL import Image
    foreign = {name: np.array([int(h[i:i + 2], 16) for i in (1, 3, 5)])
               for name, h in FOREIGN.items()}
    found, count = [], 0
    for name, cell_id, png in stored_figures():
        count += 1
        # the image's distinct colours with their pixel counts (far fewer than its pixels)
        image = Image.open(io.BytesIO(png)).convert("RGB")
        counts, colours = zip(*image.getcolors(maxcolors=image.width * image.height))
        counts, colours = np.array(counts), np.array(colours)
        for colour, rgb in foreign.items():
            n = int(counts[np.abs(colours - rgb).max(axis=1) <= 4].sum())
            if n >= FOREIGN_PIXELS:
                found.append(f"{name} cell {cell_id}: {n} pixels of {colour}")
    assert count > 50, "no stored figures found"
    assert not found, "figures outside the course palette:\n" + "\n".join(found)


def test_the_series_colours_read_on_white_and_in_greyscale():
    """Lines that are not an optimizer's (plots.SERIES, the default colour cycle) have
    WCAG contrast >= 3 against white and each its own dash pattern."""
    import matplotlib as mpl

    def luminance(hex_colour):
        return float(np.array([0.2126, 0.7152, 0.0722]) @ linear_rgb(hex_colour))
    assert [c for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]] == \
        [c for c, _ in plots.SERIES]
    for colour, _ in plots.SERIES:
        assert 1.05 / (luminance(colour) + 0.05) >= 3.0, colour
    assert len({str(ls) for _, ls in plots.SERIES}) == len(plots.SERIES)
    assert plots.series(1) == {"color": plots.SERIES[1][0], "linestyle": plots.SERIES[1][1]}
