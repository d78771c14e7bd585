"""Box labels: the QR code of a lot's public page, drawn locally (segno, no service)."""

from __future__ import annotations

import segno


def qr_svg(url: str) -> str:
    """An inline SVG of ``url`` (error correction M, scaled for a 5 cm label)."""
    code = segno.make(url, error="m", micro=False)
    svg: str = code.svg_inline(scale=4, border=2, dark="#000", light="#fff")
    return svg
