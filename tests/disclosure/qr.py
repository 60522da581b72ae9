"""Reading back a QR code from the inline <svg> segno writes (a path of horizontal runs),
and decoding it with zxing-cpp, as a phone would."""

from __future__ import annotations

import re

import numpy as np
import zxingcpp


def svg_matrix(svg: str) -> np.ndarray:
    """The dark modules of segno's path ("M x y h n m dx dy h n ...") as a 0/1 array."""
    d = re.search(r'\bd="([^"]+)"', svg).group(1)
    x = y = 0.0
    runs = []
    for cmd, args in re.findall(r"([MmHh])([-\d.\s]+)", d):
        nums = [float(v) for v in args.split()]
        if cmd == "M":
            x, y = nums
        elif cmd == "m":
            x, y = x + nums[0], y + nums[1]
        elif cmd in "hH":
            length = nums[0] if cmd == "h" else nums[0] - x
            runs.append((int(y), int(x), int(x + length)))
            x += length
    size = max(r[2] for r in runs) + 4  # the quiet zone on the right and bottom
    grid = np.zeros((size, size), dtype=np.uint8)
    for row, start, end in runs:
        grid[row, start:end] = 1
    return grid


def decode_svg(svg: str, scale: int = 6) -> str | None:
    """The text a QR reader finds in the code, None when it finds none."""
    dark = svg_matrix(svg)
    image = np.where(dark == 1, 0, 255).astype(np.uint8)
    image = np.kron(image, np.ones((scale, scale), dtype=np.uint8))
    result = zxingcpp.read_barcode(image)
    return result.text if result else None
