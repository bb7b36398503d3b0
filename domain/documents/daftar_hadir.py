"""The daftar hadir as a printable A4 PDF in the usual government layout: a header with the
event, stage, session, date and venue; the columns No, Nama, Instansi, Peran, Cara hadir,
Waktu hadir and an empty Tanda tangan column; "Halaman n dari m" on every page."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
        ("attendance.h_session", f"{sheet.heading}: {sheet.session.title}"),
        ("attendance.h_date", sheet.when),
        ("attendance.h_venue", venue),
    ):
        pdf.cell(32, 6, locales.plain(LANG, key))
        pdf.multi_cell(width - 32, 6, f": {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "", 9)
    headings = [
        locales.plain(LANG, f"attendance.col.{c}") + (f" ({sheet.zone})" if c == "at" else "")
        for c in COLUMNS
    ]
    with pdf.table(
        col_widths=WIDTHS,
        line_height=7,
        text_align=("CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "CENTER", "LEFT"),
        repeat_headings=1,
        first_row_as_headings=True,
    ) as table:
        head = table.row()
        for label in headings:
            head.cell(label)
        for number, row in enumerate(sheet.rows, start=1):
            cells = table.row()
            for value in (
                str(number), row.name, row.office, row.role, row.mode,
                format_time(row.at, sheet.event.tz, LANG), "",
            ):  # fmt: skip
                cells.cell(value)
    if not sheet.rows:
        pdf.ln(4)
        pdf.cell(width, 6, locales.plain(LANG, "attendance.pdf_empty"))
    return pdf.output_bytes()
