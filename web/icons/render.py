"""Renders the app icons (icon-192.png, icon-512.png) that the manifest names: the
favicon's check mark, white on the brand blue, full-bleed so that platforms may mask it
(the mark stays inside the central 80 %). Plain Python, no imaging library:
python3 web/icons/render.py"""

import math
import struct
import zlib
from pathlib import Path

BLUE = (0x3B, 0x4F, 0xD8)
WHITE = (0xFF, 0xFF, 0xFF)
# The check mark in a 512-unit square, as in icon.svg.
POINTS = [(150, 266), (222, 338), (362, 182)]
HALF_WIDTH = 22


def distance_to_segment(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def coverage(x, y, scale, samples=4):
    """How much of pixel (x, y) the stroke covers, from samples x samples points."""
    inside = 0
    for i in range(samples):
        for j in range(samples):
            ux = (x + (i + 0.5) / samples) / scale
            uy = (y + (j + 0.5) / samples) / scale
            d = min(distance_to_segment(ux, uy, *POINTS[k], *POINTS[k + 1]) for k in range(2))
            inside += d <= HALF_WIDTH
    return inside / (samples * samples)


def png(size):
    scale = size / 512
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            a = coverage(x, y, scale)
            row += bytes(round(b + (w - b) * a) for b, w in zip(BLUE, WHITE))
        rows.append(bytes(row))
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data
                                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    here = Path(__file__).parent
    for size in (192, 512):
        (here / f"icon-{size}.png").write_bytes(png(size))
