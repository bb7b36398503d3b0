"""What the tests read and wait for: the bot's messages per chat, the call log, transcripts,
expect() and going idle."""

# The test-facing API takes timeout= arguments by design (expect, press, wait_idle).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable

from .state import ServerState
from .users import BotMessage, Pattern, SimChat, SimUser, _matches
from .wire import RequestRecord


class ObserveMixin(ServerState):
    """Reading what the bot did, and waiting for it."""

    def sent_messages(self, chat_id: int | SimChat | SimUser | None = None) -> list[BotMessage]:
        """All messages the bot sent (optionally to one chat), in order, current state."""
        if chat_id is None:
            return list(self._bot_order)
        cid = chat_id if isinstance(chat_id, int) else chat_id.id
        return [m for m in self._bot_order if m.chat_id == cid]

    def last_bot_message(self, chat_id: int) -> BotMessage | None:
        for msg in reversed(self._bot_order):
            if msg.chat_id == chat_id and not msg.deleted:
                return msg
        return None

    def latest_with_keyboard(self, chat_id: int) -> BotMessage | None:
        for msg in reversed(self._bot_order):
            if msg.chat_id == chat_id and not msg.deleted and msg.inline_keyboard:
                return msg
        return None

    def bot_message(self, chat_id: int, message_id: int) -> BotMessage | None:
        """The bot's message `message_id` of the chat (None: none such, or a user's)."""
        return self._bot_msgs.get((chat_id, message_id))

    def chat_version(self, chat_id: int) -> int:
        """Grows on every change in the chat (message, edit, deletion, button answer)."""
        return self._versions.get(chat_id, 0)

    def history(self, chat_id: int) -> list[tuple[dict, BotMessage | None, bool]]:
        """Every message of a chat, the users' and the bot's, oldest first: (its Message JSON,
        the bot's BotMessage or None for a user's message, whether it was deleted)."""
        keys = sorted(k for k in self._msgs if k[0] == chat_id)
        return [(self._msgs[k], self._bot_msgs.get(k), k in self._deleted) for k in keys]

    async def wait_change(self, chat_id: int, since: int, timeout: float) -> int:
        """Wait up to `timeout` seconds until the chat's version differs from `since`."""
        await self._wait_until(lambda: self.chat_version(chat_id) != since, timeout)
        return self.chat_version(chat_id)

    def reply_keyboard(self, chat_id: int) -> list[list[str]] | None:
        return self._reply_keyboards.get(chat_id)

    def calls(self, method: str, chat_id: int | None = None) -> list[RequestRecord]:
        """Logged calls of one method (optionally to one chat)."""
        return [
            r
            for r in self.requests
            if r.method.lower() == method.lower() and (chat_id is None or r.chat_id == chat_id)
        ]

    def format_transcript(self, chat_id: int, user_id: int | None = None, last: int = 25) -> str:
        lines = self._timeline.get(chat_id, [])
        head = f"--- chat {chat_id} (last {min(last, len(lines))} of {len(lines)} lines) ---"
        if user_id is not None:
            consumed = self._cursors.get((user_id, chat_id), 0)
            total = len(self._events.get(chat_id, []))
            head += f"\n    expect() consumed {consumed} of {total} bot messages/edits"
        return "\n".join([head, *("    " + line for line in lines[-last:])])

    async def expect(
        self, user_id: int, chat_id: int, pattern: Pattern, timeout: float = 5.0
    ) -> BotMessage:
        key = (user_id, chat_id)

        def find() -> BotMessage | None:
            events = self._events.get(chat_id, [])
            for index in range(self._cursors.get(key, 0), len(events)):
                if _matches(pattern, events[index].text):
                    self._cursors[key] = index + 1
                    return events[index].msg
            return None

        found = await self._wait_until(find, timeout)
        if found is None:
            pat = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
            raise AssertionError(
                f"no bot message matching {pat!r} in chat {chat_id} within {timeout}s\n"
                + self.format_transcript(chat_id, user_id)
            )
        return found

    async def wait_idle_for(
        self, user_id: int, chat_id: int, quiet: float = 0.3, timeout: float = 10.0
    ) -> list[BotMessage]:
        await self._wait_quiet(lambda: self._last_activity.get(chat_id, 0.0), quiet, timeout)
        key = (user_id, chat_id)
        events = self._events.get(chat_id, [])
        new = events[self._cursors.get(key, 0) :]
        self._cursors[key] = len(events)
        result: list[BotMessage] = []
        for event in new:
            if event.msg not in result:
                result.append(event.msg)
        return result

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until every queued update was fetched and the bot was silent for ``quiet`` s."""
        await self._wait_quiet(lambda: self._last_any_activity, quiet, timeout)

    async def _wait_quiet(
        self, last_activity: Callable[[], float], quiet: float, timeout: float
    ) -> None:
        start = time.monotonic()
        deadline = start + timeout
        while True:
            signal = self._signal
            now = time.monotonic()
            pending = self._has_undelivered()
            last = max(start, last_activity(), self._last_delivery)
            if not pending and now - last >= quiet:
                return
            if now >= deadline:
                reason = "updates are still waiting to be fetched" if pending else "still talking"
                raise AssertionError(f"the bot did not go idle within {timeout}s ({reason})")
            wait = deadline - now if pending else min(last + quiet - now, deadline - now)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), max(wait, 0.001))
