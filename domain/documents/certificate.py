"""The e-certificate: landscape A4 with the holder's name (titles as registered), office and
role, the event, stage and dates, the signatory, the verification code and a QR code of the
deep link `start=cek_<code>`."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import locales
from domain.documents.qr import qr_png

if TYPE_CHECKING:
    from domain.documents.pdf import Page

LANG = "id"


@dataclass(frozen=True)
class Content:
    code: str
    name: str
    office: str
    role: str
    event_name: str
    stage_title: str
    dates: str
    place_date: str
    signatory_name: str
    signatory_title: str
    signatory_office: str
    signature_image: str | None
    verify_url: str


def _centred(pdf: Page, width: float, height: float, text: str) -> None:
    """One centred line when it fits (cell is cheap), else wrapped (multi_cell)."""
    if pdf.get_string_width(text) <= width - 2:
        pdf.cell(width, height, text, align="C", new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(width, height, text, align="C", new_x="LMARGIN", new_y="NEXT")


def build(c: Content) -> bytes:
    from domain.documents.pdf import FONT, Page, is_latin  # heavy: when a certificate is made

    texts = [getattr(c, f) or "" for f in c.__dataclass_fields__]
    pdf = Page("L", latin_only=is_latin(*texts))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_draw_color(30, 70, 120)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_y(22)
    pdf.set_font(FONT, "B", 30)
    pdf.cell(width, 14, locales.plain(LANG, "certificates.pdf_title"), align="C",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_font(FONT, "", 11)
    pdf.cell(width, 6, locales.plain(LANG, "certificates.pdf_number", code=c.code), align="C",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(6)
    pdf.set_font(FONT, "", 13)
    pdf.cell(width, 7, locales.plain(LANG, "certificates.pdf_given_to"), align="C",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(2)
    pdf.set_font(FONT, "B", 24)
    _centred(pdf, width, 12, c.name)
    pdf.set_font(FONT, "", 13)
    _centred(pdf, width, 7, c.office)
    pdf.ln(4)
    body = locales.plain(LANG, "certificates.pdf_body", role=c.role, event=c.event_name,
                         stage=c.stage_title, dates=c.dates)  # fmt: skip
    pdf.multi_cell(width, 7, body, align="C", new_x="LMARGIN", new_y="NEXT")
    # The signature block on the right, the QR on the left.
    top = pdf.h - 72
    sign_x, sign_w = pdf.w - 120, 100
    pdf.set_xy(sign_x, top)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(sign_w, 6, f"{c.place_date}\n{c.signatory_title}\n{c.signatory_office}",
                   align="C")  # fmt: skip
    if c.signature_image and Path(c.signature_image).is_file():
        pdf.image(c.signature_image, x=sign_x + 30, y=pdf.get_y(), h=18)
    pdf.set_xy(sign_x, top + 40)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(sign_w, 6, c.signatory_name, align="C")
    qr = 38
    pdf.image(io.BytesIO(qr_png(c.verify_url, scale=5)), x=22, y=top + 4, w=qr)
    pdf.set_xy(22, top + qr + 5)
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(110, 4, locales.plain(LANG, "certificates.pdf_verify", code=c.code))
    return pdf.output_bytes()
