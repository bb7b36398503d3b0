"""Broadcast to thousands through the real bot while 20 users chat: throughput, 429s, losses,
reply latency, limit violations.

    .venv/bin/python bench/broadcast_bench.py [--recipients 5000] [--chatters 20] [--quick] [--process]

The real Application runs in-process against the fake Telegram server with Telegram's limits
enforced (localtg: 30 msg/s overall, private chat burst 3 then 1/s, group 20/min; 429
beyond). Registered participants (with consent) are seeded through the storage functions; an
organiser then announces to "everyone" the real way (/umumkan, buttons, text, Kirim, Kirim
sekarang). Some of the recipients keep asking /jadwal and an FAQ question while it runs.

Printed: sustained messages/s (broadcast alone, and every message the bot sent in that time)
as a fraction of 30/s; 429s as a share of send attempts; recipients who got no copy or more
than one; p50/p95/max latency from a user's message reaching the server to the bot's reply
reaching it; the server's replay of the limits. Exit status 1 when a target is missed."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import logging
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import locales  # noqa: E402
from localtg import COUNTED_METHODS, FakeTelegram, SimUser  # noqa: E402
from storage import broadcasts  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.harness import TOKEN, BotProcess, RunningBot, make_settings  # noqa: E402
from tests.seeding import registered  # noqa: E402

ORGANISER_ID = 900002
FIRST_ID = 810_000
LIMIT = 30.0  # Telegram: messages per second overall
MARKER = "BCBENCH"  # in the announcement only: tells broadcast copies from replies
ANNOUNCEMENT = (
    f"<b>Pengumuman</b>: sesi besok pindah ke <i>Aula Tengger</i>, Kraksaan. "
    f"Mohon membawa Renstra OPD. [{MARKER}]"
)
PROMPTS = ("/jadwal", "kapan bimtek dimulai?")
NOT_BROADCAST = re.compile(rf"^(?![\s\S]*{MARKER})")
REPLY_TIMEOUT = 15.0
TARGETS = {"rate": 0.9, "429": 0.01, "p95": 0.1}  # reply p95 in seconds (#17)


@dataclass
class Chatting:
    """What the chatting users measured."""

    latencies: list[float] = field(default_factory=list)
    unanswered: int = 0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (0-100)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


async def seed(db: Database, ids: list[int]) -> None:
    """Registered participants with consent in force, through the storage functions, in one
    transaction (a few seconds for 5,000)."""
    dimensions = ("governance", "branding", "economy", "living", "society", "environment")
    async with db.transaction():
        for n, uid in enumerate(ids):
            mode = "offline" if n % 3 else "online"
            await registered(db, uid, dimension=dimensions[n % len(dimensions)], mode=mode)


def plain(key: str, **values: object) -> str:
    """A broadcast string as the user reads it (tags gone), to wait for or press."""
    return html.unescape(re.sub(r"<[^>]+>", "", locales.plain("id", f"broadcast.{key}", **values)))


async def announce(org: SimUser) -> float:
    """/umumkan to everyone, the way an organiser does it; returns when "send now" was pressed
    (time.monotonic)."""
    await org.send("/umumkan")
    await org.expect(plain("choose_audience")[:25])
    await org.press(plain("aud_all"))
    await org.expect(plain("ask_message")[:25])
    await org.send(ANNOUNCEMENT)
    control = await org.expect(plain("preview_question", audience=plain("aud_desc_all")))
    await org.press(plain("btn_send"), control)
    await org.expect(plain("ask_when")[:25])
    pressed = time.monotonic()
    await org.press(plain("btn_now"), timeout=30)
    return pressed


async def chat(user: SimUser, stop: asyncio.Event, interval: float, seed_: int, out: Chatting):
    """Ask /jadwal and an FAQ question in turn, a few seconds apart, until told to stop."""
    rnd = random.Random(seed_)
    await asyncio.sleep(rnd.uniform(0, interval))
    turn = rnd.randrange(len(PROMPTS))
    while not stop.is_set():
        sent = time.monotonic()
        await user.send(PROMPTS[turn % len(PROMPTS)])
        turn += 1
        try:
            reply = await user.expect(NOT_BROADCAST, timeout=REPLY_TIMEOUT)
            while reply.sent_at < sent:  # a late part of an earlier answer, or an edit
                reply = await user.expect(NOT_BROADCAST, timeout=REPLY_TIMEOUT)
            out.latencies.append(reply.sent_at - sent)
        except AssertionError:
            out.unanswered += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), rnd.uniform(0.6, 1.4) * interval)


async def wait_done(db: Database, deadline: float) -> broadcasts.Broadcast | None:
    """The announcement once its report is written ('done'), or None at the deadline."""
    while time.monotonic() < deadline:
        found = await broadcasts.recent(db, 1)
        if found and found[0].status == "done":
            return found[0]
        await asyncio.sleep(0.5)
    return None


def ok(flag: bool) -> str:
    return "ok" if flag else "MISSED"


async def main(n_recipients: int, n_chatters: int, interval: float, process: bool) -> int:
    began = time.monotonic()
    tg = FakeTelegram(token=TOKEN, bot_username="bench_bot")
    tg.enforce_limits = True
    await tg.start()
    ids = [FIRST_ID + i for i in range(n_recipients)]
    # The chatting users are recipients too, spread over the list (as real participants are).
    step = max(1, n_recipients // max(1, n_chatters))
    chatter_ids = ids[::step][:n_chatters]
    with tempfile.TemporaryDirectory() as tmp:
        settings = make_settings(
            tg, Path(tmp) / "bench.sqlite3", organiser_ids=[ORGANISER_ID], log_level="WARNING"
        )
        db = await Database(settings.database_path).open()
        t = time.monotonic()
        await seed(db, ids)
        await db.close()
        people = {uid: tg.user(first_name=f"Peserta{uid}", user_id=uid) for uid in ids}
        org = tg.user(first_name="Panitia", user_id=ORGANISER_ID)
        print(f"seeded {n_recipients} registered participants in {time.monotonic() - t:.1f} s")

        # In-process (default) the fake server shares the bot's event loop, so its work shows
        # in the reply latency; --process runs `bot.py run` on its own, as in production.
        running = None if process else await RunningBot(settings).start()
        child = BotProcess(settings).start() if process else None
        db = running.db if running else await Database(settings.database_path).open()
        stop = asyncio.Event()
        chatting = Chatting()
        try:
            if child is not None:
                await org.send("/bantuan")  # answered once the process runs
                await org.expect(re.compile("."), timeout=60)
            pressed = await announce(org)
            tasks = [
                asyncio.create_task(chat(people[uid], stop, interval, uid, chatting))
                for uid in chatter_ids
            ]
            deadline = time.monotonic() + 120 + n_recipients / 20
            done = await wait_done(db, deadline)
            finished = time.monotonic()
            stop.set()
            await asyncio.gather(*tasks)
            if done is not None:
                with contextlib.suppress(AssertionError):
                    await org.expect("#", timeout=20)  # the report, through the outbox
                tally = await broadcasts.counts(db, done.id)
            else:
                tally = {}
            limiter = running.app.bot.rate_limiter if running else None
            retry_after_seen = getattr(limiter, "retry_after_count", "n/a (own process)")
        finally:
            if running is not None:
                await running.stop()
            else:
                await db.close()
            if child is not None:
                await child.stop()
    await tg.stop()

    # --- figures from the fake server's own records ------------------------------------------
    copies: Counter[int] = Counter()
    times: list[float] = []
    for msg in tg.sent_messages():
        if MARKER in msg.content and msg.chat_id != ORGANISER_ID:
            copies[msg.chat_id] += 1
            times.append(msg.sent_at)
    lost = sum(1 for uid in ids if copies[uid] == 0)
    duplicates = sum(n - 1 for n in copies.values() if n > 1)
    strangers = sum(1 for chat_id in copies if chat_id not in people)

    sends = [r for r in tg.requests if r.method in COUNTED_METHODS and r.chat_id is not None]
    refused = [r for r in sends if r.status == 429]
    refused_bulk = sum(1 for r in refused if MARKER in str(r.params.get("text", "")))
    first, last = (min(times), max(times)) if times else (pressed, pressed)
    span = max(last - first, 1e-9)
    in_window = sum(1 for r in sends if r.status == 200 and first <= r.time <= last)
    bc_rate = (len(times) - 1) / span if len(times) > 1 else 0.0
    all_rate = in_window / span if len(times) > 1 else 0.0
    violations = tg.limit_violations()
    lat = chatting.latencies
    p50, p95, worst = (
        (percentile(lat, 50), percentile(lat, 95), max(lat)) if lat else (0.0, 0.0, 0.0)
    )
    share_429 = len(refused) / len(sends) if sends else 0.0

    print(f"recipients {n_recipients}, chatting users {len(chatter_ids)} (every ~{interval:g} s)")
    print(
        f"broadcast: {'done' if done else 'NOT DONE before the deadline'} "
        f"{finished - pressed:.1f} s after 'Kirim sekarang'; outbox {dict(sorted(tally.items()))}"
    )
    print(
        f"sustained broadcast rate: {bc_rate:.1f} msg/s = {bc_rate / LIMIT:.2f} of {LIMIT:g}/s "
        f"({len(times)} copies in {span:.1f} s)"
    )
    print(
        f"all messages in that time (broadcast + replies + progress): {all_rate:.1f} msg/s = "
        f"{all_rate / LIMIT:.2f} of {LIMIT:g}/s  [target >= {TARGETS['rate']}: "
        f"{ok(all_rate / LIMIT >= TARGETS['rate'])}]"
    )
    print(
        f"429 answers: {len(refused)} of {len(sends)} send attempts = {share_429:.2%} "
        f"({refused_bulk} on broadcast copies; the bot's limiter saw {retry_after_seen})  "
        f"[target <= {TARGETS['429']:.0%}: {ok(share_429 <= TARGETS['429'])}]"
    )
    print(
        f"lost: {lost} recipients without a copy; duplicates: {duplicates}; "
        f"copies to non-recipients: {strangers}  [target 0: {ok(lost == 0 and strangers == 0)}]"
    )
    replies_ok = not chatter_ids or (
        bool(lat) and p95 <= TARGETS["p95"] and not chatting.unanswered
    )
    print(
        f"reply latency over {len(lat)} questions: p50 {p50:.3f} s, p95 {p95:.3f} s, "
        f"max {worst:.3f} s; unanswered within {REPLY_TIMEOUT:g} s: {chatting.unanswered}  "
        f"[target p95 <= {TARGETS['p95']:g} s: {ok(replies_ok) if chatter_ids else 'n/a'}]"
    )
    rules = Counter(v.rule for v in violations)
    print(
        f"limit violations (server replay): {len(violations)} {dict(rules) or ''}  "
        f"[target 0: {ok(not violations)}]"
    )
    print(f"total time: {time.monotonic() - began:.1f} s")
    missed = (
        done is None
        or all_rate / LIMIT < TARGETS["rate"]
        or share_429 > TARGETS["429"]
        or lost
        or strangers
        or not replies_ok
        or violations
    )
    print("all targets met" if not missed else "a target was MISSED")
    return 1 if missed else 0


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--recipients", type=int, default=5000)
    cli.add_argument("--chatters", type=int, default=20)
    cli.add_argument("--interval", type=float, default=4.0, help="seconds between questions")
    cli.add_argument("--quick", action="store_true", help="500 recipients (smoke run)")
    cli.add_argument(
        "--process", action="store_true", help="the bot as its own process (bot.py run)"
    )
    args = cli.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    count = 500 if args.quick else args.recipients
    sys.exit(asyncio.run(main(count, args.chatters, args.interval, args.process)))
