#!/usr/bin/env python3
"""Draws the app's install icons (public/icon-192.png, icon-512.png, icon-maskable-512.png) from the
favicon's shapes (public/favicon.svg): a green square, a white head and shoulders. Plain Python
(zlib + struct) so no image tool is needed; run again only if the logo changes."""
import struct
import zlib
from pathlib import Path

GREEN, WHITE = (0x0B, 0x6E, 0x4F), (0xFF, 0xFF, 0xFF)


def pixel(x, y, n, rounded):
    # Coordinates in the favicon's 32-unit box, sampled at the pixel's centre.
    u, v = (x + 0.5) * 32 / n, (y + 0.5) * 32 / n
    r = 7 if rounded else 0
    cx, cy = min(max(u, r), 32 - r), min(max(v, r), 32 - r)
    if rounded and (u - cx) ** 2 + (v - cy) ** 2 > r * r:
        return None  # outside the rounded corner: transparent
    head = (u - 16) ** 2 + (v - 11) ** 2 <= 25
    # The shoulders: the upper half of an ellipse centred at (16, 27), 9 wide and 9 high.
    body = v <= 27 and ((u - 16) / 9) ** 2 + ((v - 27) / 9) ** 2 <= 1
    return WHITE if head or body else GREEN


def png(n, rounded):
    rows = bytearray()
    for y in range(n):
        rows.append(0)
        for x in range(n):
            c = pixel(x, y, n, rounded)
            rows.extend((*c, 255) if c else (0, 0, 0, 0))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", n, n, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


out = Path(__file__).resolve().parent.parent / "public"
(out / "icon-192.png").write_bytes(png(192, True))
(out / "icon-512.png").write_bytes(png(512, True))
# Maskable: full bleed, the launcher cuts its own shape.
(out / "icon-maskable-512.png").write_bytes(png(512, False))
