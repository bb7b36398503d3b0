"""Failure injection: errors (5xx, 429, any status) for the next calls of a method, a delay on
every call, users who block the bot and groups that remove it."""

from __future__ import annotations

from collections import deque
from http import HTTPStatus
from typing import Any

from .state import ServerState
from .users import SimChat, SimUser
from .wire import ApiError, _too_many


class _Injection:
    __slots__ = ("times", "error")

    def __init__(self, times: int, error: ApiError) -> None:
        self.times = times
        self.error = error


class FaultsMixin(ServerState):
    """Injected errors, delays, blocked users and kicked bots."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: seconds added to every method call except getUpdates
        self.delay = 0.0
        self._blocked: set[int] = set()
        self._kicked: set[int] = set()
        self._injections: dict[str, deque[_Injection]] = {}
        #: method -> how many more successful calls lose their response (see drop_responses)
        self._drops: dict[str, int] = {}

    def block(self, user: SimUser | int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends to their private chat now fail with 403. With
        ``notify`` a my_chat_member update (status "kicked") is queued, as Telegram does."""
        uid = user if isinstance(user, int) else user.id
        if uid in self._blocked:
            return
        self._blocked.add(uid)
        if notify and uid in self._users:
            self._my_chat_member(uid, "member", "kicked")

    def unblock(self, user: SimUser | int, *, notify: bool = True) -> None:
        uid = user if isinstance(user, int) else user.id
        if uid not in self._blocked:
            return
        self._blocked.discard(uid)
        if notify and uid in self._users:
            self._my_chat_member(uid, "kicked", "member")

    def is_blocked(self, user: SimUser | int) -> bool:
        return (user if isinstance(user, int) else user.id) in self._blocked

    def kick_bot(self, group: SimChat | int) -> None:
        """Remove the bot from a group: sends there fail with 403."""
        self._kicked.add(group if isinstance(group, int) else group.id)

    def inject_error(
        self,
        method: str,
        status: int = 500,
        times: int = 1,
        description: str | None = None,
        parameters: dict | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` ("*" = any method but getUpdates) fail."""
        if description is None:
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            description = phrase
        self._injections.setdefault(method.lower(), deque()).append(
            _Injection(times, ApiError(status, description, parameters))
        )

    def inject_retry_after(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get 429 with parameters.retry_after."""
        self._injections.setdefault(method.lower(), deque()).append(
            _Injection(times, _too_many(retry_after))
        )

    def drop_responses(self, method: str, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` succeed (a message is delivered) but the
        connection is closed before the response: the bot cannot know it went out."""
        self._drops[method.lower()] = self._drops.get(method.lower(), 0) + times

    def _take_drop(self, method: str) -> bool:
        left = self._drops.get(method.lower(), 0)
        if left <= 0:
            return False
        self._drops[method.lower()] = left - 1
        return True

    def clear_injections(self) -> None:
        self._injections.clear()
        self._drops.clear()

    def _take_injection(self, method: str) -> ApiError | None:
        for key in (method.lower(), "*"):
            if key == "*" and method == "getUpdates":
                continue
            queue = self._injections.get(key)
            if queue:
                injection = queue[0]
                injection.times -= 1
                if injection.times <= 0:
                    queue.popleft()
                return injection.error
        return None
