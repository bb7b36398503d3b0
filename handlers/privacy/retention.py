"""The end of retention in the running bot: the job that domain/retention.py describes, run
daily, at start-up, and at the warning and erasure moments (bot.start_reminders plans it on
the reminders' scheduler)."""

from __future__ import annotations

import asyncio

from domain import retention
from handlers.base.context import Services


class RetentionJob:
    """Warn the admins within seven days of the end (once); erase everyone after it. One
    run at a time: the daily run and a run at a planned moment may meet."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._running = asyncio.Lock()

    async def run(self) -> retention.Outcome:
        services = self.services
        assert services.sender is not None  # created in bot.startup before the scheduler
        async with self._running:
            outcome = await retention.run(
                services.db,
                services.event,
                services.clock.now(),
                services.settings.admin_ids,
                services.sender.enqueue,
            )
            if outcome.erased and services.backups is not None:
                await services.backups.after_erasure(services.clock.now())
            return outcome
