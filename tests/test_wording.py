"""Wording people meet first (issue: polite, bilingual and forgiving; the wording table)."""

from __future__ import annotations

import re

import locales
from config import PROJECT_ROOT
from handlers.base.keyboards import fitted
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


# Verbs that open a bare imperative ("Ketik /usul ..."): a request says "Silakan ketik ..." or
# "Mohon ...", or says what can be done ("Pengumuman dapat dilihat ...").
BARE_IMPERATIVES = re.compile(
    r"(Ketik|Pilih|Tulis|Tekan|Kirim|Buka|Lihat|Matikan|Balas|Buat|Gunakan|Hubungi|Masukkan"
    r"|Jawab|Periksa|Bagikan)\b"
)
# Button labels and menu entries are names of actions, not sentences; a yes/no question
# ("Kirim pengumuman di atas ...?") is a question.
LABELS = re.compile(r"^(commands\.|.*(_button|\.btn\..*|open_private|\.menu_\w+)$)")


def _sentences(text: str) -> list[str]:
    plain = re.sub(r"<[^>]+>", "", text)
    parts = re.split(r"(?<=[.!?:])\s+|\n", plain)
    return [re.sub(r"^[\d/.\s•✅🔔📅🔒]+", "", p.strip()) for p in parts]


def test_requests_are_phrased_as_requests() -> None:
    bare = [
        (key, sentence)
        for key, text in locales.catalogue("id").items()
        if not LABELS.match(key)
        for sentence in _sentences(text)
        if BARE_IMPERATIVES.match(sentence) and not sentence.endswith("?")
        and len(sentence.split()) > 2
    ]  # fmt: skip
    assert bare == [], bare


def test_one_name_per_role_everywhere() -> None:
    expected = {
        "tim_pelaksana": "Tim Pelaksana OPD",
        "dewan": "Dewan Smart City",
        "narasumber": "Narasumber/Tim Pendamping",
    }
    for role, name in expected.items():
        assert locales.plain("id", f"registration.role_{role}") == name
    # Registration, /umumkan and the exports read the same text: no second set of names.
    flat = locales.catalogue("id")
    assert not [k for k in flat if k.startswith(("broadcast.role_", "export.role."))]
    assert locales.plain("id", "broadcast.aud_desc_role", role=expected["dewan"]) == (
        "peserta dengan peran Dewan Smart City"
    )
    # English: "review team" for the tim pendamping, in the role name as everywhere else.
    assert "review team" in locales.plain("en", "registration.role_narasumber")
    english = [
        *locales.catalogue("en").values(),
        (PROJECT_ROOT / "locales/faq.en.yaml").read_text(),
    ]
    assert not [text for text in english if re.search(r"(?i)support team|mentor team", text)]


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    ind, eng = locales.catalogue("id"), locales.catalogue("en")
    assert set(ind) == set(eng)
    for key in ind:
        assert locales.placeholders(ind[key]) == locales.placeholders(eng[key]), key


def test_long_names_on_buttons_end_at_a_word() -> None:
    name = "#12 Aplikasi pemantauan kualitas udara dan air berbasis sensor untuk kecamatan"
    label = fitted(name)
    assert len(label) <= 60 and label.endswith("…")
    assert name.startswith(label[:-1]) and name[len(label) - 1] == " "  # cut between words
    assert fitted("Pasar desa digital") == "Pasar desa digital"
    # OPD buttons use the office's short name, never a cut full name.
    from tests.harness import future_event

    for office in future_event().opds:
        assert office.short_name in office.aliases or office.short_name == office.name
        assert len(office.short_name) <= 40, office.id
