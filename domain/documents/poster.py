"""The registration desk's A4 poster: a large QR code valid for one session's check-in
window on its day only (domain/attendance.py, kind "p")."""

from __future__ import annotations

import io

import locales
from domain.documents.qr import qr_png


def build(
    lang: str, *, event_name: str, heading: str, session_title: str, when: str, valid: str,
    url: str,
) -> bytes:  # fmt: skip
    from domain.documents.pdf import FONT, Page  # heavy: when a poster is made

    pdf = Page()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font(FONT, "B", 22)
    pdf.multi_cell(width, 11, locales.plain(lang, "attendance.poster_title"), align="C")
    pdf.set_font(FONT, "", 14)
    pdf.multi_cell(width, 7, event_name, align="C")
    pdf.ln(2)
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(width, 8, heading, align="C")
    pdf.set_font(FONT, "", 13)
    pdf.multi_cell(width, 7, session_title, align="C")
    pdf.multi_cell(width, 7, when, align="C")
    size = 130
    pdf.image(io.BytesIO(qr_png(url, scale=12)), x=(pdf.w - size) / 2, y=pdf.get_y() + 6, w=size)
    pdf.set_y(pdf.get_y() + size + 10)
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(width, 8, locales.plain(lang, "attendance.poster_scan"), align="C")
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(width, 6, valid, align="C")
    return pdf.output_bytes()
