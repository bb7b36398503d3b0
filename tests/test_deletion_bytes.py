"""After /hapusdata the person's name and phone number are gone from the database file and
its write-ahead log, outbox copies included (issue: faults, "deletion leaves nothing")."""

from __future__ import annotations

from pathlib import Path

import locales
from storage import faq_log, participants
from storage.outbox import OutgoingMessage
from tests.seeding import registered

NAME = "Zulkarnaen Wibisono"
PHONE = "+6281239876543"


def files_of(db_path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-journal"):
        path = Path(str(db_path) + suffix)
        if path.exists():
            data += path.read_bytes()
    return data


async def test_deletion_leaves_no_copy_in_the_file_or_the_wal(tg, bot, db_path) -> None:
    zul = tg.user(first_name="Zul", language_code="id", user_id=861_001)
    await registered(bot.db, zul.id, full_name=NAME)
    await participants.update(bot.db, zul.id, phone=PHONE)
    await faq_log.add(bot.db, zul.id, zul.id, "id", f"Saya {NAME}, boleh ajak anak?", None, 0.1)
    quoted = f"Jawaban panitia untuk {NAME} ({PHONE})"
    await bot.services.sender.enqueue([OutgoingMessage("faq_answer", zul.id, {"text": quoted})])
    await zul.expect("Jawaban panitia")  # sent: the row stays, now with status 'sent'
    assert NAME.encode() in files_of(db_path)

    await zul.send("/hapusdata")
    await zul.expect("hapus")
    await zul.press(locales.plain("id", "registration.delete_yes"))
    await zul.expect("dihapus")
    data = files_of(db_path)
    assert NAME.encode() not in data and PHONE.encode() not in data
    assert b"Zulkarnaen" not in data and b"81239876543" not in data
    rows = await bot.db.fetchall("SELECT payload FROM outbox WHERE chat_id = ?", (zul.id,))
    assert rows and all("Zulkarnaen" not in r["payload"] for r in rows)
