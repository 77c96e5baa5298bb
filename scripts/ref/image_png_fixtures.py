#!/usr/bin/env python3
"""Writes small PNG files byte by byte (struct + zlib, no imaging library) and the gray values a decoder must
return for them, as an independent reference for packages/nn/src/image/png.ts.

Gray is luminance 0.299 R + 0.587 G + 0.114 B in [0, 1], alpha composited onto white:
gray = a * lum + (1 - a). Run: python3 scripts/ref/image_png_fixtures.py
"""
import json
import struct
import zlib
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[2] / "packages/nn/test/fixtures/image"


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, bit_depth, color_type, rows: bytes, extra=b"") -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def raw_rows(pixels: np.ndarray, dtype) -> bytes:
    # filter type 0 (None) on every row
    out = b""
    for row in pixels:
        out += b"\x00" + row.astype(dtype).tobytes()
    return out


rng = np.random.default_rng(7)
expected = {}
OUT.mkdir(parents=True, exist_ok=True)

# 8-bit gray 5x3
g8 = rng.integers(0, 256, size=(3, 5))
(OUT / "gray8.png").write_bytes(png(5, 3, 8, 0, raw_rows(g8, np.uint8)))
expected["gray8.png"] = {"width": 5, "height": 3, "gray": (g8 / 255).ravel().tolist()}

# 16-bit gray 4x2 (big-endian samples); decoders rescale to 8 bits: round(v * 255 / 65535)
g16 = rng.integers(0, 65536, size=(2, 4))
(OUT / "gray16.png").write_bytes(png(4, 2, 16, 0, raw_rows(g16, ">u2")))
expected["gray16.png"] = {"width": 4, "height": 2, "gray": (g16 / 65535).ravel().tolist(), "tolerance": 1 / 255}

# 8-bit RGBA 3x3 with varied alpha
rgba = rng.integers(0, 256, size=(3, 3, 4))
rgba[0, 0, 3] = 0  # fully transparent: white
rgba[1, 1, 3] = 255  # opaque
(OUT / "rgba8.png").write_bytes(png(3, 3, 8, 6, raw_rows(rgba.reshape(3, 12), np.uint8)))
lum = (0.299 * rgba[..., 0] + 0.587 * rgba[..., 1] + 0.114 * rgba[..., 2]) / 255
a = rgba[..., 3] / 255
expected["rgba8.png"] = {"width": 3, "height": 3, "gray": (a * lum + (1 - a)).ravel().tolist()}

# 8-bit RGB 2x2
rgb = rng.integers(0, 256, size=(2, 2, 3))
(OUT / "rgb8.png").write_bytes(png(2, 2, 8, 2, raw_rows(rgb.reshape(2, 6), np.uint8)))
lum = (0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]) / 255
expected["rgb8.png"] = {"width": 2, "height": 2, "gray": lum.ravel().tolist()}

# palette (color type 3), 4 colours, 1 byte per index, with tRNS making colour 3 half transparent
palette = np.array([[0, 0, 0], [255, 255, 255], [200, 30, 60], [10, 240, 90]])
alpha = np.array([255, 255, 255, 128])
idx = np.array([[0, 1, 2, 3], [3, 2, 1, 0]])
extra = chunk(b"PLTE", palette.astype(np.uint8).tobytes()) + chunk(b"tRNS", alpha.astype(np.uint8).tobytes())
(OUT / "palette.png").write_bytes(png(4, 2, 8, 3, raw_rows(idx, np.uint8), extra))
p = palette[idx]
lum = (0.299 * p[..., 0] + 0.587 * p[..., 1] + 0.114 * p[..., 2]) / 255
a = alpha[idx] / 255
expected["palette.png"] = {"width": 4, "height": 2, "gray": (a * lum + (1 - a)).ravel().tolist()}

(OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
print("wrote", ", ".join(sorted(expected)), "to", OUT)
