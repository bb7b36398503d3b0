"""Callback queries: a simulated press queues one; the bot must answer it with
answerCallbackQuery (once, at most 200 characters)."""

# The test-facing API takes timeout= arguments by design (expect, press, wait_idle).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from .state import ServerState
from .users import BotMessage, CallbackAnswer, SimUser
from .wire import MAX_CALLBACK_ANSWER, QUERY_TOO_OLD, _bad, _Params


class _Query:
    __slots__ = ("user", "msg", "data", "future")

    def __init__(self, user: SimUser, msg: BotMessage, data: str, future: asyncio.Future) -> None:
        self.user = user
        self.msg = msg
        self.data = data
        self.future = future


class CallbacksMixin(ServerState):
    """Button presses and their answers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._query_ids = itertools.count(4_382_000_000_000_000_001)
        self._queries: dict[str, _Query] = {}

    def callback_query(self, user: SimUser, msg: BotMessage, data: str) -> str:
        """Queue a callback_query update for a button press; returns the query id."""
        query_id = str(next(self._query_ids))
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._queries[query_id] = _Query(user, msg, data, future)
        chat_instance = str(abs(hash((msg.chat_id, self.bot_id))) % 10**18)
        update = {
            "callback_query": {
                "id": query_id,
                "from": user.to_dict(),
                "message": msg.raw,
                "chat_instance": chat_instance,
                "data": data,
            }
        }
        self._log_line(msg.chat_id, f"> {user.first_name} pressed {data!r} on #{msg.message_id}")
        self._enqueue(update)
        return query_id

    async def wait_callback_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        query = self._queries[query_id]
        try:
            return await asyncio.wait_for(asyncio.shield(query.future), timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not call answerCallbackQuery for {query.data!r} within {timeout}s\n"
                + self.format_transcript(query.msg.chat_id, query.user.id)
            ) from None

    def _api_answerCallbackQuery(self, p: _Params) -> bool:
        query = self._queries.get(str(p.get("callback_query_id") or ""))
        if query is None or query.future.done():
            raise _bad(QUERY_TOO_OLD)
        text = p.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
            raise _bad("MESSAGE_TOO_LONG")
        answer = CallbackAnswer(
            query_id=str(p["callback_query_id"]),
            text=str(text) if text is not None else None,
            show_alert=p.bool("show_alert"),
            url=p.get("url"),
            cache_time=p.int("cache_time"),
        )
        query.future.set_result(answer)
        note = f" {answer.text!r}" if answer.text else ""
        self._log_line(
            query.msg.chat_id,
            f"< bot answered callback{note}" + (" (alert)" if answer.show_alert else ""),
        )
        self._notify()
        return True

    def _cancel_queries(self) -> None:
        """On stop: nobody waits for an answer any more."""
        for query in self._queries.values():
            if not query.future.done():
                query.future.cancel()
