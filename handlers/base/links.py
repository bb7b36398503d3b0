"""Deep-link payloads: the one list of `t.me/<bot>?start=<payload>` the bot hands out.

A command that is personal answers in a group with a button to the private chat; the button
carries the command's payload, and `handlers/deeplinks.py` routes `/start <payload>` to the
same handler as the command, so the person lands where the command would have taken them."""

from __future__ import annotations

from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

import locales


class Payload(StrEnum):
    DAFTAR = "daftar"
    PROFIL = "profil"
    DATASAYA = "datasaya"
    HAPUSDATA = "hapusdata"
    JADWAL = "jadwal"
    PENGINGAT = "pengingat"
    USUL = "usul"
    USULANKU = "usulanku"
    FAQ = "faq"
    BANTUAN = "bantuan"
    BATAL = "batal"
    REKAP = "rekap"
    EKSPOR = "ekspor"
    UMUMKAN = "umumkan"
    SIARAN = "siaran"
    # Payloads with a parameter, `<prefix>_<value>` (handlers/deeplinks.py: PARAMETERISED).
    HADIR = "hadir"  # hadir_<check-in code> (domain/attendance.py)
    CEK = "cek"  # cek_<certificate code>
    PRESENSI = "presensi"
    SERTIFIKAT = "sertifikat"
    MATERI = "materi"
    UMPANBALIK = "umpanbalik"
    TINJAU = "tinjau"
    SELEKSI = "seleksi"
    BAHASA = "bahasa"


def url(bot_username: str | None, payload: Payload | None) -> str:
    """The link to the private chat, at `payload` (None: the chat itself, whose Start button
    gives the welcome)."""
    if payload is None:
        return f"https://t.me/{bot_username}"
    return f"https://t.me/{bot_username}?start={payload.value}"


def url_with(bot_username: str | None, payload: Payload, value: str) -> str:
    """The link of a payload with a parameter: `start=<payload>_<value>`."""
    return f"https://t.me/{bot_username}?start={payload.value}_{value}"


def private_chat_button(
    bot_username: str | None, lang: str, payload: Payload | None
) -> InlineKeyboardMarkup:
    """A button that opens the private chat with the bot at `payload`."""
    label = locales.plain(lang, "common.open_private")
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url(bot_username, payload))]])
