"""The site's fixed parts: the licence page's body, the stylesheet (with the code
highlighting rules), the page script and MathJax (from the django-static-mathjax
package), copied into the site so that no page loads anything from the network. Used by
tools/build_site.py.
"""
import html
import re
import shutil
import sys
from pathlib import Path

from nbconvert.filters.markdown_mistune import markdown2html_mistune
from pygments.formatters import HtmlFormatter

ATTRIBUTION = "adamedu/data/digits_ATTRIBUTION.md"  # the digits data set's licence


def license_body(root, static):
    """license.html's body: the code's licence and the data's attribution, as the repo
    has them."""
    parts = ['<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown">',
             "<h1>Licence and attribution</h1>"]
    if (root / "LICENSE").is_file():
        parts += ["<h2>Code and text</h2>",
                  f"<pre>{html.escape((root / 'LICENSE').read_text())}</pre>"]
    if (root / ATTRIBUTION).is_file():
        text = re.sub(r"^#", "##", (root / ATTRIBUTION).read_text(), flags=re.M)
        parts.append(markdown2html_mistune(text))
    parts += ["<h2>MathJax</h2>", "<p>Math on the lesson pages is typeset by MathJax 3, "
              f'copied into the site; <a href="{static}/mathjax/LICENSE">Apache License '
              "2.0</a>.</p>", "</div>"]
    return "\n".join(parts)


def write_static(static, site_src):
    (static / "mathjax").mkdir(parents=True, exist_ok=True)
    shutil.copy2(site_src / "explorer.js", static / "explorer.js")
    css = (site_src / "site.css").read_text(encoding="utf-8")
    css += "\n/* code highlighting (pygments) */\n"
    css += HtmlFormatter(style="default").get_style_defs(".highlight")
    (static / "site.css").write_text(css, encoding="utf-8")
    mathjax = mathjax_dir()
    shutil.copy2(mathjax / "es5" / "tex-svg-full.js", static / "mathjax")
    shutil.copy2(mathjax / "LICENSE", static / "mathjax" / "LICENSE")


def mathjax_dir():
    try:
        import mathjax  # the django-static-mathjax package: MathJax 3's files, no Django needed
    except ImportError:
        sys.exit("MathJax is missing: install the course requirements "
                 "(pip install -r requirements.txt), which include django-static-mathjax.")
    return Path(mathjax.__file__).resolve().parent / "static" / "mathjax"
