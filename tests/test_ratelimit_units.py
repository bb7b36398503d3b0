"""domain.delivery.ratelimit.ChatRateLimiter on a virtual clock (tests/virtual_time.py).

The limiter and aiolimiter read `loop.time()` and sleep with asyncio, so the tests run them
unchanged on a loop whose clock jumps to the next timer: a minute of traffic takes
milliseconds, and every time below is exact. A fake "wire" stands in for PTB's HTTP call and
records when each request reached Telegram; Telegram's own limits are checked by replaying
that record through the fake server's rules (FakeTelegram.limit_violations)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from telegram.error import RetryAfter

from domain.delivery.ratelimit import ChatRateLimiter, Limits
from localtg import FakeTelegram
from tests.virtual_time import run

# The budgets the README promises (Telegram allows 30/s, 1/s per chat, 20/min per group).
PRIVATE_GAP = 1 / 0.9  # 1.11 s between messages to one private chat after a burst of 3
GROUP_GAP = 60 / 15.5  # 3.87 s between messages to one group after a burst of 4
OVERALL_GAP = 1 / 28.5  # 0.035 s between any two messages


@dataclass(frozen=True)
class Sent:
    time: float
    endpoint: str
    chat: int | None
    tag: Any


@dataclass
class Wire:
    """PTB's HTTP call, as the limiter sees it: records every request that got through, and
    answers with the errors queued for a tag (one per attempt)."""

    sent: list[Sent] = field(default_factory=list)
    attempts: list[Sent] = field(default_factory=list)
    failures: dict[Any, list[Exception]] = field(default_factory=dict)

    def request(self, endpoint: str, chat: int | None, tag: Any) -> Any:
        async def call() -> bool:
            record = Sent(asyncio.get_running_loop().time(), endpoint, chat, tag)
            self.attempts.append(record)
            errors = self.failures.get(tag)
            if errors:
                raise errors.pop(0)
            self.sent.append(record)
            return True

        return call

    def at(self, tag: Any) -> float:
        (time_sent,) = [s.time for s in self.sent if s.tag == tag]
        return time_sent

    def times(self, chat: int) -> list[float]:
        return [s.time for s in self.sent if s.chat == chat]


async def send(
    limiter: ChatRateLimiter,
    wire: Wire,
    chat: int | None,
    tag: Any,
    endpoint: str = "sendMessage",
    **options: Any,
) -> Any:
    """One request through the limiter, as PTB's Bot makes it."""
    data = {"chat_id": chat, "text": str(tag)} if chat is not None else {}
    call = wire.request(endpoint, chat, tag)
    return await limiter.process_request(call, (), {}, endpoint, data, options or None)


async def later(seconds: float, coro: Any) -> Any:
    await asyncio.sleep(seconds)
    return await coro


def telegram_violations(sent: list[Sent]) -> list[Any]:
    """Telegram's limits (30/s overall, per private chat a burst of 3 then 1/s, 20/min per
    group) replayed over what reached the wire."""
    records = [(s.time, s.endpoint, {}, s.chat, 200) for s in sent]
    return FakeTelegram().limit_violations(records)


def most_in_window(times: list[float], window: float) -> int:
    """The most sends any half-open window [t, t + window) holds."""
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


def retry_after(seconds: int, message: str | None = None) -> RetryAfter:
    exc = RetryAfter(seconds)
    if message is not None:
        exc.message = message
    return exc


# --- budgets -----------------------------------------------------------------------------------


def test_a_private_chat_gets_a_burst_of_three_then_about_one_message_a_second() -> None:
    limiter, wire = ChatRateLimiter(), Wire()

    async def main() -> None:
        await asyncio.gather(*(send(limiter, wire, 1001, n) for n in range(10)))

    run(main())
    assert [s.tag for s in wire.sent] == list(range(10))  # one chat's messages stay in order
    times = wire.times(1001)
    # The burst arrives at once (only the overall budget spaces it: 1/28.5 s apart) ...
    assert times[:3] == pytest.approx([0, OVERALL_GAP, 2 * OVERALL_GAP], abs=1e-6)
    # ... then 0.9 messages a second, counted from the burst.
    assert times[3] == pytest.approx(PRIVATE_GAP, abs=1e-6)
    gaps = [b - a for a, b in zip(times[3:], times[4:], strict=False)]
    assert gaps == pytest.approx([PRIVATE_GAP] * 6, abs=1e-6)
    assert telegram_violations(wire.sent) == []


def test_a_group_gets_at_most_twenty_messages_a_minute() -> None:
    limiter, wire = ChatRateLimiter(), Wire()
    group = -1001000000001

    async def main() -> None:
        await asyncio.gather(*(send(limiter, wire, group, n) for n in range(30)))

    started = time.monotonic()
    run(main())
    real_seconds = time.monotonic() - started
    times = wire.times(group)
    assert len(times) == 30 and times[-1] > 100  # 30 group messages take virtual minutes ...
    assert real_seconds < 5  # ... and no real ones: the clock is fake
    assert times[3] < 4 * OVERALL_GAP  # a burst of four
    gaps = [b - a for a, b in zip(times[4:], times[5:], strict=False)]
    assert gaps == pytest.approx([GROUP_GAP] * 25, abs=1e-6)  # then 15.5 a minute
    # Telegram allows 20 in any minute; the limiter uses nearly all of it.
    assert most_in_window(times, 60.0) in (19, 20)
    assert telegram_violations(wire.sent) == []


def test_all_chats_together_get_28_5_messages_a_second() -> None:
    limiter, wire = ChatRateLimiter(), Wire()
    chats = range(5000, 5100)

    async def main() -> None:
        # Three messages to each of 100 chats: every chat's burst allows them at once, so
        # only the overall budget holds them back.
        await asyncio.gather(*(send(limiter, wire, c, (c, n)) for c in chats for n in range(3)))

    run(main())
    times = sorted(s.time for s in wire.sent)
    assert len(times) == 300
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) == pytest.approx(OVERALL_GAP, abs=1e-6)
    assert times[-1] == pytest.approx(299 * OVERALL_GAP, abs=1e-3)  # 28.5/s, not slower
    assert most_in_window(times, 1.0) == 29  # Telegram allows 30
    assert telegram_violations(wire.sent) == []


def test_a_reply_never_waits_behind_a_bulk_message() -> None:
    async def scenario(bulk: bool) -> tuple[float, Wire]:
        limiter, wire = ChatRateLimiter(), Wire()
        crowd = [
            asyncio.create_task(send(limiter, wire, 7000 + n, n, bulk=bulk)) for n in range(100)
        ]
        await asyncio.sleep(1.0)  # about 28 of the crowd are out, 72 still wait
        await send(limiter, wire, 42, "reply")
        await asyncio.gather(*crowd)
        return wire.at("reply") - 1.0, wire

    waited, wire = run(scenario(bulk=True))
    # Only for the overall spacing since the last message out, never for a waiting copy.
    assert waited <= OVERALL_GAP + 1e-6
    before = [s.time for s in wire.sent if s.time < wire.at("reply")]
    assert wire.at("reply") - max(before) == pytest.approx(OVERALL_GAP, abs=1e-6)
    assert sum(1 for s in wire.sent if s.time > wire.at("reply")) > 60  # the rest went after
    assert len(wire.sent) == 101 and telegram_violations(wire.sent) == []
    # The same crowd as ordinary traffic: the reply would queue behind all of it.
    waited_as_equals, _ = run(scenario(bulk=False))
    assert waited_as_equals > 2.0


def test_edits_button_answers_and_chat_actions_are_not_messages() -> None:
    limiter, wire = ChatRateLimiter(), Wire()

    async def main() -> float:
        await asyncio.gather(*(send(limiter, wire, 1001, n) for n in range(3)))  # burst used
        await asyncio.sleep(0.5)
        issued = asyncio.get_running_loop().time()
        others = ("editMessageText", "editMessageReplyMarkup", "sendChatAction", "deleteMessage")
        await asyncio.gather(
            *(send(limiter, wire, 1001, endpoint, endpoint) for endpoint in others),
            send(limiter, wire, None, "answer", "answerCallbackQuery"),
        )
        await send(limiter, wire, 1001, "next message")
        return issued

    issued = run(main())
    not_messages = [s for s in wire.sent if s.endpoint != "sendMessage"]
    assert len(not_messages) == 5
    assert all(s.time == issued for s in not_messages)  # never delayed
    assert wire.at("next message") == pytest.approx(PRIVATE_GAP, abs=1e-6)  # still counted


# --- 429 ---------------------------------------------------------------------------------------


def test_a_429_pauses_only_its_chat() -> None:
    limiter, wire = ChatRateLimiter(), Wire()
    wire.failures["a0"] = [retry_after(5)]

    async def main() -> None:
        await asyncio.gather(
            send(limiter, wire, 111, "a0"),  # 429 at 0: chat 111 waits 5 s, then retries
            later(1.0, send(limiter, wire, 111, "a1")),  # the same chat during the pause
            *(later(0.5, send(limiter, wire, 222, f"b{n}")) for n in range(3)),
        )

    run(main())
    assert limiter.retry_after_count == 1
    assert [s.time for s in wire.attempts if s.tag == "a0"] == [0.0, pytest.approx(5.0)]
    assert wire.at("a0") == pytest.approx(5.0, abs=1e-6)
    assert wire.at("a1") >= 5.0  # the paused chat's next message waits too
    # Another chat carries on as if nothing happened.
    assert [wire.at(f"b{n}") for n in range(3)] == pytest.approx(
        [0.5, 0.5 + OVERALL_GAP, 0.5 + 2 * OVERALL_GAP], abs=1e-6
    )


def test_a_bulk_429_slows_broadcasts_for_a_second_and_never_replies() -> None:
    limiter, wire = ChatRateLimiter(), Wire()
    wire.failures["bulk to 111"] = [retry_after(5)]

    async def main() -> None:
        await asyncio.gather(
            send(limiter, wire, 111, "bulk to 111", bulk=True),
            later(0.2, send(limiter, wire, 333, "bulk to 333", bulk=True)),
            later(0.2, send(limiter, wire, 444, "reply to 444")),
        )

    run(main())
    assert wire.at("reply to 444") == pytest.approx(0.2, abs=1e-6)
    assert wire.at("bulk to 333") == pytest.approx(1.0, abs=1e-6)  # min(retry_after, 1 s)
    assert wire.at("bulk to 111") == pytest.approx(5.0, abs=1e-6)


@pytest.mark.parametrize(
    "chat, message",
    [
        (111, "Too Many Requests: retry after 3 (global limit)"),  # Telegram says so
        (None, None),  # a 429 on a request for no chat concerns the bot as a whole
    ],
)
def test_a_global_429_pauses_everything(chat: int | None, message: str | None) -> None:
    limiter, wire = ChatRateLimiter(), Wire()
    wire.failures["first"] = [retry_after(3, message)]
    endpoint = "sendMessage" if chat is not None else "getMe"

    async def main() -> None:
        await asyncio.gather(
            send(limiter, wire, chat, "first", endpoint),
            later(0.5, send(limiter, wire, 222, "reply elsewhere")),
            later(0.5, send(limiter, wire, 333, "bulk elsewhere", bulk=True)),
            later(0.5, send(limiter, wire, None, "button answer", "answerCallbackQuery")),
        )

    run(main())
    for tag in ("first", "reply elsewhere", "bulk elsewhere", "button answer"):
        assert wire.at(tag) >= 3.0, tag
    assert wire.at("reply elsewhere") == pytest.approx(3.0, abs=0.1)  # and not longer


def test_a_429_is_passed_on_when_the_caller_retries_itself() -> None:
    """The outbox sends with max_retries=0: it gets the 429 at once and reschedules the row,
    while the chat stays paused for everybody."""
    limiter, wire = ChatRateLimiter(), Wire()
    wire.failures["outbox"] = [retry_after(4)]

    async def main() -> float:
        with pytest.raises(RetryAfter):
            await send(limiter, wire, 111, "outbox", bulk=True, max_retries=0)
        raised_at = asyncio.get_running_loop().time()
        await send(limiter, wire, 111, "reply to the same chat")
        return raised_at

    raised_at = run(main())
    assert raised_at == 0.0
    assert [s.tag for s in wire.attempts].count("outbox") == 1  # not retried here
    assert wire.at("reply to the same chat") == pytest.approx(4.0, abs=1e-6)


def test_an_interactive_request_gives_up_after_max_retries() -> None:
    limiter, wire = ChatRateLimiter(), Wire()
    wire.failures["stubborn"] = [retry_after(1) for _ in range(Limits.max_retries + 1)]

    async def main() -> None:
        with pytest.raises(RetryAfter):
            await send(limiter, wire, 111, "stubborn")

    run(main())
    assert [s.tag for s in wire.attempts].count("stubborn") == Limits.max_retries + 1
    assert limiter.retry_after_count == Limits.max_retries + 1
