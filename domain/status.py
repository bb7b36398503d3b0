"""`bot.py status`: one screen for the IT officer, from the database (and the event file for
the next reminder), without writing anything. Healthy means: a bot holds the lease and its
heartbeat (renewed every 5 s) is younger than STATUS_MAX_AGE; monitoring reads the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from schedules.event import Event
from schedules.reminders import audience, plan
from storage import instance, processed_updates, status
from storage import participants as participant_store
from storage.db import Database
from storage.outbox import in_doubt_count

OUTBOX_ORDER = ("pending", "sending", "sent", "failed", "blocked", "cancelled")


@dataclass
class Report:
    now: datetime
    path: Path
    size: int  # the database file with its -wal
    version: int
    lease: instance.Lease | None
    run: dict[str, Any] | None
    stopped: dict[str, Any] | None
    last_update: str | None
    outbox: list[status.OutboxCount]
    in_doubt: int
    oldest_waiting: str | None
    backup: dict[str, Any] | None
    last_error: dict[str, Any] | None
    next_reminder: tuple[datetime, str, int] | None  # when, what, how many people
    max_age: int
    problems: list[str] = field(default_factory=list)

    @property
    def heartbeat_age(self) -> float | None:
        if self.lease is None:
            return None
        return (self.now - _time(self.lease.heartbeat_at)).total_seconds()

    @property
    def healthy(self) -> bool:
        return not self.problems


def _time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def file_size(path: Path) -> int:
    """The database and its write-ahead log (what a disk holds for it)."""
    total = 0
    for candidate in (path, Path(f"{path}-wal")):
        if candidate.exists():
            total += candidate.stat().st_size
    return total


async def gather(db: Database, event: Event, now: datetime, max_age: int) -> Report:
    _, version = await status.page_stats(db)
    people = await participant_store.reachable(db)
    report = Report(
        now=now,
        path=db.path,
        size=file_size(db.path),
        version=version,
        lease=await instance.current(db),
        run=await status.get(db, "run"),
        stopped=await status.get(db, "stopped"),
        last_update=await _optional(processed_updates.last_processed(db)),
        outbox=await status.outbox_counts(db),
        in_doubt=await in_doubt_count(db),
        oldest_waiting=await status.outbox_oldest_pending(db),
        backup=await status.get(db, "backup"),
        last_error=await status.get(db, "error"),
        next_reminder=_next_reminder(event, people, now),
        max_age=max_age,
    )
    report.problems = _problems(report)
    return report


async def _optional(query: Any) -> Any:
    """A query on a table an older database may not have yet."""
    try:
        return await query
    except Exception:
        return None


def _next_reminder(
    event: Event, people: list[participant_store.Participant], now: datetime
) -> tuple[datetime, str, int] | None:
    for fire in plan(event):
        if fire.at > now:
            title = f"{fire.stage.title}: {fire.session.title} ({fire.offset} before)"
            return fire.at, title, len(audience(fire.session, people))
    return None


def _problems(report: Report) -> list[str]:
    found = []
    age = report.heartbeat_age
    if age is None:
        found.append("no bot is running on this database")
    elif age > report.max_age:
        found.append(f"the heartbeat is {int(age)} s old (limit {report.max_age} s)")
    if report.oldest_waiting is not None:
        late = (report.now - _time(report.oldest_waiting)).total_seconds()
        if late > 600:
            found.append(f"outbox messages have waited {int(late // 60)} min")
    return found


def _ago(report: Report, text: str | None) -> str:
    if not text:
        return "never"
    moment = _time(text)
    seconds = int((report.now - moment).total_seconds())
    when = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if seconds < 120:
        return f"{when} ({seconds} s ago)"
    if seconds < 7200:
        return f"{when} ({seconds // 60} min ago)"
    return f"{when} ({seconds // 3600} h ago)"


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


def describe(report: Report, tz: Any) -> list[str]:
    """The lines `bot.py status` prints."""
    lines = [
        f"Database:        {report.path} ({_mb(report.size)}, schema version {report.version})"
    ]
    lease, run = report.lease, report.run or {}
    if lease is not None:
        mode = run.get("mode", "?")
        where = f" at {run['webhook_url']}" if run.get("webhook_url") else ""
        lines.append(
            f"Bot:             running, {mode}{where}; process {lease.pid} on {lease.host}, "
            f"started {_ago(report, lease.started_at)}"
        )
        lines.append(f"Heartbeat:       {_ago(report, lease.heartbeat_at)}")
    else:
        stopped = (report.stopped or {}).get("at")
        lines.append(f"Bot:             NOT RUNNING (last stopped: {_ago(report, stopped)})")
    lines.append(f"Last update:     {_ago(report, report.last_update)}")
    totals: dict[str, int] = {}
    kinds: dict[str, dict[str, int]] = {}
    for item in report.outbox:
        totals[item.status] = totals.get(item.status, 0) + item.count
        kinds.setdefault(item.kind, {})[item.status] = item.count
    waiting = totals.get("pending", 0) + totals.get("sending", 0)
    lines.append(
        f"Outbox:          {waiting} waiting, {totals.get('failed', 0)} failed "
        f"({report.in_doubt} in doubt: may have arrived, not sent again), "
        f"{totals.get('blocked', 0)} blocked the bot, {totals.get('sent', 0)} sent"
    )
    for kind, counts in sorted(kinds.items()):
        parts = [f"{name} {counts[name]}" for name in OUTBOX_ORDER if counts.get(name)]
        lines.append(f"  {kind:<15}{', '.join(parts)}")
    if report.next_reminder is not None:
        at, title, count = report.next_reminder
        when = at.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
        lines.append(f"Next reminder:   {when}, {title}, to {count} people")
    else:
        lines.append("Next reminder:   none planned")
    backup = report.backup
    if backup:
        lines.append(
            f"Last backup:     {_ago(report, backup.get('at'))}, {backup.get('path')} "
            f"({_mb(int(backup.get('size', 0)))})"
        )
    else:
        lines.append("Last backup:     none yet")
    error = report.last_error
    if error:
        lines.append(
            f"Last error:      {_ago(report, error.get('at'))}: {error.get('summary')} "
            f"({error.get('count', 1)} times)"
        )
    else:
        lines.append("Last error:      none")
    verdict = "OK" if report.healthy else "PROBLEM: " + "; ".join(report.problems)
    lines.append(f"Status:          {verdict}")
    return lines
