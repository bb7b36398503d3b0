"""The daftar hadir as a printable A4 PDF in the usual government layout: a header with the
event, stage, session, date and venue; the columns No, Nama, Instansi, Peran, Cara hadir,
Waktu hadir and an empty Tanda tangan column; "Halaman n dari m" on every page."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import locales
from domain.documents.pdf import FONT, Page
from schedules.timefmt import format_time

if TYPE_CHECKING:
    from domain.exports.attendance import Sheet

LANG = "id"
# Column widths in mm (landscape A4 leaves 267 mm between the margins).
WIDTHS = (10, 60, 60, 28, 22, 30, 57)
COLUMNS = ("no", "name", "office", "role", "mode", "at", "signature")


def build(sheet: Sheet) -> bytes:
    pdf = Page("L", numbered=True, page_label=locales.plain(LANG, "attendance.page"))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font(FONT, "B", 14)
    pdf.cell(width, 8, locales.plain(LANG, "attendance.pdf_title").upper(), align="C",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(width, 6, sheet.event.event.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 10)
    venue = sheet.session.location or locales.plain(LANG, "attendance.online_only")
    for key, value in (
        ("attendance.h_stage", sheet.stage.title),
        ("attendance.h_session", f"{sheet.heading}: {sheet.session_title}"),
        ("attendance.h_date", sheet.when),
        ("attendance.h_venue", venue),
    ):
        pdf.cell(32, 6, locales.plain(LANG, key))
        pdf.multi_cell(width - 32, 6, f": {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    headings = [
        locales.plain(LANG, f"attendance.col.{c}") + (f" ({sheet.zone})" if c == "at" else "")
        for c in COLUMNS
    ]
    align = ("C", "L", "L", "L", "L", "C", "L")
    _row(pdf, headings, align, bold=True)
    for number, row in enumerate(sheet.rows, start=1):
        values = (
            str(number), row.name, row.office, row.role, row.mode,
            format_time(row.at, sheet.event.tz, LANG), "",
        )  # fmt: skip
        if pdf.will_page_break(_height(pdf, values)):
            pdf.add_page()
            _row(pdf, headings, align, bold=True)  # the header again on every page
        _row(pdf, values, align)
    if not sheet.rows:
        pdf.ln(4)
        pdf.cell(width, 6, locales.plain(LANG, "attendance.pdf_empty"))
    return pdf.output_bytes()


LINE = 5.0  # mm per line of text in the table
PAD = 1.2


def _width(pdf: Page, text: str) -> float:
    """The text's width in mm in the current font: the glyph widths summed (what fpdf2's
    get_string_width does, without its per-call overhead)."""
    # Always DejaVu (a TrueType font) here, whose widths are keyed by code point.
    widths = cast(dict[int, float], getattr(pdf.current_font, "cw", {}))
    return sum(widths.get(ord(ch), 600) for ch in text) * pdf.font_size / 1000


def _wrap(pdf: Page, text: str, width: float) -> list[str]:
    """Word-wrap to the column (a word longer than the column is cut where it must be).
    fpdf2's table() does this too, but ten times slower: 500 rows must print in a second."""
    room = width - 2 * PAD
    if _width(pdf, text) <= room:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if _width(pdf, candidate) <= room:
            current = candidate
            continue
        if current:
            lines.append(current)
        while _width(pdf, word) > room:
            cut = len(word)
            while cut > 1 and _width(pdf, word[:cut]) > room:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    lines.append(current)
    return lines


def _height(pdf: Page, values: tuple[str, ...] | list[str]) -> float:
    return max(len(_wrap(pdf, v, w)) for v, w in zip(values, WIDTHS, strict=True)) * LINE + PAD


def _row(
    pdf: Page, values: tuple[str, ...] | list[str], align: tuple[str, ...], bold: bool = False
) -> None:
    """One table row: every cell as tall as the tallest, bordered."""
    pdf.set_font(FONT, "B" if bold else "", 9)
    wrapped = [_wrap(pdf, v, w) for v, w in zip(values, WIDTHS, strict=True)]
    height = max(len(lines) for lines in wrapped) * LINE + PAD
    x, y = pdf.l_margin, pdf.get_y()
    for lines, width, how in zip(wrapped, WIDTHS, align, strict=True):
        pdf.rect(x, y, width, height)
        for index, line in enumerate(lines):
            offset = (width - _width(pdf, line)) / 2 if how == "C" else PAD
            # text() places the baseline: a line's height less the descent.
            pdf.text(x + offset, y + PAD / 2 + index * LINE + LINE * 0.72, line)
        x += width
    pdf.set_xy(pdf.l_margin, y + height)
