"""The bot's notion of "now", injectable so that tests control time without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock time, optionally shifted: tests move it with `shift` or `set`."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        return datetime.now(UTC) + self.offset

    def set(self, moment: datetime) -> None:
        """Make `now()` return `moment` from this instant on (time keeps running)."""
        self.offset = moment - datetime.now(UTC)

    def shift(self, delta: timedelta) -> None:
        self.offset += delta
