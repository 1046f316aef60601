"""Bar charts drawn on the server as inline SVG geometry: no script, no style attribute (the CSP forbids both)."""

from dataclasses import dataclass

BAR_WIDTH = 240  # px of the longest bar
BAR_HEIGHT = 16
GAP = 4
LABEL_WIDTH = 150


@dataclass
class Bar:
    label: str
    n: int
    width: int
    y: int


def bars(values: list[tuple[str, int]]) -> dict:
    """Return the geometry of one horizontal bar chart: bars scaled to the largest value, and the SVG size."""
    top = max((n for _, n in values), default=0) or 1
    step = BAR_HEIGHT + GAP
    drawn = [Bar(str(label), n, round(BAR_WIDTH * n / top), i * step) for i, (label, n) in enumerate(values)]
    return {"bars": drawn, "height": len(values) * step, "width": LABEL_WIDTH + BAR_WIDTH + 70,
            "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT, "text_y": BAR_HEIGHT - 4}
