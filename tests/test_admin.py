"""Staff commands end to end: /panitia (admins) and /statistik (organisers), role checks."""

from __future__ import annotations

from storage import audit, participants, staff, users
from tests.conftest import ADMIN_ID, ORGANISER_ID
from tests.seeding import registered


async def seed(db, user_id: int, opd: str | None, role: str, dimension: str, mode: str) -> None:
    await registered(db, user_id, opd_id=opd, role=role, dimension=dimension, mode=mode)


async def test_panitia_add_list_remove_with_audit(tg, bot, admin) -> None:
    newbie = tg.user(first_name="Calon", language_code="id")
    await admin.send(f"/panitia tambah {newbie.id}")
    await admin.expect(f"Calon (ID {newbie.id}) kini menjadi panitia")
    assert newbie.id in await staff.organiser_ids(bot.db)
    notice = await newbie.expect("kini terdaftar sebagai panitia")
    assert "/umumkan" in notice.text and "/statistik" in notice.text
    await admin.send(f"/panitia tambah {newbie.id}")
    await admin.expect("sudah menjadi panitia")
    # The new organiser may now use organiser commands.
    await newbie.send("/statistik")
    await newbie.expect("Statistik pendaftaran")

    await admin.send("/panitia")
    listing = await admin.expect("Panitia dan admin")
    assert str(newbie.id) in listing.text and str(ADMIN_ID) in listing.text
    # Names, not bare ids (issue: trust, point 5).
    assert (
        f"• Calon (ID {newbie.id})" in listing.text and f"• Admin (ID {ADMIN_ID})" in listing.text
    )
    await admin.press("Hapus Calon")
    await admin.expect(f"Calon (ID {newbie.id}) tidak lagi menjadi panitia")
    assert newbie.id not in await staff.organiser_ids(bot.db)
    await newbie.send("/statistik")
    await newbie.expect("hanya untuk panitia")

    log = await audit.entries(bot.db)
    actions = [(e["action"], e["actor_id"], e["detail"]["user_id"]) for e in log]
    assert ("organiser_added", ADMIN_ID, newbie.id) in actions
    assert ("organiser_removed", ADMIN_ID, newbie.id) in actions
    assert len([a for a in actions if a[0] == "organiser_added"]) == 1


async def test_panitia_by_reply_in_a_group_and_bad_ids(tg, bot, admin) -> None:
    group = tg.group(title="Panitia Bimtek")
    wati = tg.user(first_name="Wati", language_code="id")
    said = await wati.send("Saya siap membantu", chat=group)
    await admin.send("/panitia tambah", chat=group, reply_to=said)
    await admin.expect(f"Wati (ID {wati.id}) kini menjadi panitia", chat=group)
    assert wati.id in await staff.organiser_ids(bot.db)
    await admin.send("/panitia hapus", chat=group, reply_to=said)
    await admin.expect("tidak lagi menjadi panitia", chat=group)
    assert wati.id not in await staff.organiser_ids(bot.db)
    await admin.send("/panitia tambah budi")
    await admin.expect("harus berupa angka")
    await admin.send(f"/panitia hapus {ORGANISER_ID}")
    await admin.expect("berkas konfigurasi")
    assert await staff.organiser_ids(bot.db) == set()


async def test_role_checks_on_every_staff_command_and_button(tg, bot, admin, organiser) -> None:
    await admin.send("/panitia tambah 777001")
    await admin.expect("kini menjadi panitia")
    await admin.send("/panitia")
    menu = await admin.expect("Panitia dan admin")
    before = await audit.entries(bot.db)

    stranger = tg.user(first_name="Tamu", language_code="en")
    for user in (stranger, organiser):
        await user.send("/panitia tambah 777002")
        await user.expect("for admins only" if user is stranger else "hanya untuk admin")
        await user.send("/panitia hapus 777001")
        await user.wait_idle(0.2)
        # A forged removal button on the admin's menu.
        await user.press_data("adm:rm:777001", menu)
        await user.wait_idle(0.3)
    await stranger.send("/statistik")
    await stranger.expect("for organisers only")
    assert await staff.organiser_ids(bot.db) == {777001}
    assert await audit.entries(bot.db) == before


async def test_statistik_counts_and_names_empty_opd(tg, bot, organiser) -> None:
    await seed(bot.db, 1, "diskominfo", "tim_pelaksana", "governance", "offline")
    await seed(bot.db, 2, "diskominfo", "dewan", "all", "online")
    await seed(bot.db, 3, "dinkes", "tim_pelaksana", "living", "offline")
    await seed(bot.db, 4, None, "narasumber", "all", "online")
    await users.touch(bot.db, 5, "id")
    await participants.start_draft(bot.db, 5)  # a draft is not counted
    await participants.update(bot.db, 5, full_name="Draf", opd_id="dlh")
    await organiser.send("/statistik")
    text = (await organiser.expect("Statistik pendaftaran")).text
    assert "4 peserta terdaftar" in text
    assert "Tim Pelaksana OPD: 2" in text and "Dewan Smart City: 1" in text
    assert "Narasumber/Tim Pendamping: 1" in text and "Lainnya: 0" in text
    assert "Smart Governance: 1" in text and "Semua dimensi: 2" in text
    assert "Smart Living: 1" in text and "Smart Economy: 0" in text
    assert "Luring (tatap muka): 2" in text and "Daring (online): 2" in text
    assert "Dinas Komunikasi, Informatika, Statistik dan Persandian: 2" in text
    assert "Dinas Kesehatan: 1" in text and "Instansi lain: 1" in text
    empty_part = text.split("belum ada pendaftar")[1]
    assert "(20)" in text
    assert "Dinas Lingkungan Hidup" in empty_part and "Dinas Kesehatan" not in empty_part
    assert "• Dinas Lingkungan Hidup\n" in empty_part  # no redundant ": 0" in that list


async def test_staff_start_is_not_a_registration(tg, bot, organiser) -> None:
    await organiser.send("/start")
    welcome = await organiser.expect("Selamat datang")
    assert "/bantuan" in welcome.text
    await organiser.wait_idle(0.3)
    assert not any("Pemberitahuan Privasi" in m.text for m in organiser.messages)
    assert await participants.get(bot.db, organiser.id) is None
    # Staff who also take part register explicitly.
    await organiser.send("/daftar")
    await organiser.expect("Pemberitahuan Privasi")


async def test_panitia_by_forwarding_a_message(tg, bot, admin) -> None:
    rudi = tg.user(first_name="Rudi", last_name="Hartono", username="rudi_h", language_code="id")
    await rudi.send("/start")
    await rudi.expect("Selamat datang")
    await admin.send("Boleh saya bantu panitia?", forward_from=rudi)
    offer = await admin.expect("diteruskan dari")
    assert "Rudi Hartono" in offer.text
    await admin.press("Jadikan Rudi Hartono panitia")
    await admin.expect("kini menjadi panitia")
    assert rudi.id in await staff.organiser_ids(bot.db)
    await rudi.expect("kini terdaftar sebagai panitia")
    await admin.send("/panitia")
    listing = await admin.expect("Panitia dan admin")
    assert f"Rudi Hartono @rudi_h (ID {rudi.id})" in listing.text
    # A participant's forward is an ordinary message: no offer, nobody added.
    tamu = tg.user(first_name="Tamu", language_code="id")
    await tamu.send("link zoomnya mana?", forward_from=rudi)
    answer = await tamu.expect("Tautan rapat daring")  # the FAQ (the link: participants only)
    assert "panitia?" not in answer.text
    assert await staff.organiser_ids(bot.db) == {rudi.id}


async def test_statistik_names_the_other_institutions(tg, bot, organiser) -> None:
    await seed(bot.db, 1, None, "narasumber", "all", "online")  # Universitas Panca Marga
    await seed(bot.db, 2, None, "dewan", "all", "online")
    await seed(bot.db, 3, "dinkes", "tim_pelaksana", "living", "offline")
    await organiser.send("/statistik")
    text = (await organiser.expect("Statistik pendaftaran")).text
    assert "Instansi lain: 2" in text and "◦ Universitas Panca Marga: 2" in text
