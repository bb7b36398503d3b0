"""JSON: event, dimensions, summary, proposals and participants, for other systems. Texts
are exact (never neutralised: a consumer must not be handed a changed programme name);
dates are ISO-8601 with the event's UTC offset."""

from __future__ import annotations

import json
from typing import Any

from domain.exports.base import Exporter
from domain.exports.records import (
    DATE_KEYS,
    ExportData,
    participant_records,
    proposal_records,
    summary_rows,
)


def _iso_dates(data: ExportData, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records with their dates (local, naive) as ISO-8601 with the event's offset; the
    records are fresh, so they are changed in place."""
    tz = data.event.tz
    for record in records:
        for key in DATE_KEYS & record.keys():
            value = record[key]
            if value is not None:
                record[key] = value.replace(tzinfo=tz).isoformat(timespec="seconds")
    return records


class JsonExporter(Exporter):
    format = "json"
    media_type = "application/json"

    def build(self, data: ExportData) -> bytes:
        """Exact texts; dates as ISO-8601 with the event's UTC offset."""
        event = data.event
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
            "proposals": _iso_dates(data, proposal_records(data)),
            "participants": _iso_dates(data, participant_records(data)),
        }
        # Compact and ASCII-escaped (\uXXXX): valid UTF-8 JSON for any consumer, and twice as
        # fast to produce as raw UTF-8 when texts hold emoji.
        return json.dumps(document).encode("ascii")
