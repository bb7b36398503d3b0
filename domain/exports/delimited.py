"""CSV: the proposals table, UTF-8 with a BOM so that Excel detects the encoding; texts a
spreadsheet would read as formulas are neutralised (a leading apostrophe).

Two dialects: `;` by default, which Excel with Indonesian regional settings (decimal comma,
list separator `;`) opens in columns, and `,` for other tools (pandas, LibreOffice, Google
Sheets, Excel in English)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from domain.exports.base import Exporter
from domain.exports.records import (
    ExportData,
    headers,
    keys,
    neutralise,
    proposal_columns,
    proposal_records,
)


def _csv_value(value: Any) -> Any:
    if value.__class__ is str:
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return value


class CsvExporter(Exporter):
    """`;`-separated: what Excel with Indonesian regional settings expects."""

    format = "csv"
    media_type = "text/csv"
    delimiter = ";"

    @property
    def label(self) -> str:
        return f"CSV ({self.delimiter})"

    def build(self, data: ExportData) -> bytes:
        """The proposals table; UTF-8 with a BOM so that Excel detects the encoding."""
        columns = proposal_columns(data.event)
        names = keys(columns)
        out = io.BytesIO()
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text, delimiter=self.delimiter)
        writer.writerow(headers(columns, data))
        writer.writerows([_csv_value(r[k]) for k in names] for r in proposal_records(data))
        text.flush()
        return out.getvalue()


class CommaCsvExporter(CsvExporter):
    """`,`-separated, for other tools."""

    format = "csv-comma"
    extension = "csv"
    delimiter = ","
