"""DOCX "Profil Program Unggulan" (python-docx): one section per programme confirmed as
program unggulan, grouped by dimension in the event's order, with real headings (Heading 1
per dimension, Heading 2 per programme) and a table-of-contents field that Word fills when
the document is opened, so the profiles can be pasted into the masterplan."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import locales
from domain import review_text
from domain.exports.base import Exporter
from domain.exports.records import LANG, ExportData, proposal_records

if TYPE_CHECKING:  # python-docx is imported when a document is made, not at start-up
    from docx.document import Document

# The profile's fields, in the masterplan's order: (label key, record keys joined by " – ").
PROFILE_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dimension_element", ("dimension", "element")),
    ("lead_office", ("lead_office",)),
    ("partners", ("partners",)),
    ("problem", ("problem",)),
    ("description", ("description",)),
    ("target", ("target_group", "target")),
    ("planning", ("planning", "planning_ref")),
    ("horizon", ("horizon",)),
    ("budget", ("budget_text", "budget_source")),
    ("location", ("location",)),
    ("reviews", ("reviews",)),
)


def _toc(document: Document) -> None:
    """A TOC field (headings 1-2, as links); Word fills it on opening (updateFields)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    parts: list[tuple[str, dict[str, str], str | None]] = [
        ("w:fldChar", {"w:fldCharType": "begin"}, None),
        ("w:instrText", {"xml:space": "preserve"}, 'TOC \\o "1-2" \\h \\z \\u'),
        ("w:fldChar", {"w:fldCharType": "separate"}, None),
        ("w:t", {}, locales.plain(LANG, "profiles.toc_hint")),
        ("w:fldChar", {"w:fldCharType": "end"}, None),
    ]
    for tag, attrs, text in parts:
        element = OxmlElement(tag)
        for key, value in attrs.items():
            element.set(qn(key), value)
        if text is not None:
            element.text = text
        run._r.append(element)
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)


def _values(record: dict[str, Any], reviews: str) -> dict[str, str]:
    budget = record.get("budget")
    values = {key: str(value) for key, value in record.items() if isinstance(value, str)}
    if isinstance(budget, int):
        values["budget_text"] = "Rp " + f"{budget:,}".replace(",", ".")
    values["reviews"] = reviews
    return values


class DocxExporter(Exporter):
    format = "docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def filename(self, data: ExportData) -> str:
        local = data.generated_at.astimezone(data.event.tz)
        return f"profil-program-unggulan-{local:%Y%m%d-%H%M}.docx"

    def build(self, data: ExportData) -> bytes:
        import docx
        from docx.shared import Pt

        event = data.event
        document = docx.Document()
        document.styles["Normal"].font.size = Pt(11)
        document.add_heading(locales.plain(LANG, "profiles.title"), level=0)
        document.add_paragraph(event.event.name)
        document.add_heading(locales.plain(LANG, "profiles.toc"), level=1)
        _toc(document)
        records = {r["id"]: r for r in proposal_records(data)}
        chosen = [records[pid] for _rid, pid in data.chosen if pid in records]
        if not chosen:
            document.add_paragraph(locales.plain(LANG, "profiles.none"))
        labels = {key: locales.plain(LANG, f"profiles.field.{key}") for key, _ in PROFILE_FIELDS}
        for dimension in event.dimensions:
            mine = [r for r in chosen if r["dimension_id"] == dimension.id]
            if not mine:
                continue
            document.add_heading(dimension.name, level=1)
            for record in mine:
                document.add_heading(record["name"], level=2)
                summary = review_text.summary(event, LANG, data.reviews.get(record["id"], []))
                values = _values(record, summary)
                table = document.add_table(rows=0, cols=2)
                table.style = "Table Grid"
                for key, parts in PROFILE_FIELDS:
                    text = " – ".join(values[p] for p in parts if values.get(p))
                    cells = table.add_row().cells
                    cells[0].text = labels[key]
                    cells[1].text = text or "–"
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
