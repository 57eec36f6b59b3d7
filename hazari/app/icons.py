"""Draw the app's icons: a white tick on Hazari's blue. `python -m hazari.app.icons` writes
them into hazari/app/static/app/icons/; the PNG files are committed, so nothing runs at
deploy time. Pure Python (no imaging library): each pixel's coverage is worked out from its
distance to the shapes, which also anti-aliases the edges.

Android asks for 192 and 512 px icons; the maskable one fills the whole square and keeps
the tick inside the central safe circle (radius 40 %) that any mask shape leaves visible.
"""

import itertools
import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent / "static" / "app" / "icons"
BLUE = (0x0B, 0x5C, 0x8A)
WHITE = (0xFF, 0xFF, 0xFF)
TICK = [(0.27, 0.53), (0.43, 0.69), (0.74, 0.36)]  # in fractions of the side


def _segment_distance(px, py, ax, ay, bx, by) -> float:
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _rounded_box_distance(px, py, size, radius) -> float:
    """Signed distance from a pixel centre to a rounded square filling the image."""
    half = size / 2
    qx = abs(px - half) - (half - radius)
    qy = abs(py - half) - (half - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def draw(size: int, *, maskable: bool) -> bytes:
    scale = 0.72 if maskable else 1.0
    width = size * (0.105 if not maskable else 0.085)
    points = [((0.5 + (x - 0.5) * scale) * size, (0.5 + (y - 0.5) * scale) * size) for x, y in TICK]
    segments = list(itertools.pairwise(points))
    rows = []
    for y in range(size):
        row = bytearray([0])  # PNG filter type 0 for the row
        for x in range(size):
            px, py = x + 0.5, y + 0.5
            if maskable:
                background = 1.0
            else:
                d = _rounded_box_distance(px, py, size, size * 0.22)
                background = max(0.0, min(1.0, 0.5 - d))
            d = min(_segment_distance(px, py, *a, *b) for a, b in segments)
            tick = max(0.0, min(1.0, width / 2 - d + 0.5)) * background
            colour = [round(b * (1 - tick) + w * tick) for b, w in zip(BLUE, WHITE, strict=True)]
            row += bytes([*colour, round(background * 255)])
        rows.append(bytes(row))
    return _png(size, size, b"".join(rows))


def _png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in [
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("maskable-512.png", 512, True),
    ]:
        (OUT / name).write_bytes(draw(size, maskable=maskable))


if __name__ == "__main__":
    main()
