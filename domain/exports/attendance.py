"""The daftar hadir (attendance list) of one session: read once (`collect`), then written as
XLSX (the proposals export's conventions: bold frozen header, auto-filter, every text a
string, formula-like texts neutralised, real date cells) or as the A4 PDF of
domain/documents/daftar_hadir.py. Shared by /ekspor, /presensi and `python bot.py attendance`."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import locales
from domain.attendance import day_number, stage_label, title_after_day
from domain.exports.records import LANG
from domain.exports.xlsx import DATE_FORMAT, DIGIT_PIXELS, XLSX_OPTIONS, _write_row, _xlsx_row
from schedules.event import Event, Session, Stage
from schedules.timefmt import format_range, zone_name
from storage import attendance as store
from storage import participants
from storage.db import Database

if TYPE_CHECKING:  # XlsxWriter is imported when a workbook is made, not at start-up
    import xlsxwriter

FORMATS = ("xlsx", "pdf")


@dataclass(frozen=True)
class Row:
    name: str
    office: str
    role: str
    group: str
    mode: str  # "Luring" / "Daring"
    method: str  # "QR", "Poster", "Tombol Hadir", "Manual"
    at: datetime  # local time
    marked_by: str


@dataclass
class Sheet:
    event: Event
    stage: Stage
    session: Session
    generated_at: datetime
    rows: list[Row]
    missing: list[Row] = field(default_factory=list)
    ratings: list[tuple[int, str]] = field(default_factory=list)  # (rating, comment)

    @property
    def heading(self) -> str:
        day = locales.plain(
            LANG, "attendance.day", n=day_number(self.stage, self.session, self.event)
        )
        return f"{stage_label(self.stage, LANG)}, {day}"

    @property
    def session_title(self) -> str:
        """The title after the heading's day ("Tahap I, Hari 1: pembukaan ...")."""
        day = locales.plain(
            LANG, "attendance.day", n=day_number(self.stage, self.session, self.event)
        )
        return title_after_day(self.session.title, day)

    @property
    def when(self) -> str:
        return format_range(self.session.start, self.session.end, self.event.tz, LANG)

    @property
    def zone(self) -> str:
        return zone_name(self.event.tz, self.session.start)

    def filename(self, fmt: str) -> str:
        local = self.generated_at.astimezone(self.event.tz)
        return f"daftar-hadir-{self.session.id}-{local:%Y%m%d-%H%M}.{fmt}"


def _text(key: str) -> str:
    return locales.plain(LANG, key)


async def collect(
    db: Database,
    event: Event,
    session_id: str,
    now: datetime,
    ratings: list[tuple[int, str]] | None = None,
) -> Sheet | None:
    """The session's list: who is recorded present (oldest first) and who of its audience is
    not. None for a session the event does not have."""
    found = event.session(session_id)
    if found is None:
        return None
    stage, session = found
    people = {p.user_id: p for p in await participants.registered(db)}
    records = await store.of_session(db, session_id)
    tz = event.tz
    rows = []
    for r in records:
        person = people.get(r.user_id)
        if person is None:
            continue  # deleted or no longer registered: their record went with the data
        marker = people.get(r.marked_by) if r.marked_by is not None else None
        at = datetime.fromisoformat(r.at)
        rows.append(
            _row(event, person, r.mode, _text(f"attendance.method.{r.method}"),
                 (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(tz),
                 (marker.full_name or "") if marker else (str(r.marked_by) if r.marked_by else ""))
        )  # fmt: skip
    here = {r.user_id for r in records}
    missing = [
        _row(event, p, p.mode or "", "", now.astimezone(tz), "")
        for p in sorted(people.values(), key=lambda p: (p.full_name or "").lower())
        if p.user_id not in here and session.audience.admits(p)
    ]
    return Sheet(event, stage, session, now, rows, missing, ratings or [])


def _row(
    event: Event, person: participants.Participant, mode: str, method: str, at: datetime,
    marked_by: str,
) -> Row:  # fmt: skip
    group = event.dimension(person.dimension)
    return Row(
        name=person.full_name or "",
        office=event.office_name(person.opd_id, person.opd_other),
        role=locales.plain(LANG, f"registration.role_{person.role}") if person.role else "",
        group=group.name if group else _text("export.all_groups"),
        mode=locales.plain(LANG, f"export.mode.{mode}") if mode in ("offline", "online") else "",
        method=method,
        at=at,
        marked_by=marked_by,
    )


def build_xlsx(sheet: Sheet) -> bytes:
    """ "Daftar hadir" (present, in order of arrival), "Belum hadir" (the audience not yet
    recorded) and, when there are answers, "Umpan balik" (ratings and comments)."""
    out = io.BytesIO()
    import xlsxwriter

    wb = xlsxwriter.Workbook(out, XLSX_OPTIONS)
    bold = wb.add_format({"bold": True})
    date = wb.add_format({"num_format": DATE_FORMAT})
    zone = f" ({sheet.zone})"
    present = [
        [
            n,
            r.name,
            r.office,
            r.role,
            r.group,
            r.mode,
            r.method,
            r.at.replace(tzinfo=None),
            r.marked_by,
        ]
        for n, r in enumerate(sheet.rows, start=1)
    ]
    cols = ["no", "name", "office", "role", "group", "mode", "method", "at", "marked_by"]
    header = [_text(f"attendance.col.{c}") + (zone if c == "at" else "") for c in cols]
    widths = [5, 30, 40, 18, 20, 10, 14, 18, 24]
    info = [sheet.event.event.name, f"{sheet.heading}: {sheet.session_title}", sheet.when]
    _sheet(wb, _text("attendance.sheet.present"), info, header, widths, present, bold, date)
    missing = [
        [n, r.name, r.office, r.role, r.group, r.mode] for n, r in enumerate(sheet.missing, 1)
    ]
    _sheet(wb, _text("attendance.sheet.missing"), info, header[:6], widths[:6], missing, bold, date)
    if sheet.ratings:
        rated = [[n, rating, comment] for n, (rating, comment) in enumerate(sheet.ratings, 1)]
        head = [
            _text("attendance.col.no"),
            _text("feedback.col.rating"),
            _text("feedback.col.comment"),
        ]
        _sheet(wb, _text("feedback.sheet"), info, head, [5, 10, 80], rated, bold, date)
    wb.close()
    return out.getvalue()


def _sheet(
    wb: xlsxwriter.Workbook, title: str, info: list[str], header: list[str], widths: list[int],
    rows: list[list[Any]], bold: Any, date: Any,
) -> None:  # fmt: skip
    """The event, stage/session and date in the first rows, then the table (its header bold
    and frozen, with an auto-filter)."""
    ws = wb.add_worksheet(title[:31])
    for index, width in enumerate(widths):
        ws.set_column_pixels(index, index, width * DIGIT_PIXELS)
    for number, line in enumerate(info):
        ws.write_string(number, 0, str(_xlsx_row([line])[0]), bold if number == 0 else None)
    top = len(info) + 1
    ws.freeze_panes(top + 1, 0)
    ws.autofilter(top, 0, top + len(rows), len(header) - 1)
    for column, label in enumerate(header):
        ws.write_string(top, column, label, bold)
    styles = {"date": date, "quote": wb.add_format({"quote_prefix": True})}
    for number, row in enumerate(rows, start=top + 1):
        _write_row(ws, number, _xlsx_row(row), styles)


def build(sheet: Sheet, fmt: str) -> bytes:
    if fmt == "xlsx":
        return build_xlsx(sheet)
    if fmt == "pdf":
        from domain.documents import daftar_hadir

        return daftar_hadir.build(sheet)
    raise ValueError(f"unknown format '{fmt}' (expected {', '.join(FORMATS)})")
