"""An asyncio event loop on a virtual clock, for unit tests of code that waits.

`loop.time()` starts at 0 and only moves when every task is waiting for a timer: then the loop
jumps straight to the next timer instead of sleeping. Code that reads `loop.time()`, sleeps
with `asyncio.sleep` or schedules with `call_at` (aiolimiter does all three) thus runs
unchanged, a minute of waiting takes microseconds, and every time it sees is exact to a
microsecond (`MIN_DELAY`) and the same on every run.

Only for coroutines that do no real I/O: when nothing is scheduled and nothing is ready, the
program could only hang, so the loop raises instead."""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

#: the least a timer waits (1 µs): what one turn of a real loop takes, roughly
MIN_DELAY = 1e-6


class Deadlock(RuntimeError):
    """Every task waits and no timer is set: real time would not help either."""


class _FastForwardSelector(selectors.DefaultSelector):
    """Polls without blocking; when nothing is ready, advances the clock by the timeout the
    loop would have slept (the time to its next timer)."""

    def __init__(self, clock: VirtualClockLoop | None = None) -> None:
        super().__init__()
        self.clock = clock

    def select(self, timeout: float | None = None) -> list[Any]:
        ready = super().select(0)
        if ready or (timeout is not None and timeout <= 0):
            return ready
        if timeout is None:
            raise Deadlock("every task is waiting and no timer is set")
        assert self.clock is not None
        self.clock.advance(timeout)
        return ready


class VirtualClockLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._virtual_now = 0.0
        selector = _FastForwardSelector()
        super().__init__(selector)
        selector.clock = self

    def time(self) -> float:
        return self._virtual_now

    def advance(self, seconds: float) -> None:
        self._virtual_now += seconds

    def call_at(self, when: float, callback: Any, *args: Any, context: Any = None) -> Any:
        """Timers as a real clock would see them. A timer never fires sooner than
        `MIN_DELAY` from now: real time always moves on a little before the loop comes round,
        and code that waits again for a rounding error (aiolimiter does when a float comes
        out a hair short) would otherwise spin at one instant for ever. And asyncio runs a
        timer that is due within the clock resolution ("about now"): the clock then moves to
        the timer's time, so the timer never sees itself early."""
        when = max(when, self._virtual_now + MIN_DELAY)

        def at_when(*call_args: Any) -> None:
            self._virtual_now = max(self._virtual_now, when)
            callback(*call_args)

        return super().call_at(when, at_when, *args, context=context)


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion on a fresh virtual-clock loop."""
    loop = VirtualClockLoop()
    try:
        return loop.run_until_complete(main)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
