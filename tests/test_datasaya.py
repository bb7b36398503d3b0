"""/datasaya's JSON file: the questions that really went to the organisers ("Tanya panitia"),
with the organiser's answer if any, and never the questions the FAQ was merely unsure about;
every time in the event's time zone, ISO-8601 with its offset (as in the exports)."""

from __future__ import annotations

import json
import re
from datetime import datetime

from storage import faq_log
from tests.seeding import registered

LOGGED_ONLY = "boleh bawa anak?"  # the FAQ is not sure; never passed on
ANSWERED = "berapa harga tiket masuk Bromo?"  # passed on, answered
WAITING = "apakah ada lomba foto?"  # passed on, no answer yet
LOCAL_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


async def _ask_organisers(user, question: str) -> None:
    await user.send(question)
    unsure = await user.expect("belum")
    await user.press("Tanya panitia", unsure)
    await user.expect("sudah diteruskan kepada panitia")


async def test_datasaya_lists_only_questions_to_the_organisers(tg, bot, organiser) -> None:
    await organiser.send("/start")
    await organiser.expect("Selamat datang")
    dewi = tg.user(first_name="Dewi", language_code="id")
    await registered(bot.db, dewi.id, full_name="Dewi Lestari")
    await dewi.send(LOGGED_ONLY)
    await dewi.expect("belum yakin")
    await _ask_organisers(dewi, ANSWERED)
    copy = await organiser.expect(ANSWERED)
    await organiser.reply(copy, "Bimtek tidak mencakup kunjungan ke Bromo.")
    await organiser.expect("jawaban sudah diteruskan")
    await dewi.expect("Jawaban panitia")
    await _ask_organisers(dewi, WAITING)
    assert len(await faq_log.latest(bot.db)) == 3  # all three are in the log for /faqbelum

    await dewi.send("/datasaya")
    summary = await dewi.expect("Data Bapak/Ibu yang kami simpan")
    # the message counts what else the file holds: her two questions passed on, nothing else
    assert "Juga tersimpan: 2 pertanyaan kepada panitia (rinciannya" in summary.text
    assert "usulan" not in summary.text
    doc = await dewi.expect("JSON")
    data = json.loads(doc.document.content)
    questions = data["questions_to_organisers"]
    assert [q["question"] for q in questions] == [ANSWERED, WAITING]
    answered, waiting = questions
    assert answered["status"] == "answered"
    assert answered["answer"] == "Bimtek tidak mencakup kunjungan ke Bromo."
    assert waiting["status"] == "escalated" and waiting["answer"] is None
    assert waiting["answered_at"] is None
    for item in questions:
        for key in ("asked_at", "escalated_at") + (("answered_at",) if item["answer"] else ()):
            assert LOCAL_ISO.match(item[key]), (key, item[key])
    assert datetime.fromisoformat(answered["answered_at"]) >= datetime.fromisoformat(
        answered["asked_at"]
    )
    # The other stored times of the file, in the same zone.
    assert LOCAL_ISO.match(data["consents"][0]["given_at"])
    assert LOCAL_ISO.match(data["participant"]["registered_at"])
