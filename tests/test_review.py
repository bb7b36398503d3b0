"""Review by the tim pendamping (issue 15, part 2), end to end: /pendamping, /tinjau with a
score per criterion, a recommendation and a comment; self-review refused; "perlu perbaikan"
reaches the proposer, whose revision is a new version (the old one and its review kept);
role checks and forged presses on every review button."""

from __future__ import annotations

import asyncio
import json

import locales
from storage import proposals as store
from storage import reviews, staff
from tests.harness import RunningBot
from tests.proposal_helpers import register, seed_proposals
from tests.test_language import tg_commands

PROPOSER, REVIEWER, OUTSIDER = 740_001, 740_002, 740_003


async def test_review_with_every_criterion_revision_and_self_review(tg, bot, admin) -> None:
    await register(bot.db, PROPOSER, name="Sari Dewi", dimension="governance")
    await register(bot.db, REVIEWER, name="Dr. Hendra", dimension="governance")
    await seed_proposals(bot.db, PROPOSER, 1, name="Layanan terpadu")
    await seed_proposals(bot.db, REVIEWER, 1, name="Usulan peninjau sendiri")
    proposer = tg.user(first_name="Sari", language_code="id", user_id=PROPOSER)
    reviewer = tg.user(first_name="Hendra", language_code="id", user_id=REVIEWER)
    outsider = tg.user(first_name="Tamu", language_code="id", user_id=OUTSIDER)
    (pid,) = [p.id for p in await store.of_user(bot.db, PROPOSER)]

    # Not yet a reviewer: refused, and so is a forged review button.
    await reviewer.send("/tinjau")
    await reviewer.expect("hanya untuk tim pendamping")
    assert "hanya untuk tim pendamping" in str(await reviewer.press_data("rev:v:score:5"))
    await outsider.send("/pendamping tambah 740003")
    await outsider.expect("hanya untuk admin")
    await reviewer.send("/bantuan")
    assert "/tinjau" not in (await reviewer.expect("Perintah yang tersedia")).text

    await admin.send(f"/pendamping tambah {REVIEWER} governance")
    await admin.expect("kini menjadi tim pendamping untuk: Smart Governance")
    await reviewer.expect("tim pendamping")
    await reviewer.send("/bantuan")
    assert "/tinjau – tinjau usulan" in (await reviewer.expect("Untuk tim pendamping")).text

    await reviewer.send("/tinjau")
    shown = await reviewer.expect(f"Tinjauan usulan #{pid}")
    assert "Layanan terpadu 0" in shown.text  # the proposal whole, never the reviewer's own
    names = [
        "Dampak",
        "Kelayakan",
        "Kesesuaian dengan RPJMD/visi daerah",
        "Inovasi",
        "Efisiensi biaya",
    ]
    for n, (name, score) in enumerate(zip(names, (4, 3, 5, 4, 2), strict=True), start=1):
        await reviewer.expect(f"{n}/5. Nilai {name}")
        if n == 2:  # a forged score and an old menu's press change nothing
            assert "tidak berlaku" in str(await reviewer.press_data("rev:v:score:9"))
        await reviewer.press(str(score))
        await reviewer.expect(f"{name}: {score} tercatat")
    await reviewer.expect("rekomendasi")
    await reviewer.press("Perlu perbaikan")
    await reviewer.expect("catatan")
    await reviewer.send("Mohon lengkapi indikator kinerjanya?")  # a question mark is fine
    finished = await reviewer.expect("tinjauan sudah tersimpan")
    # the only proposal for him: the reply says none is left, not "ketik /tinjau"
    assert "tidak ada lagi usulan" in finished.text and "/tinjau" not in finished.text
    (done,) = await reviews.of_proposal(bot.db, pid)
    assert done.scores == {
        "dampak": 4,
        "kelayakan": 3,
        "kesesuaian": 5,
        "inovasi": 4,
        "efisiensi": 2,
    }
    assert (done.recommendation, done.version) == ("perbaikan", 1)
    assert done.comment == "Mohon lengkapi indikator kinerjanya?"

    # The proposer is told (outbox), never by whom; the reviewer has nothing left.
    told = await proposer.expect("perlu perbaikan", timeout=10)
    assert "Mohon lengkapi indikator kinerjanya?" in told.text and "Hendra" not in told.text
    await reviewer.send("/tinjau")
    await reviewer.expect("Tidak ada usulan yang menunggu")  # own proposal never offered
    assert await reviews.next_proposal_id(bot.db, REVIEWER, ["governance"]) is None

    # The revision from /usulanku: a new version; version 1 and its review are kept.
    await proposer.send("/usulanku")
    await proposer.expect("Usulan saya")
    await proposer.press(f"#{pid} Layanan terpadu 0")
    view = await proposer.expect(f"Usulan #{pid}")
    assert "1 tinjauan" in view.text and "Mohon lengkapi" in view.text
    # A forged id (the reviewer's proposal) finds nothing: no new version anywhere.
    assert "tidak ditemukan" in str(await proposer.press_data(f"usl:rev:{pid + 1}"))
    assert (await store.get_for_staff(bot.db, pid + 1)).version == 1
    await proposer.press("Perbaiki", view)
    await proposer.expect("kini versi 2")
    await proposer.expect("Bagian mana")  # one press: straight to which answer
    await proposer.press("Sasaran, target dan indikator")
    await proposer.expect("6/12")
    await proposer.send("Warga; indikator: waktu layanan turun 50%.")
    await proposer.expect("pilih Ubah")
    await proposer.press("Selesai")
    await proposer.expect("tersimpan")
    current = await store.get(bot.db, pid, PROPOSER)
    assert current is not None and current.version == 2
    assert current.target == "Warga; indikator: waktu layanan turun 50%."
    (old,) = await store.versions(bot.db, pid)
    assert old["version"] == 1 and old["data"]["target"] == "Target" and old["stage"] == 1
    assert [r.version for r in await reviews.of_proposal(bot.db, pid)] == [1]

    # Version 2 waits for a review again.
    await reviewer.send("/tinjau")
    await reviewer.expect(f"Tinjauan usulan #{pid} (versi 2)")

    # /datasaya: the proposer sees the versions and the reviews received (no reviewer id).
    await proposer.send("/datasaya")
    data = json.loads((await proposer.expect("JSON")).document.content)
    assert data["proposal_versions"][0]["version"] == 1
    assert data["reviews_received"][0]["comment"] == "Mohon lengkapi indikator kinerjanya?"
    assert "reviewer_id" not in data["reviews_received"][0]


async def test_second_press_of_lewati_says_already_saved(tg, bot, admin) -> None:
    """Lewati pressed again on the same menu (its reply lost after the commit): the review
    is not finished twice, the proposer is not told twice, and the reviewer is told it was
    saved; a forged review id on the same button is only "expired"."""
    proposer_id, reviewer_id = 741_001, 741_002
    await register(bot.db, proposer_id, name="Rina", dimension="living")
    await register(bot.db, reviewer_id, name="Dr. Yusuf", dimension="living")
    await seed_proposals(bot.db, proposer_id, 2, dimension="living", name="Posyandu")
    first, second = [p.id for p in await store.of_user(bot.db, proposer_id)]
    reviewer = tg.user(first_name="Yusuf", language_code="id", user_id=reviewer_id)
    proposer = tg.user(first_name="Rina", language_code="id", user_id=proposer_id)
    await admin.send(f"/pendamping tambah {reviewer_id} living")
    await admin.expect("kini menjadi tim pendamping")
    await reviewer.expect("tim pendamping")

    await reviewer.send("/tinjau")
    await reviewer.expect(f"Tinjauan usulan #{first}")
    for n in range(1, 6):
        await reviewer.expect(f"{n}/5. Nilai")
        await reviewer.press("3")
    await reviewer.expect("rekomendasi")
    await reviewer.press("Perlu perbaikan")
    menu = await reviewer.expect("catatan")
    skip_data = menu.find_button("Lewati")["callback_data"]
    await reviewer.press("Lewati", menu)
    finished = await reviewer.expect("tinjauan sudah tersimpan")
    assert "/tinjau untuk usulan berikutnya" in finished.text  # the second one waits
    await proposer.expect("perlu perbaikan", timeout=10)
    (done,) = await reviews.of_proposal(bot.db, first)

    again = await reviewer.press_data(skip_data, menu)
    assert again.show_alert
    assert again.text == locales.plain("id", "review.already_saved", id=first)
    # The next review in progress does not make the old button finish it either.
    await reviewer.send("/tinjau")
    await reviewer.expect(f"Tinjauan usulan #{second}")
    third = await reviewer.press_data(skip_data, menu)
    assert third.text == again.text
    forged = skip_data.rsplit(":", 1)[0] + f":{done.id + 1}"
    assert "tidak berlaku" in str(await reviewer.press_data(forged, menu))
    (still,) = await reviews.of_proposal(bot.db, first)
    assert (still.status, still.done_at) == ("done", done.done_at)
    drafts = await bot.db.fetchall("SELECT status FROM reviews WHERE proposal_id = ?", (second,))
    assert [r["status"] for r in drafts] == ["draft"]
    rows = await bot.db.fetchall(
        "SELECT COUNT(*) AS n FROM outbox WHERE dedupe_key = ?", (f"review:{done.id}",)
    )
    assert rows[0]["n"] == 1


async def test_reviewers_get_tinjau_in_their_menu(tg, settings, admin) -> None:
    """/tinjau is in a reviewer's chat menu (English: /review) once an admin adds them, and
    at start-up; it goes when they are removed; participants never get it."""
    running = await RunningBot(settings).start()
    try:
        sari = tg.user(first_name="Sari", language_code="id", user_id=742_001)
        john = tg.user(first_name="John", language_code="en", user_id=742_002)
        await sari.send("/start")
        await sari.expect("")
        await john.send("/start")
        await john.expect("")
        await admin.send("/pendamping tambah 742001 governance")
        await admin.expect("kini menjadi tim pendamping")
        await sari.expect("Silakan ketik /tinjau")  # the notice, queued after the menu
        sari_menu = await tg_commands(tg, sari.id)
        assert "tinjau" in sari_menu and "usul" in sari_menu and "seleksi" not in sari_menu
        await admin.send("/pendamping tambah 742002")
        await admin.expect("kini menjadi tim pendamping")
        await john.expect("Type /review")
        john_menu = await tg_commands(tg, john.id)
        assert "review" in john_menu and "tinjau" not in john_menu
        await admin.send("/pendamping hapus 742002")
        await admin.expect("tidak lagi menjadi tim pendamping")
        for _ in range(50):  # the menu is changed after the reply
            if not _has_review(_menus(tg, john.id)[-1]):
                break
            await asyncio.sleep(0.1)
        assert not _has_review(_menus(tg, john.id)[-1])
        # Set without a command (as by another instance): the menu comes at start-up.
        await staff.set_reviewer(running.db, 742_003, [], admin.id)
    finally:
        await running.stop()
    assert not [c for c in tg.calls("setMyCommands") if _chat(c) == 742_003]
    restarted = await RunningBot(settings).start()
    try:
        assert "tinjau" in await tg_commands(tg, 742_003)
        assert "tinjau" in await tg_commands(tg, 742_001)
        assert "tinjau" not in await tg_commands(tg, admin.id)  # admins are not reviewers
    finally:
        await restarted.stop()


def _chat(call) -> int | None:
    return (call.params.get("scope") or {}).get("chat_id")


def _menus(tg, chat_id: int) -> list:
    """Every menu set or deleted for one chat, in order."""
    kinds = ("setMyCommands", "deleteMyCommands")
    return [r for r in tg.requests if r.method in kinds and _chat(r) == chat_id]


def _has_review(call) -> bool:
    return call.method == "setMyCommands" and any(
        c["command"] == "review" for c in call.params["commands"]
    )
