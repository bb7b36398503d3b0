"""The proposal export as XLSX, CSV or JSON: no Telegram code here, so `/ekspor`, the
`python bot.py export` command and bench/export_bench.py share it.

Formula injection: in XLSX and CSV every text starting with =, +, -, @, tab or carriage
return gets a leading apostrophe, so a spreadsheet shows it as text and never evaluates it.
JSON keeps the exact text: it is data for other systems, not a spreadsheet, and a consumer
must not be handed a changed programme name."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

import locales
from schedules.event import Event
from schedules.timefmt import zone_name
from storage import participants as participant_store
from storage import proposals as proposal_store
from storage.db import Database
from storage.participants import Participant

FORMATS = ("xlsx", "csv", "json")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "json": "application/json",
}
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
LANG = "id"  # files are for the regency's office: Indonesian headers

# (column key, width) of the proposals table; headers come from locales export.col.<key>.
PROPOSAL_COLUMNS = (
    ("id", 7),
    ("dimension", 20),
    ("element", 26),
    ("name", 40),
    ("problem", 60),
    ("description", 70),
    ("target", 50),
    ("horizon", 30),
    ("lead_office", 40),
    ("proposer", 26),
    ("proposer_office", 36),
    ("stage", 8),
    ("submitted_at", 18),
    ("updated_at", 18),
)
PARTICIPANT_COLUMNS = (
    ("full_name", 30),
    ("office", 44),
    ("role", 18),
    ("group", 20),
    ("mode", 12),
    ("registered_at", 18),
    ("proposals", 10),
)
DATE_KEYS = {"submitted_at", "updated_at", "registered_at"}


@dataclass
class ExportData:
    event: Event
    generated_at: datetime
    proposals: list[Any]  # sqlite rows of storage.proposals.export_rows
    participants: list[Participant]
    per_user: dict[int, int]
    counts: dict[tuple[str, str], int]


async def collect(db: Database, event: Event, now: datetime) -> ExportData:
    """Everything an export holds, read in a few queries."""
    return ExportData(
        event=event,
        generated_at=now,
        proposals=await proposal_store.export_rows(db),
        participants=await participant_store.registered(db),
        per_user=await proposal_store.submitted_per_user(db),
        counts=await proposal_store.counts_by_dimension_office(db),
    )


def build(data: ExportData, fmt: str) -> bytes:
    if fmt == "xlsx":
        return build_xlsx(data)
    if fmt == "csv":
        return build_csv(data)
    if fmt == "json":
        return build_json(data)
    raise ValueError(f"unknown export format '{fmt}' (expected {', '.join(FORMATS)})")


def filename(data: ExportData, fmt: str) -> str:
    local = data.generated_at.astimezone(data.event.tz)
    return f"usulan-program-{local:%Y%m%d-%H%M}.{fmt}"


def neutralise(value: Any) -> Any:
    """Prefix texts a spreadsheet would read as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


# --- shaping rows --------------------------------------------------------------------------


def _localiser(data: ExportData) -> Any:
    """A function: stored UTC timestamp -> naive local time of the event (what Excel shows)."""
    tz = data.event.tz

    def local(iso: str | None) -> datetime | None:
        if not iso:
            return None
        moment = datetime.fromisoformat(iso)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(tz).replace(tzinfo=None)

    return local


def _local(data: ExportData, iso: str | None) -> datetime | None:
    return _localiser(data)(iso)


def proposal_records(data: ExportData) -> list[dict[str, Any]]:
    """One dict per proposal with display values (local naive datetimes for dates)."""
    event = data.event
    dims = {d.id: d.name for d in event.dimensions}
    offices = {o.id: o.name for o in event.opds}
    stages = {s.number for s in event.stages}
    horizons = {h: locales.plain(LANG, f"proposals.horizon.{h}") for h in proposal_store.HORIZONS}
    anonymous = locales.plain(LANG, "export.anonymised")
    local = _localiser(data)
    out = []
    for row in data.proposals:
        out.append(
            {
                "id": row["id"],
                "dimension_id": row["dimension"],
                "dimension": dims.get(row["dimension"], row["dimension"] or ""),
                "element": row["element"] or "",
                "name": row["name"] or "",
                "problem": row["problem"] or "",
                "description": row["description"] or "",
                "target": row["target"] or "",
                "horizon_id": row["horizon"],
                "horizon": horizons.get(row["horizon"], ""),
                "lead_office_id": row["lead_opd_id"],
                "lead_office": offices.get(row["lead_opd_id"]) or row["lead_opd_other"] or "",
                "proposer": anonymous if row["anonymised"] else (row["proposer_name"] or ""),
                "proposer_office": offices.get(row["proposer_opd_id"])
                or row["proposer_opd_other"]
                or "",
                "stage": row["stage"] if row["stage"] in stages else None,
                "submitted_at": local(row["submitted_at"]),
                "updated_at": local(row["updated_at"]),
            }
        )
    order = {d.id: i for i, d in enumerate(event.dimensions)}  # the event's order, then id
    out.sort(key=lambda r: order.get(r["dimension_id"], len(order)))
    return out


def participant_records(data: ExportData) -> list[dict[str, Any]]:
    event = data.event
    dims = {d.id: d.name for d in event.dimensions}
    out = []
    for p in data.participants:
        out.append(
            {
                "full_name": p.full_name or "",
                "office": event.office_name(p.opd_id, p.opd_other),
                "role": locales.plain(LANG, f"export.role.{p.role}") if p.role else "",
                "group": dims.get(p.dimension or "", locales.plain(LANG, "export.all_groups"))
                if p.dimension
                else "",
                "mode": locales.plain(LANG, f"export.mode.{p.mode}") if p.mode else "",
                "registered_at": _local(data, p.registered_at),
                "proposals": data.per_user.get(p.user_id, 0),
            }
        )
    return out


def summary_rows(data: ExportData) -> tuple[list[str], list[list[Any]]]:
    """Header and rows: each office with its group, its count per dimension and its total;
    then other institutions and the column totals."""
    event = data.event
    dim_ids = [d.id for d in event.dimensions]
    header = [
        locales.plain(LANG, "export.col.office"),
        locales.plain(LANG, "export.col.group"),
        *[d.name for d in event.dimensions],
        locales.plain(LANG, "export.col.total"),
    ]
    rows: list[list[Any]] = []
    offices = [(o.id, o.name, event.dimension(o.dimension)) for o in event.opds]
    for office_id, name, group in offices:
        counts = [data.counts.get((d, office_id), 0) for d in dim_ids]
        rows.append([name, group.name if group else "", *counts, sum(counts)])
    other = [data.counts.get((d, ""), 0) for d in dim_ids]
    rows.append([locales.plain(LANG, "export.rekap_other"), "", *other, sum(other)])
    totals = [sum(r[2 + i] for r in rows) for i in range(len(dim_ids))]
    rows.append([locales.plain(LANG, "export.col.total"), "", *totals, sum(totals)])
    return header, rows


def _headers(columns: tuple[tuple[str, int], ...], data: ExportData) -> list[str]:
    zone = zone_name(data.event.tz, data.generated_at)
    out = []
    for key, _width in columns:
        label = locales.plain(LANG, f"export.col.{key}")
        out.append(f"{label} ({zone})" if key in DATE_KEYS else label)
    return out


# --- XLSX ----------------------------------------------------------------------------------

# Control characters other than tab, line feed and carriage return are not allowed in XLSX
# (the set openpyxl refuses, so files read back the same with it).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
DATE_FORMAT = "dd/mm/yyyy hh:mm"
# XlsxWriter stores column widths in pixels of Calibri 11's digit (7 px) and adds 5 px of
# padding when given characters; giving width x 7 px writes exactly `width` in the file.
DIGIT_PIXELS = 7
XLSX_OPTIONS = {
    "in_memory": True,  # no temporary files: the whole file is built in a BytesIO
    "strings_to_formulas": False,  # every text is text, whatever it starts with
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def _xlsx_row(row: list[Any]) -> list[Any]:
    texts = "".join(v for v in row if isinstance(v, str))
    if ILLEGAL_CHARACTERS_RE.search(texts):
        # Replacing (not dropping) control characters shows that something was there.
        row = [ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in row]
    row = [neutralise(v) for v in row]
    if "\r" in texts:
        # A cell's line break is "\n". XlsxWriter would keep "\r" as the escape _x000D_,
        # which openpyxl and pandas show literally; XML readers made it "\n" in openpyxl's files.
        row = [_line_feeds(v) if isinstance(v, str) else v for v in row]
    return row


def _line_feeds(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _write_row(ws: Worksheet, number: int, values: list[Any], date: Format) -> None:
    """Texts with write_string (never a formula or a link), numbers and dates typed;
    None and "" leave the cell empty."""
    write_string, write_number = ws.write_string, ws.write_number
    for column, value in enumerate(values):
        kind = value.__class__
        if kind is str:
            if value:
                write_string(number, column, value)
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
        _write_row(ws, number, _xlsx_row(row), styles["date"])


def build_xlsx(data: ExportData) -> bytes:
    """A summary sheet, one sheet per dimension, and the participants sheet."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, XLSX_OPTIONS)
    styles = {
        "bold": wb.add_format({"bold": True}),
        "date": wb.add_format({"num_format": DATE_FORMAT}),
    }
    header, rows = summary_rows(data)
    summary_widths = [44, 20] + [12] * 7
    _sheet(wb, locales.plain(LANG, "export.sheet.summary"), header, summary_widths, rows, styles)

    # The dimension is the sheet: its column would only repeat the sheet's name.
    columns = tuple(c for c in PROPOSAL_COLUMNS if c[0] != "dimension")
    keys = [key for key, _ in columns]
    widths = [width for _, width in columns]
    by_dimension: dict[str, list[list[Any]]] = {d.id: [] for d in data.event.dimensions}
    for r in proposal_records(data):
        by_dimension.setdefault(r["dimension_id"], []).append([r[k] for k in keys])
    for dimension in data.event.dimensions:
        rows = by_dimension[dimension.id]
        _sheet(wb, dimension.name, _headers(columns, data), widths, rows, styles)

    p_keys = [key for key, _ in PARTICIPANT_COLUMNS]
    p_rows = [[r[k] for k in p_keys] for r in participant_records(data)]
    _sheet(
        wb,
        locales.plain(LANG, "export.sheet.participants"),
        _headers(PARTICIPANT_COLUMNS, data),
        [w for _, w in PARTICIPANT_COLUMNS],
        p_rows,
        styles,
    )
    wb.close()
    return out.getvalue()


# --- CSV and JSON --------------------------------------------------------------------------


def _csv_value(value: Any) -> Any:
    if value.__class__ is str:
        return "'" + value if value.startswith(DANGEROUS_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return value


def build_csv(data: ExportData) -> bytes:
    """The proposals table; UTF-8 with a BOM so that Excel detects the encoding."""
    keys = [key for key, _ in PROPOSAL_COLUMNS]
    out = io.BytesIO()
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(_headers(PROPOSAL_COLUMNS, data))
    writer.writerows([_csv_value(record[k]) for k in keys] for record in proposal_records(data))
    text.flush()
    return out.getvalue()


def _iso_local(data: ExportData, value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.replace(tzinfo=data.event.tz).isoformat(timespec="seconds")


def build_json(data: ExportData) -> bytes:
    """Exact texts; dates as ISO-8601 with the event's UTC offset."""
    event = data.event
    proposals = []
    for record in proposal_records(data):
        item = dict(record)
        item["submitted_at"] = _iso_local(data, record["submitted_at"])
        item["updated_at"] = _iso_local(data, record["updated_at"])
        proposals.append(item)
    participants_out = []
    for record in participant_records(data):
        item = dict(record)
        item["registered_at"] = _iso_local(data, record["registered_at"])
        participants_out.append(item)
    _header, rows = summary_rows(data)
    dim_ids = [d.id for d in event.dimensions]
    summary = [
        {
            "office": row[0],
            "group": row[1],
            "counts": dict(zip(dim_ids, row[2:-1], strict=True)),
            "total": row[-1],
        }
        for row in rows
    ]
    document = {
        "event": event.event.name,
        "timezone": event.event.timezone,
        "generated_at": data.generated_at.astimezone(event.tz).isoformat(timespec="seconds"),
        "dimensions": [
            {"id": d.id, "name": d.name, "elements": d.elements} for d in event.dimensions
        ],
        "summary": summary,
        "proposals": proposals,
        "participants": participants_out,
    }
    # Compact and ASCII-escaped (\uXXXX): valid UTF-8 JSON for any consumer, and twice as
    # fast to produce as raw UTF-8 when texts hold emoji.
    return json.dumps(document).encode("ascii")
