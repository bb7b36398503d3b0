"""The A4 page every document uses: DejaVu Sans embedded (any Indonesian name, title or
accent prints as typed; Bitstream Vera licence, fonts/LICENSE), and a QR image helper."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of `text` as PNG (error correction M, the usual quiet zone)."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


class Page(FPDF):
    """A4 portrait (or landscape) with the embedded fonts and, when `numbered`, "Halaman n
    dari m" at the foot of every page."""

    def __init__(
        self, orientation: str = "P", numbered: bool = False, page_label: str = ""
    ) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_font(FONT, size=10)
        self.numbered = numbered
        self.page_label = page_label  # "Halaman {page} dari {pages}"
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)

    def footer(self) -> None:
        if not self.numbered:
            return
        self.set_y(-12)
        self.set_font(FONT, size=8)
        label = self.page_label.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 6, label, align="C")

    def output_bytes(self) -> bytes:
        return bytes(self.output())
