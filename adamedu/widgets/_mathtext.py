"""One mathtext parser per renderer type for every explorer: a parser caches its parses
(the log axes' tick labels, 10^{-3} ...), and a new figure's renderer starts with its own."""
_PARSERS: dict = {}


def share(canvas) -> None:
    """Give the canvas's renderer the explorers' shared mathtext parser."""
    renderer = canvas.get_renderer()
    renderer.mathtext_parser = _PARSERS.setdefault(type(renderer), renderer.mathtext_parser)
