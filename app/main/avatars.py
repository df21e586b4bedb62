"""Identicons: the SVG behind an avatar URL (app/models/avatar.py) when there is no Gravatar."""

from functools import lru_cache

GRID = 5


@lru_cache(maxsize=4096)
def identicon_svg(seed: str) -> str:
    """A symmetric 5x5 pattern in one colour, both taken from the seed's bits."""
    bits = int(seed, 16)
    hue = bits % 360
    cells = []
    for row in range(GRID):
        for column in range((GRID + 1) // 2):
            bits >>= 1
            if bits & 1:
                for x in {column, GRID - 1 - column}:
                    cells.append(f'<rect x="{x}" y="{row}" width="1" height="1"/>')
    return (
        # crispEdges: cells meet without the hairline seams anti-aliasing draws between them.
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-0.5 -0.5 {GRID + 1} {GRID + 1}"'
        ' shape-rendering="crispEdges">'
        f'<rect x="-0.5" y="-0.5" width="{GRID + 1}" height="{GRID + 1}" fill="#f0f0f0"/>'
        f'<g fill="hsl({hue},55%,50%)">{"".join(cells)}</g></svg>'
    )
