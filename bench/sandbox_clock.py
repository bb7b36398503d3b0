"""Print how long the sandbox takes to start, and how soon a reminder (or the online Hadir
button) reaches a persona's chat after the time control jumps to it: the whole demo event,
jump after jump, through the page's JSON API.

Run: .venv/bin/python bench/sandbox_clock.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp  # noqa: E402

from handlers.base.context import services_of  # noqa: E402
from sandbox.app import Sandbox  # noqa: E402
from tests.schedule_helpers import seed  # noqa: E402


async def arrival(http: aiohttp.ClientSession, persona: str, known: int, limit: float) -> float:
    """Seconds until the persona's private chat holds more than `known` bot messages."""
    started = time.monotonic()
    version = None
    while time.monotonic() - started < limit:
        params = {} if version is None else {"since": version, "wait": 2}
        async with http.get(f"/api/chats/{persona}/private", params=params) as response:
            data = await response.json()
        version = data["version"]
        if sum(m["from"] == "bot" for m in data["messages"]) > known:
            return time.monotonic() - started
    return float("nan")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        box = await Sandbox(Path(tmp) / "sandbox", port=0).start()
        print(f"start-up (server, database, bot, polling): {time.monotonic() - started:.2f} s")
        assert box.app is not None
        db = services_of(box.app).db
        await seed(db, 700001, full_name="Siti Rahmawati")
        await seed(db, 700002, lang="en", full_name="Budi Santoso", mode="online")
        delays: list[float] = []
        async with aiohttp.ClientSession(base_url=box.url) as http:
            while True:
                counts = {}
                for persona in ("peserta", "participant"):
                    async with http.get(f"/api/chats/{persona}/private") as response:
                        messages = (await response.json())["messages"]
                    counts[persona] = sum(m["from"] == "bot" for m in messages)
                async with http.post("/api/clock", json={"action": "next"}) as response:
                    if response.status != 200:
                        break
                async with http.get("/api/state") as response:
                    label = (await response.json())["clock"]["label"]
                # Budi (online) gets the reminders and the Hadir button; jumps to a session's
                # end send nothing to anyone who did not attend.
                delay = await arrival(http, "participant", counts["participant"], 6.0)
                if delay == delay:  # not NaN
                    delays.append(delay)
                print(f"  {label}: {'-' if delay != delay else f'{delay:.2f} s'}")
        await box.stop()
        print(
            f"jumps that delivered a message: {len(delays)}; median {statistics.median(delays):.2f} s,"
            f" max {max(delays):.2f} s"
        )


if __name__ == "__main__":
    asyncio.run(main())
