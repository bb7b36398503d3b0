"""Applying an event reload in the running bot: /muatulang and the CLI's requests."""

from __future__ import annotations

from domain.event_reload import ReloadResult, reload_event
from handlers.base.context import Services
from storage import event_reloads


async def apply_reload(services: Services) -> ReloadResult:
    """Reload the event file; on success replace the event, re-plan reminders, announce."""
    new, result, messages = await reload_event(
        services.settings.event_file, services.event, services.db, services.clock.now()
    )
    if new is None:
        return result
    services.event = new
    if services.reminders is not None:
        services.reminders.replan(new)
    if messages and services.sender is not None:
        await services.sender.enqueue(messages)
    return result


async def poll_reload_requests(services: Services) -> None:
    """Serve `python bot.py event reload`: the CLI writes a row, the bot answers it here."""
    for request_id in await event_reloads.pending_reloads(services.db):
        result = await apply_reload(services)
        await event_reloads.finish_reload(
            services.db, request_id, str(result.error) if result.error else "ok"
        )
