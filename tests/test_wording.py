"""Wording people meet first (issue: polite, bilingual and forgiving; the wording table)."""

from __future__ import annotations

import locales
from tests.seeding import registered


async def test_salam_is_answered_in_kind_and_titles_end_the_greeting_once(tg, bot) -> None:
    await registered(bot.db, 870_001, full_name="dr. Ayu Lestari, M.Kes.")
    ayu = tg.user(first_name="Ayu", language_code="id", user_id=870_001)
    await ayu.send("assalamualaikum pak")
    salam = await ayu.expect("Waalaikumsalam")
    assert salam.text.startswith("Waalaikumsalam, Bapak/Ibu.")
    await ayu.send("/start")
    welcome = await ayu.expect("Selamat datang")
    assert "Bapak/Ibu dr. Ayu Lestari, M.Kes." in welcome.text
    assert "M.Kes.." not in welcome.text


def test_the_wording_table() -> None:
    assert locales.plain("id", "common.expired") == (
        "Tombol ini sudah tidak berlaku. Silakan ketik ulang perintahnya, misalnya /jadwal."
    )
    assert "Pratinjau pengumuman" in locales.plain("id", "broadcast.preview_title")
    assert locales.plain("id", "broadcast.aud_desc_dimensions", names="Smart Living") == (
        "peserta dimensi Smart Living"
    )
    assert locales.plain("id", "registration.phone_skipped") == (
        "Baik, nomor telepon tidak dicantumkan."
    )
    assert locales.plain("id", "registration.ask_mode") == (
        "Bagaimana Bapak/Ibu akan mengikuti bimtek?"
    )
    assert "Jangka waktu penyimpanan" in locales.plain(
        "id",
        "registration.notice",
        version="x",
        event_name="E",
        organiser="O",
        contacts="C",
        retention_until="R",
    )
