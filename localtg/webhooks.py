"""Webhooks as Telegram runs them: setWebhook, deleteWebhook, getWebhookInfo, and the delivery
of queued updates by POST to the bot's URL.

Delivery: one update at a time, oldest first (so each chat's updates arrive in order), as JSON
with the ``X-Telegram-Bot-Api-Secret-Token`` header when a secret was set. Only an HTTP 200
answer removes the update from the queue; anything else (a refused connection, a 403, a
timeout) is recorded in getWebhookInfo's ``last_error_message`` and the same update is posted
again after a backoff (0.1 s doubling to 1 s here; Telegram's is longer). While a webhook is
set, getUpdates answers 409 (updates.py). A test can make the server ignore the bot's next
answers (`lose_webhook_answers`), as when a proxy drops the connection after the bot got the
update: Telegram then posts the same update again."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from typing import Any, NamedTuple

import aiohttp

from .state import ServerState
from .wire import _bad, _Params

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class WebhookPost(NamedTuple):
    """One delivery attempt: the update, and the HTTP status (0: no answer, see error)."""

    time: float
    update_id: int
    status: int
    error: str


class WebhooksMixin(ServerState):
    """setWebhook / deleteWebhook / getWebhookInfo and the delivery loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._webhook_url = ""
        self._webhook_secret: str | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_session: aiohttp.ClientSession | None = None
        self._webhook_last_error: tuple[int, str] | None = None
        self._webhook_lose = 0
        #: every delivery attempt, in order
        self.webhook_posts: list[WebhookPost] = []
        self.webhook_timeout = 10.0
        self.webhook_backoff = (0.1, 1.0)

    # -- the API -------------------------------------------------------------------------------

    def _api_setWebhook(self, p: _Params) -> bool:
        url = str(p.get("url") or "")
        secret = p.get("secret_token")
        if secret is not None and not _SECRET.match(str(secret)):
            raise _bad("secret token contains unallowed characters")
        if url and not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list) and allowed:
            self._allowed_updates = frozenset(allowed)
        if p.bool("drop_pending_updates"):
            self._drop_pending()
        self._webhook_url = url
        self._webhook_secret = str(secret) if secret else None
        self._webhook_last_error = None
        self._poll_generation += 1  # a long poll in progress ends (Telegram: 409 Conflict)
        self._notify()
        if url:
            self._ensure_delivery()
        return True

    def _api_deleteWebhook(self, p: _Params) -> bool:
        self._webhook_url = ""
        self._webhook_secret = None
        if p.bool("drop_pending_updates"):
            self._drop_pending()
        self._notify()
        return True

    def _api_getWebhookInfo(self, p: _Params) -> dict:
        info: dict[str, Any] = {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
            "max_connections": 1,
        }
        if self._webhook_url and self._webhook_last_error:
            info["last_error_date"], info["last_error_message"] = self._webhook_last_error
        return info

    def _drop_pending(self) -> None:
        self._updates.clear()
        self._delivered_upto = self._next_update_id - 1

    # -- what tests use ------------------------------------------------------------------------

    @property
    def webhook_url(self) -> str:
        return self._webhook_url

    def lose_webhook_answers(self, count: int = 1) -> None:
        """The next `count` answers 200 are treated as lost: the update is posted again."""
        self._webhook_lose += count

    async def post_to_webhook(self, update: dict, secret: str | None) -> int:
        """One raw POST to the webhook URL (a forged request: wrong or missing secret);
        returns the HTTP status. The update is not queued."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with (
            aiohttp.ClientSession() as session,
            session.post(self._webhook_url, json=update, headers=headers) as response,
        ):
            return response.status

    # -- delivery ------------------------------------------------------------------------------

    def _ensure_delivery(self) -> None:
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_loop())

    async def _stop_webhooks(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._webhook_session is not None:
            await self._webhook_session.close()
            self._webhook_session = None

    def _next_for_webhook(self) -> dict | None:
        self._updates = [u for u in self._updates if self._allowed(u)]
        return self._updates[0] if self._updates else None

    async def _deliver_loop(self) -> None:
        if self._webhook_session is None:
            self._webhook_session = aiohttp.ClientSession()
        failures = 0
        while self._webhook_url and not self._closing:
            update = self._next_for_webhook()
            if update is None:
                signal = self._signal
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(signal.wait(), 1.0)
                continue
            if await self._post_update(update):
                failures = 0
                continue
            failures += 1
            first, most = self.webhook_backoff
            await asyncio.sleep(min(first * 2 ** (failures - 1), most))

    async def _post_update(self, update: dict) -> bool:
        """Post one update; True when the bot took it (HTTP 200) and it left the queue."""
        assert self._webhook_session is not None
        url, secret = self._webhook_url, self._webhook_secret
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        status, error = 0, ""
        try:
            async with self._webhook_session.post(
                url,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                status = response.status
                await response.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        update_id = int(update["update_id"])
        if status == 200 and self._webhook_lose > 0:
            self._webhook_lose -= 1
            status, error = 0, "answer lost"
        self.webhook_posts.append(WebhookPost(time.monotonic(), update_id, status, error))
        if status != 200:
            message = error or f"Wrong response from the webhook: {status}"
            self._webhook_last_error = (int(time.time()), message)
            return False
        self._updates = [u for u in self._updates if u["update_id"] != update_id]
        self._delivered_upto = max(self._delivered_upto, update_id)
        self._last_delivery = time.monotonic()
        self._notify()
        return True
