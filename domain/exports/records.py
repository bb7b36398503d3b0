"""What every export holds, read once from SQLite, and the display records the exporters
write: one dict per proposal and per participant, the summary table, the column headers.

Formula injection: `neutralise` gives a text a spreadsheet would read as a formula (starting
with =, +, -, @, tab or carriage return) a leading apostrophe. The spreadsheet formats (XLSX,
CSV) apply it to every cell; JSON keeps the exact text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import locales
from domain.ranking import Entry, Ranked, rank
from schedules.event import Event
from schedules.timefmt import zone_name
from storage import participants as participant_store
from storage import proposals as proposal_store
from storage import reviews as review_store
from storage import selection as selection_store
from storage.db import Database
from storage.participants import Participant
from storage.reviews import Review
from storage.selection import Round

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")

Columns = tuple[tuple[str, int], ...]

# (column key, width) of the proposals table; headers come from locales export.col.<key>.
PROPOSAL_COLUMNS: Columns = (
    ("id", 7),
    ("dimension", 20),
    ("element", 26),
    ("name", 40),
    ("problem", 60),
    ("description", 70),
    ("target", 50),
    ("horizon", 30),
    ("lead_office", 40),
    ("partners", 40),
    ("planning", 24),
    ("planning_ref", 30),
    ("budget", 18),
    ("budget_source", 16),
    ("location", 30),
    ("proposer", 26),
    ("proposer_office", 36),
    ("stage", 8),
    ("submitted_at", 18),
    ("updated_at", 18),
)


def proposal_columns(event: Event) -> Columns:
    """The proposals table's columns: the target group's only when the event asks it."""
    if not event.proposals.asks("target_group"):
        return PROPOSAL_COLUMNS
    at = keys(PROPOSAL_COLUMNS).index("target") + 1
    return (*PROPOSAL_COLUMNS[:at], ("target_group", 40), *PROPOSAL_COLUMNS[at:])


PARTICIPANT_COLUMNS: Columns = (
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
    # The selection: rounds, each round's ranking, the confirmed programmes (round,
    # proposal), and the reviews of the current version of every ranked proposal.
    rounds: list[Round] = field(default_factory=list)
    rankings: dict[int, list[Ranked]] = field(default_factory=dict)
    chosen: list[tuple[int, int]] = field(default_factory=list)
    reviews: dict[int, list[Review]] = field(default_factory=dict)
    # The language of the headers and labels: the admin's (Indonesian for the command line).
    lang: str = locales.DEFAULT_LANGUAGE


# The masterplan's profiles and the daftar hadir are official documents: always Indonesian.
LANG = locales.DEFAULT_LANGUAGE


async def collect(
    db: Database, event: Event, now: datetime, lang: str = locales.DEFAULT_LANGUAGE
) -> ExportData:
    """Everything an export holds, read in a few queries; headers and labels in `lang`."""
    rankings = await rankings_of(db)
    ranked_ids = sorted({r.entry.proposal_id for ranks in rankings.values() for r in ranks})
    return ExportData(
        event=event,
        generated_at=now,
        proposals=await proposal_store.export_rows(db),
        participants=await participant_store.registered(db),
        per_user=await proposal_store.submitted_per_user(db),
        counts=await proposal_store.counts_by_dimension_office(db),
        rounds=await selection_store.all_rounds(db),
        rankings=rankings,
        chosen=await selection_store.chosen_proposal_ids(db),
        reviews=await review_store.done_of_proposals(db, ranked_ids),
        lang=lang,
    )


async def rankings_of(db: Database) -> dict[int, list[Ranked]]:
    """Every round's ranking (domain/ranking.py's rule)."""
    data = await selection_store.ranking_input(db)
    return {
        rid: rank(Entry(pid, scores, votes) for pid, (scores, votes) in entries.items())
        for rid, entries in data.items()
    }


def neutralise(value: Any) -> Any:
    """Prefix texts a spreadsheet would read as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def _localiser(data: ExportData) -> Callable[[str | None], datetime | None]:
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


def proposal_records(data: ExportData) -> list[dict[str, Any]]:
    """One dict per proposal with display values (local naive datetimes for dates)."""
    event = data.event
    dims: dict[str, str] = {d.id: d.name for d in event.dimensions}
    offices = {o.id: o.name for o in event.opds}
    stages = {s.number for s in event.stages}
    lang = data.lang
    horizons = {h: locales.plain(lang, f"proposals.horizon.{h}") for h in proposal_store.HORIZONS}
    planning = {p: locales.plain(lang, f"proposals.planning.{p}") for p in proposal_store.PLANNING}
    sources = {
        s: locales.plain(lang, f"proposals.source.{s}") for s in proposal_store.BUDGET_SOURCES
    }
    unknown = locales.plain(lang, "proposals.budget_unknown")
    anonymous = locales.plain(lang, "export.anonymised")
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
                "partners": _partners(offices, row["partner_opds"], row["partners_other"]),
                "planning_id": row["planning"],
                "planning": planning.get(row["planning"], ""),
                "planning_ref": row["planning_ref"] or "",
                # Rupiah as a number (a spreadsheet sums it); "Belum diperkirakan" as text.
                "budget": row["budget"]
                if row["budget_status"] == "estimated"
                else (unknown if row["budget_status"] == "unknown" else None),
                "budget_status": row["budget_status"],
                "budget_source_id": row["budget_source"],
                "budget_source": sources.get(row["budget_source"], ""),
                "location": row["location"] or "",
                "target_group": row["target_group"] or "",
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


def _partners(offices: dict[str, str], ids: str | None, other: str | None) -> str:
    """The partner OPD by name, then the typed partners, separated by "; "."""
    names = [offices.get(i, i) for i in proposal_store.partner_list(ids)]
    names += [p for p in (other or "").split("; ") if p]
    return "; ".join(names)


def participant_records(data: ExportData) -> list[dict[str, Any]]:
    event = data.event
    dims: dict[str, str] = {d.id: d.name for d in event.dimensions}
    local = _localiser(data)
    out = []
    for p in data.participants:
        out.append(
            {
                "full_name": p.full_name or "",
                "office": event.office_name(p.opd_id, p.opd_other),
                "role": locales.plain(data.lang, f"registration.role_{p.role}") if p.role else "",
                "group": dims.get(p.dimension or "", locales.plain(data.lang, "export.all_groups"))
                if p.dimension
                else "",
                "mode": locales.plain(data.lang, f"export.mode.{p.mode}") if p.mode else "",
                "registered_at": local(p.registered_at),
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
        locales.plain(data.lang, "export.col.office"),
        locales.plain(data.lang, "export.col.group"),
        *[d.name for d in event.dimensions],
        locales.plain(data.lang, "export.col.total"),
    ]
    rows: list[list[Any]] = []
    offices = [(o.id, o.name, event.dimension(o.dimension)) for o in event.opds]
    for office_id, name, group in offices:
        counts = [data.counts.get((d, office_id), 0) for d in dim_ids]
        rows.append([name, group.name if group else "", *counts, sum(counts)])
    other = [data.counts.get((d, ""), 0) for d in dim_ids]
    rows.append([locales.plain(data.lang, "export.rekap_other"), "", *other, sum(other)])
    totals = [sum(r[2 + i] for r in rows) for i in range(len(dim_ids))]
    rows.append([locales.plain(data.lang, "export.col.total"), "", *totals, sum(totals)])
    return header, rows


def headers(columns: Columns, data: ExportData) -> list[str]:
    """The columns' headers; date columns name the event's time zone ("(WIB)")."""
    zone = zone_name(data.event.tz, data.generated_at)
    out = []
    for key, _width in columns:
        label = locales.plain(data.lang, f"export.col.{key}")
        out.append(f"{label} ({zone})" if key in DATE_KEYS else label)
    return out


def keys(columns: Columns) -> list[str]:
    return [key for key, _width in columns]


def ranking_rows(data: ExportData, dimension: str) -> tuple[list[str], list[list[Any]]] | None:
    """The "Peringkat" sheet of a dimension (None when it had no selection round): per
    round and candidate its rank, the mean score per criterion, the mean, votes, chosen."""
    rounds = [r for r in data.rounds if r.dimension == dimension]
    if not rounds:
        return None
    criteria = data.event.review.criteria
    names = {row["id"]: row["name"] or "" for row in data.proposals}
    chosen = set(data.chosen)
    col = "profiles.col"
    header = [
        locales.plain(data.lang, f"{col}.round"),
        locales.plain(data.lang, f"{col}.rank"),
        locales.plain(data.lang, "export.col.id"),
        locales.plain(data.lang, "export.col.name"),
        *[c.name for c in criteria],
        locales.plain(data.lang, f"{col}.score"),
        locales.plain(data.lang, f"{col}.votes"),
        locales.plain(data.lang, f"{col}.chosen"),
    ]
    yes, no = locales.plain(data.lang, "common.yes"), locales.plain(data.lang, "common.no")
    rows: list[list[Any]] = []
    for round_ in sorted(rounds, key=lambda r: r.id):
        for ranked in data.rankings.get(round_.id, []):
            entry = ranked.entry
            means = entry.criterion_means([c.id for c in criteria])
            rows.append(
                [
                    round_.id,
                    ranked.rank,
                    entry.proposal_id,
                    names.get(entry.proposal_id, ""),
                    *[_rounded(means[c.id]) for c in criteria],
                    _rounded(entry.score),
                    entry.votes,
                    yes if (round_.id, entry.proposal_id) in chosen else no,
                ]
            )
    return header, rows


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None
