"""Stopping the service (`systemctl stop` sends SIGTERM) in the middle of an announcement:
the sends in flight finish and are recorded, so after the restart everyone gets the
announcement exactly once (a SIGKILL allows a few duplicates: test_broadcast.py)."""

from __future__ import annotations

from storage.db import Database
from tests.conftest import ORGANISER_ID
from tests.harness import BotProcess
from tests.seeding import registered
from tests.test_broadcast import label, received, send_now, wait_for


async def test_sigterm_lets_in_flight_sends_finish_and_nothing_arrives_twice(tg, settings) -> None:
    tg.delay = 0.4  # every request takes a while: dozens are in flight at any moment
    people = [870000 + i for i in range(120)]
    db = await Database(settings.database_path).open()
    for user_id in people:
        await registered(db, user_id, role="dewan", dimension="all")
        tg.user(first_name=f"P{user_id}", language_code="id", user_id=user_id)
    await db.close()
    organiser = tg.user(first_name="Panitia", language_code="id", user_id=ORGANISER_ID)
    text = "Lokasi hari kedua: Aula Bappeda"
    delivered = lambda: sum(1 for u in people if received(tg, u))  # noqa: E731

    proc = BotProcess(settings).start()
    try:
        await organiser.send("/umumkan")
        await organiser.expect("Kepada siapa", timeout=20)
        await organiser.press(label("aud_all"))
        await organiser.expect("Silakan kirim isi pengumuman")
        await send_now(organiser, text)
        await wait_for(lambda: delivered() >= 10, within=30)
        took = await proc.terminate()
        assert proc.proc is not None and proc.proc.returncode == 0
        at_stop = delivered()
        assert at_stop < len(people)  # stopped in the middle
        assert took < 15
        db = await Database(settings.database_path).open()
        rows = await db.fetchall("SELECT chat_id, status FROM outbox WHERE kind = 'broadcast'")
        await db.close()
        # Nothing was left on its way: every row is sent or still waiting, and the rows
        # marked sent are exactly the people who have the message.
        assert {r["status"] for r in rows} <= {"sent", "pending"}
        assert {r["chat_id"] for r in rows if r["status"] == "sent"} == {
            u for u in people if received(tg, u)
        }
        proc = BotProcess(settings).start()
        await wait_for(lambda: delivered() == len(people), within=60)
        await organiser.expect("Laporan pengumuman", timeout=30)
        await tg.wait_idle(quiet=1.0, timeout=30)
    finally:
        await proc.stop()
    assert [len(received(tg, u)) for u in people] == [1] * len(people)
    assert "Traceback" not in proc.log()
