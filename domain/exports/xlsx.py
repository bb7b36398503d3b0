"""XLSX (XlsxWriter, built in memory): a summary sheet, one sheet per dimension and the
participants sheet. Every text is written as a string, never a formula or a link; a text a
spreadsheet would read as a formula ("=...", "+62...") gets Excel's quote-prefix style
(XlsxWriter's `quote_prefix`): it shows as typed, without a visible apostrophe, and stays text
when the cell is edited. (The CSV, which has no styles, keeps the apostrophe.)"""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

import locales
from domain.exports.base import Exporter
from domain.exports.records import (
    DANGEROUS_STARTS,
    PARTICIPANT_COLUMNS,
    ExportData,
    headers,
    keys,
    participant_records,
    proposal_columns,
    proposal_records,
    ranking_rows,
    summary_rows,
)

if TYPE_CHECKING:  # XlsxWriter is imported when a workbook is made, not at start-up
    import xlsxwriter
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

# Control characters other than tab, line feed and carriage return are not allowed in XLSX
# (the set openpyxl refuses, so files read back the same with it).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
DATE_FORMAT = "dd/mm/yyyy hh:mm"
# XlsxWriter stores column widths in pixels of Calibri 11's digit (7 px) and adds 5 px of
# padding when given characters; giving width x 7 px writes exactly `width` in the file.
DIGIT_PIXELS = 7
SUMMARY_WIDTHS = [44, 20] + [12] * 7
XLSX_OPTIONS = {
    "in_memory": True,  # no temporary files: the whole file is built in a BytesIO
    "strings_to_formulas": False,  # every text is text, whatever it starts with
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class _Quoted(str):
    """A text that reads as a formula: written with the quote-prefix style."""

    __slots__ = ()


def _quoted(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return _Quoted(value)
    return value


def _xlsx_row(row: list[Any]) -> list[Any]:
    texts = "".join(v for v in row if isinstance(v, str))
    if ILLEGAL_CHARACTERS_RE.search(texts):
        # Replacing (not dropping) control characters shows that something was there.
        row = [ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in row]
    row = [_quoted(v) for v in row]
    if "\r" in texts:
        # A cell's line break is "\n". XlsxWriter would keep "\r" as the escape _x000D_,
        # which openpyxl and pandas show literally; XML readers made it "\n" in openpyxl's files.
        row = [_line_feeds(v) if isinstance(v, str) else v for v in row]
    return row


def _line_feeds(text: str) -> str:
    fed = text.replace("\r\n", "\n").replace("\r", "\n")
    return _Quoted(fed) if isinstance(text, _Quoted) else fed


def _write_row(ws: Worksheet, number: int, values: list[Any], styles: dict[str, Format]) -> None:
    """Texts with write_string (never a formula or a link; quote-prefixed when they read as
    one), numbers and dates typed; None and "" leave the cell empty."""
    write_string, write_number = ws.write_string, ws.write_number
    date, quote = styles["date"], styles["quote"]
    for column, value in enumerate(values):
        kind = value.__class__
        if kind is str:
            if value:
                write_string(number, column, value)
        elif kind is _Quoted:
            write_string(number, column, str(value), quote)
        elif kind is int or kind is float:
            write_number(number, column, value)
        elif kind is datetime:
            ws.write_datetime(number, column, value, date)
        elif value is not None:
            write_string(number, column, str(value))


def _unique_title(wb: xlsxwriter.Workbook, title: str) -> str:
    """Sheet names are unique regardless of case and at most 31 characters long: a repeated
    one gets a number, as openpyxl did ("Smart Living", "Smart Living1")."""
    taken = {ws.get_name().lower() for ws in wb.worksheets()}
    title = title[:31]
    candidate, number = title, 0
    while candidate.lower() in taken:
        number += 1
        candidate = f"{title[: 31 - len(str(number))]}{number}"
    return candidate


def _sheet(
    wb: xlsxwriter.Workbook,
    title: str,
    header: list[str],
    widths: list[int],
    rows: list[list[Any]],
    styles: dict[str, Format],
) -> None:
    ws = wb.add_worksheet(_unique_title(wb, title))
    for index, width in enumerate(widths):
        ws.set_column_pixels(index, index, width * DIGIT_PIXELS)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), len(header) - 1)
    for column, label in enumerate(header):
        ws.write_string(0, column, label, styles["bold"])
    for number, row in enumerate(rows, start=1):
        _write_row(ws, number, _xlsx_row(row), styles)


class XlsxExporter(Exporter):
    format = "xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def build(self, data: ExportData) -> bytes:
        """A summary sheet, one sheet per dimension, and the participants sheet."""
        import xlsxwriter

        out = io.BytesIO()
        wb = xlsxwriter.Workbook(out, XLSX_OPTIONS)
        styles = {
            "bold": wb.add_format({"bold": True}),
            "date": wb.add_format({"num_format": DATE_FORMAT}),
            "quote": wb.add_format({"quote_prefix": True}),
        }
        header, rows = summary_rows(data)
        title = locales.plain(data.lang, "export.sheet.summary")
        _sheet(wb, title, header, SUMMARY_WIDTHS, rows, styles)

        # The dimension is the sheet: its column would only repeat the sheet's name.
        columns = tuple(c for c in proposal_columns(data.event) if c[0] != "dimension")
        names = keys(columns)
        widths = [width for _, width in columns]
        by_dimension: dict[str, list[list[Any]]] = {d.id: [] for d in data.event.dimensions}
        for r in proposal_records(data):
            by_dimension.setdefault(r["dimension_id"], []).append([r[k] for k in names])
        for dimension in data.event.dimensions:
            rows = by_dimension[dimension.id]
            _sheet(wb, dimension.name, headers(columns, data), widths, rows, styles)

        for dimension in data.event.dimensions:
            ranking = ranking_rows(data, dimension.id)
            if ranking is not None:
                header, rows = ranking
                widths = [9, 10, 7, 40] + [12] * (len(header) - 7) + [12, 8, 9]
                title = f"{locales.plain(data.lang, 'profiles.sheet')} {dimension.name}"
                _sheet(wb, title, header, widths, rows, styles)

        p_keys = keys(PARTICIPANT_COLUMNS)
        p_rows = [[r[k] for k in p_keys] for r in participant_records(data)]
        _sheet(
            wb,
            locales.plain(data.lang, "export.sheet.participants"),
            headers(PARTICIPANT_COLUMNS, data),
            [w for _, w in PARTICIPANT_COLUMNS],
            p_rows,
            styles,
        )
        wb.close()
        return out.getvalue()
