"""The update queue and getUpdates long polling, with the conflicts Telegram reports (a second
poller, an active webhook)."""

from __future__ import annotations

import copy
import time
from typing import Any

from .state import ServerState
from .wire import ApiError, _Params

_DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


class UpdatesMixin(ServerState):
    """Queued updates and their delivery by getUpdates."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._updates: list[dict] = []
        self._next_update_id = 10_001
        self._delivered_upto = 0
        self._last_delivery = 0.0
        self._allowed_updates: frozenset[str] = _DEFAULT_UPDATE_TYPES
        self._poll_generation = 0

    def enqueue_update(self, update: dict) -> int:
        """Queue a raw update (without update_id); returns its update_id."""
        return self._enqueue(update)

    @property
    def pending_updates(self) -> list[dict]:
        """Updates queued but not yet confirmed by the bot."""
        return list(self._updates)

    def _has_undelivered(self) -> bool:
        return any(u["update_id"] > self._delivered_upto for u in self._updates)

    def _enqueue(self, update: dict) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, **copy.deepcopy(update)})
        self._notify()
        return update_id

    def enqueue_raw(self, update: dict) -> int:
        """Queue an update exactly as given (a shape the real server should not send, but
        one that can arrive); returns its update_id."""
        return self._enqueue(update)

    async def _api_getUpdates(self, p: _Params) -> list[dict]:
        if self._webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.int("offset", default=0) or 0
        limit = min(max(p.int("limit", default=100) or 100, 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else _DEFAULT_UPDATE_TYPES
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older long poll (e.g. from a disconnected client) ends with 409

        def ready() -> list[dict] | None:
            if self._poll_generation != generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only "
                    "one bot instance is running",
                )
            self._updates = [u for u in self._updates if self._allowed(u)]
            return self._updates[:limit] or None

        batch = await self._wait_until(ready, timeout) or []
        if batch:
            self._delivered_upto = max(self._delivered_upto, batch[-1]["update_id"])
            self._last_delivery = time.monotonic()
            self._notify()
        return batch

    def _allowed(self, update: dict) -> bool:
        return any(key in self._allowed_updates for key in update if key != "update_id")
