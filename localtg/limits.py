"""Telegram's flood limits, enforced live (``enforce_limits``) and replayed over the call log
(`limit_violations`, always), counting only successful message-creating calls (sendMessage,
sendPhoto, sendDocument, copyMessage, forwardMessage, sendMediaGroup (= 1), ...; not edits,
deletes, chat actions or callback answers):

* overall: at most 30 messages in any sliding 1 s window;
* private chat (chat_id > 0): token bucket, burst of 3, refilled at 1 message per second;
* group chat (chat_id < 0): at most 20 messages in any sliding 60 s window.

A refused call gets ``429 Too Many Requests: retry after N`` with ``parameters.retry_after = N``,
N = whole seconds (rounded up, at least 1) until the call would be allowed."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .state import ServerState
from .wire import COUNTED_METHODS, RequestRecord, _too_many

GLOBAL_PER_SECOND = 30
PRIVATE_BURST = 3
PRIVATE_PER_SECOND = 1.0
GROUP_PER_MINUTE = 20


@dataclass(frozen=True)
class LimitViolation:
    rule: str  # "global" | "private_chat" | "group_chat"
    time: float
    chat_id: int
    method: str
    detail: str


class _RateState:
    """The three limits, shared by live enforcement and by limit_violations()."""

    def __init__(self) -> None:
        self.global_times: deque[float] = deque()
        self.private: dict[int, tuple[float, float]] = {}
        self.groups: dict[int, deque[float]] = {}

    def _tokens(self, chat_id: int, t: float) -> float:
        tokens, last = self.private.get(chat_id, (float(PRIVATE_BURST), t))
        return min(float(PRIVATE_BURST), tokens + max(0.0, t - last) * PRIVATE_PER_SECOND)

    def check(self, chat_id: int, t: float) -> tuple[str, float, str] | None:
        """(rule, seconds to wait, detail) of the first limit this send would break."""
        window = self.global_times
        while window and window[0] <= t - 1.0:
            window.popleft()
        if len(window) >= GLOBAL_PER_SECOND:
            return (
                "global",
                window[0] + 1.0 - t,
                f"{len(window) + 1} messages within 1 s (max {GLOBAL_PER_SECOND})",
            )
        if chat_id > 0:
            tokens = self._tokens(chat_id, t)
            if tokens < 1.0 - 1e-9:
                return (
                    "private_chat",
                    (1.0 - tokens) / PRIVATE_PER_SECOND,
                    f"private chat over 1 msg/s (burst {PRIVATE_BURST}); tokens={tokens:.2f}",
                )
        elif chat_id < 0:
            group = self.groups.setdefault(chat_id, deque())
            while group and group[0] <= t - 60.0:
                group.popleft()
            if len(group) >= GROUP_PER_MINUTE:
                return (
                    "group_chat",
                    group[0] + 60.0 - t,
                    f"{len(group) + 1} messages within 60 s (max {GROUP_PER_MINUTE})",
                )
        return None

    def record(self, chat_id: int, t: float) -> None:
        self.global_times.append(t)
        if chat_id > 0:
            self.private[chat_id] = (max(0.0, self._tokens(chat_id, t) - 1.0), t)
        elif chat_id < 0:
            self.groups.setdefault(chat_id, deque()).append(t)


def _retry_after(seconds: float) -> int:
    return max(1, math.ceil(seconds - 1e-9))


class LimitsMixin(ServerState):
    """Live enforcement and the replay of the limits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: answer 429 when a send would break the limits (see module docstring)
        self.enforce_limits = False
        self._rate = _RateState()

    def limit_violations(self, requests: Iterable[tuple] | None = None) -> list[LimitViolation]:
        """Replay the successful message sends of ``requests`` (default: this server's log)
        against the three limits; return every send that broke one."""
        log = [
            RequestRecord(*r)
            for r in (self.requests if requests is None else requests)
            if r[4] == 200 and r[1] in COUNTED_METHODS and r[3] is not None
        ]
        log.sort(key=lambda r: r.time)
        state = _RateState()
        violations = []
        for record in log:
            assert record.chat_id is not None  # filtered above
            broken = state.check(record.chat_id, record.time)
            if broken is not None:
                rule, _wait, detail = broken
                violations.append(
                    LimitViolation(rule, record.time, record.chat_id, record.method, detail)
                )
            state.record(record.chat_id, record.time)
        return violations

    def _check_limits(self, method: str, chat_id: int | None, now: float) -> bool:
        """Whether this call counts; raises the 429 a send over the limits gets."""
        counted = method in COUNTED_METHODS and chat_id is not None
        if counted and self.enforce_limits:
            assert chat_id is not None
            broken = self._rate.check(chat_id, now)
            if broken is not None:
                raise _too_many(_retry_after(broken[1]))
        return counted

    def _count_send(self, chat_id: int, now: float) -> None:
        self._rate.record(chat_id, now)
