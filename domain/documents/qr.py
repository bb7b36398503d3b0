"""QR codes as PNG (segno), on their own: the live check-in codes need no PDF library."""

from __future__ import annotations

import io


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of `text` as PNG (error correction M, the usual quiet zone)."""
    import segno  # on the first code, not at start-up

    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
