"""Registration, profile and data rights end to end: the real bot against localtg."""

from __future__ import annotations

import asyncio
import functools
import json
import re
from datetime import UTC, datetime, timedelta

import locales
from localtg import SimUser
from schedules.event import MODES, ROLES
from storage import audit, consents, faq_log, flows, outbox, participants
from storage import proposals as proposal_store
from tests.harness import BotProcess, future_event
from tests.proposal_helpers import DIMENSION_NAMES

EVENT = future_event()
OPD_ORDER = [o.id for o in EVENT.opds]  # 8 per page
# The offices these tests pick (the first page of the list, and bappeda), named as the event
# file names them.
OPD_NAME = {
    opd_id: next(o.short_name for o in EVENT.opds if o.id == opd_id)
    for opd_id in ("diskominfo", "disparbud", "dkpp", "dinkes", "dispendik", "dlh", "bappeda")
}
OPD_DIMENSION = {o.id: o.dimension for o in EVENT.opds}  # the group ticked for the office
DIM_NAME = DIMENSION_NAMES


def words(lang: str) -> dict:
    """What a person reads along the way (literal, so that the wording is checked) and the
    buttons they press (labels from the locale catalogue)."""
    label = functools.partial(locales.plain, lang)
    read = {
        "id": {
            "notice": "Pemberitahuan Privasi",
            "step": "Langkah {n}/6",
            "summary": "Mohon periksa data",
            "saved": "✅ Pendaftaran",
        },
        "en": {
            "notice": "Privacy notice",
            "step": "Step {n}/6",
            "summary": "Please check",
            "saved": "✅ Your registration",
        },
    }[lang]
    return {
        **read,
        "agree": label("registration.agree"),
        "disagree": label("registration.disagree"),
        "next": label("registration.next_page"),
        "other": label("registration.opd_other_button"),
        "roles": {role: label(f"registration.role_{role}") for role in ROLES},
        "all": label("registration.all_dimensions"),
        "modes": {mode: label(f"registration.mode_{mode}") for mode in MODES},
        "skip": label("registration.skip"),
        "save": label("registration.save"),
        "change": label("registration.change"),
        "fields": {f: label(f"registration.field_{f}") for f in ("full_name", "role", "mode")},
        "delete_yes": label("registration.delete_yes"),
        "delete_no": label("registration.delete_no"),
    }


L = {lang: words(lang) for lang in locales.LANGUAGES}
ID, EN = L["id"], L["en"]


async def choose_opd(user, lang: str, opd: str | None, other: str | None = None) -> None:
    words = L[lang]
    if opd is None:
        await user.press(words["other"])
        await user.expect("Universitas Panca Marga")
        await user.send(other)
        return
    for page in range(OPD_ORDER.index(opd) // 8):
        await user.press(words["next"])
        await user.expect(f"{page + 2}/3")
    await user.press(OPD_NAME[opd])


async def walk_to_phone(
    user,
    lang: str,
    name: str,
    opd: str | None,
    role: str,
    dimension: str,
    mode: str,
    other: str | None = None,
    command: str = "/daftar",
    wait: float = 5.0,
) -> None:
    """Consent and the first five questions, checking each question arrives (within
    `wait` seconds); stops when the phone question (step 6) is on screen."""
    words = L[lang]
    await user.send(command)
    if lang == "en":  # Telegram not in Indonesian: the language is offered once, first
        await user.expect("Please choose the bot's language", timeout=wait)
        await user.press("English")
    await user.expect(words["notice"], timeout=wait)
    await user.press(words["agree"])
    await user.expect(words["step"].format(n=1), timeout=wait)
    await user.send(name)
    await user.expect(words["step"].format(n=2), timeout=wait)
    await choose_opd(user, lang, opd, other)
    await user.expect(words["step"].format(n=3), timeout=wait)
    await user.press(words["roles"][role])
    await user.expect(words["step"].format(n=4), timeout=wait)
    if dimension == "all":
        await user.press(words["all"])
    elif opd is not None and OPD_DIMENSION.get(opd) == dimension:
        await user.press("✓ " + DIM_NAME[dimension])
    else:
        await user.press(DIM_NAME[dimension])
    await user.expect(words["step"].format(n=5), timeout=wait)
    await user.press(words["modes"][mode])
    await user.expect(words["step"].format(n=6), timeout=wait)


async def register_via_bot(
    user,
    lang: str,
    name: str,
    opd: str | None,
    role: str,
    dimension: str,
    mode: str,
    phone: str | None = None,
    other: str | None = None,
    command: str = "/daftar",
    wait: float = 5.0,
) -> None:
    """Walk the whole flow like a person would, checking each question arrives."""
    words = L[lang]
    await walk_to_phone(user, lang, name, opd, role, dimension, mode, other, command, wait)
    if phone:
        await user.send_contact(phone=phone)
    else:
        await user.send(words["skip"])
    await user.expect(words["summary"], timeout=wait)
    await user.press(words["save"])
    await user.expect(words["saved"], timeout=wait)


async def check_profile(db, user_id: int, **expected) -> None:
    profile = await participants.get(db, user_id)
    assert profile is not None
    assert profile.status == "registered"
    for key, value in expected.items():
        assert getattr(profile, key) == value, (key, getattr(profile, key), value)
    assert await flows.get(db, user_id) is None


# --- happy paths -----------------------------------------------------------------------------


async def test_each_role_in_indonesian_and_english(tg, bot) -> None:
    cases = [
        (
            "id",
            "Dr. Ir. Siti Aminah, S.Kom., M.T.",
            "diskominfo",
            "tim_pelaksana",
            "governance",
            "offline",
            "+6281234567890",
        ),
        ("en", "Alice O'Neil-Smith", "dinkes", "tim_pelaksana", "economy", "online", None),
        ("id", "Bambang Wijaya", "bappeda", "dewan", "all", "online", None),
        ("en", "Made Wirawan", "dlh", "dewan", "environment", "offline", "+6285511122233"),
        ("id", "Prof. Dr. Hadi Susanto", None, "narasumber", "all", "online", None),
        ("en", "Nguyễn Thị Lan", "dispendik", "narasumber", "society", "offline", None),
        ("id", "Rina Kartika", None, "lainnya", "branding", "offline", None),
        ("en", "Jürgen Müller", "dkpp", "lainnya", "all", "online", None),
    ]

    async def register_one(
        n: int,
        lang: str,
        name: str,
        opd: str | None,
        role: str,
        dim: str,
        mode: str,
        phone: str | None,
    ) -> None:
        uid = 510_000 + n
        user = tg.user(first_name=f"P{n}", language_code=lang, user_id=uid)
        other = "Universitas Panca Marga" if opd is None else None
        await register_via_bot(user, lang, name, opd, role, dim, mode, phone, other)
        await check_profile(
            bot.db,
            uid,
            full_name=name,
            opd_id=opd,
            opd_other=other,
            role=role,
            dimension=dim,
            mode=mode,
            phone=phone,
        )
        proof = await consents.active(bot.db, uid)
        assert proof is not None and proof["notice_version"]

    # Independent people register at once: each private chat has its own rate budget.
    async with asyncio.TaskGroup() as group:
        for n, case in enumerate(cases):
            group.create_task(register_one(n, *case))


async def test_start_and_deep_link_register_an_unregistered_user(tg, bot) -> None:
    budi = tg.user(first_name="Budi", language_code="id")
    await budi.send("/start")
    await budi.expect("Selamat datang")
    await budi.expect("Pemberitahuan Privasi")
    await budi.press(ID["disagree"])
    await budi.expect("tidak ada data yang kami simpan")
    assert await participants.get(bot.db, budi.id) is None
    assert await consents.history(bot.db, budi.id) == []

    await register_via_bot(
        budi,
        "id",
        "Budi Santoso",
        "disparbud",
        "tim_pelaksana",
        "branding",
        "offline",
        command="/start daftar",
    )
    await check_profile(bot.db, budi.id, full_name="Budi Santoso", dimension="branding")
    # A registered user's /start is only the welcome, by the registered name.
    await budi.send("/start")
    welcome = await budi.expect("sudah terdaftar")
    assert "Bapak/Ibu Budi Santoso" in welcome.text


async def test_notice_names_version_rights_and_contact(tg, bot) -> None:
    rina = tg.user(first_name="Rina", language_code="id")
    await rina.send("/privasi")
    text = (await rina.expect("Pemberitahuan Privasi")).text
    for part in (
        "versi",
        "Tujuan",
        "Jangka waktu penyimpanan",
        "3×24 jam",
        "/hapusdata",
        "+62 335 841 000",
        # every kind of record the bot keeps about a person is named, not only the profile
        "kehadiran per sesi",
        "penilaian sesi",
        "e-sertifikat",
    ):
        assert part in text
    assert await participants.get(bot.db, rina.id) is None


# --- bad input -------------------------------------------------------------------------------


async def test_bad_inputs_get_a_polite_reprompt_and_change_nothing(tg, bot) -> None:
    # Independent bad inputs are spread over several people typing at once: each private chat
    # has its own rate budget, so the test does not wait ~1 s per reprompt for one chat.

    async def agree(user: SimUser) -> None:
        await user.send("/daftar")
        await user.expect("Pemberitahuan Privasi")
        await user.press(ID["agree"])
        await user.expect("Langkah 1/6")

    async def bad_names(user: SimUser, names: dict[str, str]) -> None:
        """Each name gets what is wrong with it, not the list of every rule."""
        for bad, why in names.items():
            await user.send(bad)
            answer = await user.expect(why)
            assert "2–100 karakter" not in answer.text
        await name_still_empty(user)

    async def name_still_empty(user: SimUser) -> None:
        profile = await participants.get(bot.db, user.id)
        assert profile is not None and profile.full_name is None

    async def consent_and_short_names() -> None:
        joko = tg.user(first_name="Joko", language_code="id")
        await joko.send("/daftar")
        await joko.expect("Pemberitahuan Privasi")
        await joko.send("boleh saya baca dulu")  # typing where a button is expected
        reminder = await joko.expect("Mohon tekan Setuju")  # short: not the notice again
        assert "Pemberitahuan Privasi di atas" in reminder.text and "Tujuan." not in reminder.text
        assert reminder.buttons == [[ID["agree"], ID["disagree"]]]
        assert await participants.get(bot.db, joko.id) is None  # no consent, nothing stored
        await joko.press(ID["agree"], reminder)
        await joko.expect("Langkah 1/6")
        await bad_names(
            joko,
            {
                "12345": "nama tidak boleh berisi angka (1 2 3 4 5)",
                "😀😀😀": "nama tidak boleh berisi emoji (😀)",
                "A": "nama terlalu pendek: perlu paling sedikit 2 huruf",
            },
        )

    async def long_names_and_a_command() -> None:
        jaka = tg.user(first_name="Jaka", language_code="id")
        await agree(jaka)
        await bad_names(
            jaka,
            {
                "x" * 101: "nama terlalu panjang: 101 karakter, paling banyak 100",
                "Budi <script>": "nama tidak boleh berisi tanda < >",
                "B2": "nama tidak boleh berisi angka (2)",
            },
        )
        await jaka.send("/apaini")
        await jaka.expect("itu sebuah perintah")
        await name_still_empty(jaka)

    async def media_instead_of_a_name() -> None:
        jeni = tg.user(first_name="Jeni", language_code="id")
        await agree(jeni)
        for send in (jeni.send_sticker, jeni.send_photo, jeni.send_location):
            await send()
            await jeni.expect("stiker, foto, suara, atau lokasi")
        await name_still_empty(jeni)
        await jeni.send("Jeni Wulandari")
        await jeni.expect("Langkah 2/6")

    async def office_and_forged_dimension() -> None:
        joni = tg.user(first_name="Joni", language_code="id")
        await agree(joni)
        await joni.send("Joni Widodo")
        await joni.expect("Langkah 2/6")
        # An office not in the list, then "Lainnya" with bad then good text.
        await joni.send("Kantor Pos Kraksaan")
        await joni.expect("«Kantor Pos Kraksaan» tidak ditemukan dalam daftar instansi")
        assert (await participants.get(bot.db, joni.id)).opd_other is None
        await joni.press(L["id"]["other"])
        await joni.expect("Universitas Panca Marga")
        await joni.send("1234")
        await joni.expect("nama instansi terlalu pendek")
        await joni.send("PT PLN (Persero) UP3 Pasuruan")
        await joni.expect("Langkah 3/6")
        await joni.press(ID["roles"]["tim_pelaksana"])
        menu = await joni.expect("Langkah 4/6")
        assert ID["all"] not in [b for row in menu.buttons for b in row]
        # Tim Pelaksana cannot choose "all", even by forging the button.
        await joni.press_data("reg:dimension:all", menu)
        await joni.wait_idle(0.3)
        assert (await participants.get(bot.db, joni.id)).dimension is None
        await joni.press(DIM_NAME["living"])
        await joni.expect("Langkah 5/6")
        await joni.press(ID["modes"]["offline"])
        await joni.expect("Langkah 6/6")
        await joni.send(ID["skip"])
        summary = await joni.expect("Mohon periksa data")
        assert "PT PLN (Persero) UP3 Pasuruan" in summary.text
        await joni.press(ID["save"])
        await joni.expect("✅ Pendaftaran")
        await check_profile(
            bot.db, joni.id, opd_id=None, opd_other="PT PLN (Persero) UP3 Pasuruan", phone=None
        )

    async def phone_typed_or_someone_elses() -> None:
        joss = tg.user(first_name="Joss", language_code="id")
        await walk_to_phone(
            joss, "id", "Joss Saputra", "dinkes", "tim_pelaksana", "living", "offline"
        )
        await joss.send("0812 345")  # typed, and too short to be a number
        await joss.expect("0812 345 bukan nomor telepon Indonesia yang valid")
        await joss.send("nanti saja")  # neither a number nor a button
        await joss.expect("Bagikan nomor saya")
        other = tg.user(first_name="Lain", language_code="id")
        await joss.send_contact(phone="+628111", user_id=other.id)  # someone else's card
        await joss.expect("nomor Bapak/Ibu sendiri")
        assert (await participants.get(bot.db, joss.id)).phone is None
        await joss.send_contact(phone="+628777")
        summary = await joss.expect("Mohon periksa data")
        assert "+628777" in summary.text
        await joss.press(ID["save"])
        await joss.expect("✅ Pendaftaran")
        await check_profile(bot.db, joss.id, opd_id="dinkes", phone="+628777")

    async with asyncio.TaskGroup() as group:
        group.create_task(consent_and_short_names())
        group.create_task(long_names_and_a_command())
        group.create_task(media_instead_of_a_name())
        group.create_task(office_and_forged_dimension())
        group.create_task(phone_typed_or_someone_elses())


async def test_old_buttons_are_harmless(tg, bot) -> None:
    ani = tg.user(first_name="Ani", language_code="id")
    await ani.send("/daftar")
    await ani.expect("Pemberitahuan Privasi")
    await ani.press(ID["agree"])
    await ani.expect("Langkah 1/6")
    await ani.send("Ani Lestari")
    opd_menu = await ani.expect("Langkah 2/6")
    await choose_opd(ani, "id", "dkpp")
    await ani.expect("Langkah 3/6")
    # A button of the office question, pressed again after it was answered.
    await ani.press_data("reg:opd:diskominfo", opd_menu)
    await ani.wait_idle(0.3)
    profile = await participants.get(bot.db, ani.id)
    assert profile.opd_id == "dkpp"
    assert (await flows.get(bot.db, ani.id)).step == "role"


async def test_summary_change_goes_to_a_single_field(tg, bot) -> None:
    eko = tg.user(first_name="Eko", language_code="id")
    await walk_to_phone(eko, "id", "Eko Prasetyo", "diskominfo", "dewan", "all", "online")
    await eko.send(ID["skip"])
    await eko.expect("Mohon periksa data")
    await eko.press(ID["change"])
    await eko.expect("Bagian mana")
    # Ubah pressed by mistake: « Kembali leads back to the summary, nothing changed.
    await eko.press(locales.plain("id", "common.back"))
    await eko.expect("Mohon periksa data")
    await eko.press(ID["change"])
    await eko.expect("Bagian mana")
    await eko.press(ID["fields"]["full_name"])
    # One field is changed: no "Langkah n/6", that numbering is for the first registration.
    name_question = await eko.expect("Silakan tulis nama lengkap")
    assert "Langkah" not in name_question.text
    await eko.send("Eko Prasetyo, S.T.")
    summary = await eko.expect("Mohon periksa data")
    assert "Eko Prasetyo, S.T." in summary.text
    # Becoming Tim Pelaksana while on "all dimensions" asks for one dimension.
    await eko.press(ID["change"])
    await eko.press(ID["fields"]["role"])
    await eko.expect("Apa peran Bapak/Ibu")
    await eko.press(ID["roles"]["tim_pelaksana"])
    await eko.expect("Kelompok dimensi mana")
    await eko.press("✓ " + DIM_NAME["governance"])
    await eko.expect("Mohon periksa data")
    await eko.press(ID["save"])
    await eko.expect("✅ Pendaftaran")
    await check_profile(
        bot.db, eko.id, full_name="Eko Prasetyo, S.T.", role="tim_pelaksana", dimension="governance"
    )


async def test_cancel_says_what_was_kept(tg, bot) -> None:
    dewi = tg.user(first_name="Dewi", language_code="id")
    await dewi.send("/daftar")
    await dewi.expect("Pemberitahuan Privasi")
    await dewi.send("/batal")
    await dewi.expect("Tidak ada data yang disimpan")
    await dewi.send("/daftar")
    await dewi.expect("Pemberitahuan Privasi")
    await dewi.press(ID["agree"])
    await dewi.expect("Langkah 1/6")
    await dewi.send("Dewi Sartika")
    await dewi.expect("Langkah 2/6")
    await dewi.send("/batal")
    msg = await dewi.expect("Yang sudah tersimpan")
    assert "Nama" in msg.text and "Instansi" not in msg.text
    await dewi.send("/daftar")  # continues at the office question, name kept
    await dewi.expect("Langkah 2/6")
    assert (await participants.get(bot.db, dewi.id)).full_name == "Dewi Sartika"


# --- durability ------------------------------------------------------------------------------


async def test_resume_after_restart(tg, bot) -> None:
    fajar = tg.user(first_name="Fajar", language_code="en")
    await fajar.send("/daftar")
    await fajar.expect("Please choose the bot's language")
    await bot.restart()  # the offer is a step like the others
    await fajar.press("English")
    await fajar.expect(L["en"]["notice"])
    await fajar.press(EN["agree"])
    await fajar.expect("Step 1/6")
    await fajar.send("Fajar Nugroho")
    await fajar.expect("Step 2/6")
    await choose_opd(fajar, "en", "disparbud")
    role_menu = await fajar.expect("Step 3/6")
    await bot.restart()
    # The old menu still works: it is the current question.
    await fajar.press_data("reg:role:narasumber", role_menu)
    await fajar.expect("Step 4/6")
    await bot.restart()
    await fajar.send("hello?")
    await fajar.expect("Step 4/6")
    await fajar.press("✓ " + DIM_NAME["branding"])
    await fajar.expect("Step 5/6")
    await fajar.press(EN["modes"]["online"])
    await fajar.expect("Step 6/6")
    await fajar.send(EN["skip"])
    await fajar.expect("Please check")
    await fajar.press(EN["save"])
    await fajar.expect("✅ Your registration")
    await check_profile(
        bot.db,
        fajar.id,
        full_name="Fajar Nugroho",
        opd_id="disparbud",
        role="narasumber",
        dimension="branding",
        mode="online",
        phone=None,
    )


async def test_resume_after_sigkill(tg, settings) -> None:
    from storage.db import Database

    proc = BotProcess(settings).start()
    try:
        gita = tg.user(first_name="Gita", language_code="id")
        await gita.send("/daftar")
        await gita.expect("Pemberitahuan Privasi", timeout=15)
        await gita.press(ID["agree"])
        await gita.expect("Langkah 1/6")
        await gita.send("Gita Permata")
        await gita.expect("Langkah 2/6")
        proc.kill()
        proc = BotProcess(settings).start()
        await gita.send("/daftar")
        # The resumed question (a redelivered update may also be re-prompted first).
        msg = await gita.expect("Melanjutkan", timeout=15)
        assert "Langkah 2/6" in msg.text
        await choose_opd(gita, "id", "dlh")
        await gita.expect("Langkah 3/6")
    finally:
        await proc.stop()
    db = await Database(settings.database_path).open()
    try:
        profile = await participants.get(db, gita.id)
        assert profile.full_name == "Gita Permata" and profile.opd_id == "dlh"
    finally:
        await db.close()


async def test_fifty_users_at_once(tg, bot) -> None:
    opds = list(OPD_NAME)
    dims = list(DIM_NAME)
    people = []
    for n in range(50):
        lang = "en" if n % 3 == 0 else "id"
        opd = opds[n % len(opds)]
        role = ("tim_pelaksana", "dewan", "narasumber", "lainnya")[n % 4]
        dim = OPD_DIMENSION[opd] if n % 2 else dims[(n + 1) % 6]
        if role != "tim_pelaksana" and n % 5 == 0:
            dim = "all"
        mode = ("offline", "online")[n % 2]
        phone = f"+62812000{n:04d}" if n % 4 == 1 else None
        user = tg.user(first_name=f"U{n}", language_code=lang, user_id=520_000 + n)
        people.append(
            (
                user,
                lang,
                f"Peserta Nomor {chr(65 + n % 26)}{chr(97 + n // 26)}",
                opd,
                role,
                dim,
                mode,
                phone,
            )
        )
    # 50 people at once share Telegram's 30 messages/s (the bot's own limiter holds it), and
    # every typed answer now gets a short note too: a question may take several seconds.
    await asyncio.gather(*(register_via_bot(*p, wait=30.0) for p in people))
    for user, _lang, name, opd, role, dim, mode, phone in people:
        await check_profile(
            bot.db,
            user.id,
            full_name=name,
            opd_id=opd,
            role=role,
            dimension=dim,
            mode=mode,
            phone=phone,
        )


# --- groups, profile, data rights ---------------------------------------------------------------


async def test_personal_commands_in_a_group_deep_link_to_private(tg, bot) -> None:
    group = tg.group(title="Bimtek Probolinggo")
    hana = tg.user(first_name="Hana", language_code="id")
    for command, payload in (
        ("/daftar", "daftar"),
        ("/profil", "profil"),
        ("/datasaya", "datasaya"),
        ("/hapusdata", "hapusdata"),
    ):
        await hana.send(f"{command}@bimtek_test_bot", chat=group)
        msg = await hana.expect("chat pribadi", chat=group)
        urls = [b.get("url") or "" for row in msg.inline_keyboard for b in row]
        assert any(url.endswith(f"?start={payload}") for url in urls), urls
    # /batal has nothing to cancel in a group either: it points to the private chat.
    await hana.send("/batal@bimtek_test_bot", chat=group)
    await hana.expect("chat pribadi", chat=group)
    assert await participants.get(bot.db, hana.id) is None
    assert await flows.get(bot.db, hana.id) is None
    # The deep links continue in the private chat.
    await hana.send("/start profil")
    await hana.expect("belum terdaftar")
    await hana.send("/start hapusdata")
    await hana.expect("tidak menyimpan data pribadi")
    await hana.send("/start daftar")
    await hana.expect("Pemberitahuan Privasi")


async def test_profile_edit_datasaya_and_hapusdata(tg, bot) -> None:
    ika = tg.user(first_name="Ika", language_code="id")
    await register_via_bot(
        ika, "id", "Ika Rahma", "dinkes", "tim_pelaksana", "living", "offline", "+628999"
    )
    await ika.send("/profil")
    msg = await ika.expect("Profil Bapak/Ibu")
    assert "Ika Rahma" in msg.text and "Dinas Kesehatan" in msg.text
    await ika.press(ID["fields"]["mode"])
    mode_question = await ika.expect("Bagaimana Bapak/Ibu akan mengikuti bimtek")
    assert "Langkah" not in mode_question.text
    await ika.press(ID["modes"]["online"])
    await ika.expect("Profil diperbarui")
    await check_profile(bot.db, ika.id, mode="online", full_name="Ika Rahma")
    # A forged profile button naming a field that does not exist changes nothing.
    await ika.press_data("prof:edit:status", msg)
    await ika.wait_idle(0.3)
    assert await flows.get(bot.db, ika.id) is None

    # What the other features keep about her: a proposal, a question, a queued reminder.
    await proposal_store.insert_submitted(
        bot.db, [{"user_id": ika.id, "dimension": "living", "name": "Posyandu Digital"}]
    )
    asked = await faq_log.add(bot.db, ika.id, ika.id, "id", "Apakah ada jamuan?", None, 0.1)
    await faq_log.escalate(bot.db, asked)  # passed to the organisers: in /datasaya
    later = datetime.now(UTC) + timedelta(days=1)
    await outbox.enqueue(
        bot.db, [outbox.OutgoingMessage("reminder", ika.id, {"text": "Besok"}, not_before=later)]
    )

    await ika.send("/datasaya")
    summary = await ika.expect("Data Bapak/Ibu yang kami simpan")
    # The consent time as people read it (in the event's zone), not an ISO string.
    assert re.search(r"diberikan \w+, \d{1,2} \w+ \d{4}, \d\d\.\d\d WIB", summary.text)
    doc = await ika.expect("JSON")
    data = json.loads(
        doc.document_bytes if hasattr(doc, "document_bytes") else doc.document.content
    )
    assert data["telegram_user_id"] == ika.id
    assert data["participant"]["full_name"] == "Ika Rahma"
    assert data["participant"]["phone"] == "+628999"
    assert data["consents"][0]["withdrawn_at"] is None
    assert [p["name"] for p in data["proposals"]] == ["Posyandu Digital"]
    assert data["questions_to_organisers"][0]["question"] == "Apakah ada jamuan?"

    await ika.send("/hapusdata")
    await ika.expect("Lanjutkan?")
    await ika.press(ID["delete_no"])
    await ika.expect("tidak dihapus")
    assert (await participants.get(bot.db, ika.id)).full_name == "Ika Rahma"
    await ika.send("/hapusdata")
    confirm = await ika.expect("Lanjutkan?")
    # what goes is said in full: the records of the workshop too, and what stays
    for part in (
        "catatan kehadiran",
        "penilaian sesi",
        "pertanyaan kepada panitia",
        "e-sertifikat",
    ):
        assert part in confirm.text
    await ika.press(ID["delete_yes"])
    await ika.expect("sudah dihapus")
    gone = await participants.get(bot.db, ika.id)
    assert gone.status == "deleted"
    assert (gone.full_name, gone.opd_id, gone.role, gone.dimension, gone.mode, gone.phone) == (
        None,
    ) * 6
    proof = await consents.history(bot.db, ika.id)
    assert len(proof) == 1 and proof[0]["withdrawn_at"] is not None
    assert await consents.active(bot.db, ika.id) is None
    assert (await audit.entries(bot.db, "data_deleted_self"))[0]["actor_id"] == ika.id
    # The proposal stays for the masterplan, without her; her question and queue are gone.
    assert await proposal_store.of_user(bot.db, ika.id) == []
    kept = await proposal_store.export_rows(bot.db)
    assert [(r["name"], r["anonymised"], r["proposer_name"]) for r in kept] == [
        ("Posyandu Digital", 1, None)
    ]
    assert await faq_log.of_user(bot.db, ika.id) == []
    queued = await bot.db.fetchall("SELECT status FROM outbox WHERE chat_id = ?", (ika.id,))
    assert [r["status"] for r in queued] == ["cancelled"]
    await ika.send("/profil")
    await ika.expect("belum terdaftar")


async def test_forged_callbacks_only_ever_touch_the_presser(tg, bot) -> None:
    owner = tg.user(first_name="Owner", language_code="id")
    await register_via_bot(owner, "id", "Pemilik Data", "dlh", "dewan", "all", "online")
    mallory = tg.user(first_name="Mallory", language_code="id")
    await mallory.send("/privasi")
    msg = await mallory.expect("Pemberitahuan Privasi")
    # Profile edit, deletion and registration answers: none names a user, all act on the
    # presser, who has no profile, no consent and no flow.
    for data in (
        "prof:edit:full_name",
        "del:yes",
        "reg:summary:save",
        "reg:role:dewan",
        f"adm:rm:{owner.id}",
    ):
        await mallory.press_data(data, msg)
        await mallory.wait_idle(0.2)
    assert await flows.get(bot.db, mallory.id) is None
    assert await participants.get(bot.db, mallory.id) is None
    await check_profile(bot.db, owner.id, full_name="Pemilik Data", role="dewan", dimension="all")
    assert await consents.active(bot.db, owner.id) is not None


def test_name_rules() -> None:
    from domain.people import clean_name, clean_org

    good = ["Dr. Ir. Siti Aminah, S.Kom., M.T.", "Nguyễn Thị Lan", "محمد علي", "O'Neil-Smith", "Li"]
    for name in good:
        assert clean_name(name) == name
    assert clean_name("  Budi   Santoso ") == "Budi Santoso"
    for bad in ("12345", "😀😀😀", "A", "x" * 101, "/start", "B2", "Budi <b>", "..", "", None):
        assert clean_name(bad) is None, bad
    assert clean_org("PT PLN (Persero) UP3 Pasuruan") == "PT PLN (Persero) UP3 Pasuruan"
    assert clean_org("1234") is None


async def test_second_press_of_simpan_says_already_saved(tg, bot) -> None:
    """After Simpan was committed but its reply lost (a crash, a dropped response), the
    same button pressed again says the registration is saved and changes nothing."""
    wulan = tg.user(first_name="Wulan", language_code="id")
    await walk_to_phone(wulan, "id", "Wulan Sari", "dkpp", "tim_pelaksana", "economy", "offline")
    await wulan.send(L["id"]["skip"])
    summary = await wulan.expect(L["id"]["summary"])
    save_data = summary.find_button(ID["save"])["callback_data"]
    await wulan.press(ID["save"])
    await wulan.expect(L["id"]["saved"])
    registered_at = (await participants.get(bot.db, wulan.id)).registered_at
    before = len(wulan.messages)
    again = await wulan.press_data(save_data, summary)
    assert again.show_alert
    assert again.text == locales.plain("id", "registration.already_saved")
    await wulan.wait_idle(0.3)
    assert len(wulan.messages) == before
    assert (await participants.get(bot.db, wulan.id)).registered_at == registered_at
