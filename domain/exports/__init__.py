"""The proposal export: `collect` reads everything once, an `Exporter` per format builds the
file. No Telegram code here, so `/ekspor`, `python bot.py export` and bench/export_bench.py
share it through `EXPORTERS`."""

from __future__ import annotations

from domain.exports.base import Exporter
from domain.exports.delimited import CommaCsvExporter, CsvExporter
from domain.exports.docx import DocxExporter
from domain.exports.jsondata import JsonExporter
from domain.exports.records import ExportData, collect, neutralise
from domain.exports.xlsx import XlsxExporter, _unique_title

EXPORTERS: dict[str, Exporter] = {
    exporter.format: exporter
    for exporter in (
        XlsxExporter(),
        CsvExporter(),
        CommaCsvExporter(),
        JsonExporter(),
        DocxExporter(),
    )
}


def exporter(fmt: str) -> Exporter:
    """The exporter of a format; ValueError for a format nobody exports."""
    found = EXPORTERS.get(fmt)
    if found is None:
        raise ValueError(f"unknown export format '{fmt}' (expected {', '.join(EXPORTERS)})")
    return found


def build(data: ExportData, fmt: str) -> bytes:
    """The file of one format."""
    return exporter(fmt).build(data)


__all__ = [
    "EXPORTERS",
    "ExportData",
    "Exporter",
    "build",
    "collect",
    "exporter",
    "neutralise",
    "_unique_title",  # the sheet-name rule, which tests/test_export.py checks
]
