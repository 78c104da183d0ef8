"""Conway's Game of Life on a sparse set of live cells, with RLE loading."""

import re
import sys
from collections import Counter


def step(live, wrap=None):
    counts = Counter()
    for x, y in live:
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if dx or dy:
                    nx, ny = x + dx, y + dy
                    if wrap:
                        nx, ny = nx % wrap[0], ny % wrap[1]
                    counts[nx, ny] += 1
    return {cell for cell, n in counts.items() if n == 3 or (n == 2 and cell in live)}


def from_rle(text):
    body = "".join(line for line in text.splitlines() if not line.startswith(("#", "x")))
    live, x, y = set(), 0, 0
    for count, tag in re.findall(r"(\d*)([bo$!])", body):
        n = int(count or 1)
        if tag == "o":
            live.update((x + i, y) for i in range(n))
        if tag in "bo":
            x += n
        elif tag == "$":
            x, y = 0, y + n
        else:
            break
    return live


def render(live, width=10, height=6):
    return "\n".join("".join("#" if (x, y) in live else "." for x in range(width)) for y in range(height))


if __name__ == "__main__":
    glider = from_rle("x = 3, y = 3\nbob$2bo$3o!")
    for generation in range(int(sys.argv[1]) if len(sys.argv) > 1 else 4):
        print(f"generation {generation}\n{render(glider)}\n")
        glider = step(glider)
