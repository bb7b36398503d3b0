"""The sandbox page in a real browser (Debian's chromium through playwright) against the real
bot in `bot.py sandbox`: a participant registers by typing, pressing buttons and sharing her
contact, reads /jadwal, moves the sandbox clock and receives the reminder; an English
participant reads English; the admin downloads the XLSX export; an organiser attaches a
material that a participant downloads.

One sandbox and one browser for the module (tests/conftest.py keeps its tests on one xdist
worker, in order); each person in a browser context of their own, like a tab per person."""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import pytest_asyncio
from openpyxl import load_workbook
from playwright.async_api import Browser, expect

import locales
from tests.sandbox_browser import PHONE, ChatPage, chromium, running_sandbox

pytestmark = pytest.mark.asyncio(loop_scope="module")
ID = functools.partial(locales.plain, "id")
EN = functools.partial(locales.plain, "en")
GROUP_TITLE = "Bimtek Smart City Kab. Probolinggo"  # SANDBOX_API.md


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sandbox(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    async with running_sandbox(tmp_path_factory.mktemp("sandbox")) as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def register(chat: ChatPage, name: str) -> dict[str, str]:
    """The whole /daftar flow in Indonesian: typed name, pressed buttons, shared contact.
    Returns what the summary said (its text, and the bold parts as the page rendered them)."""
    await chat.send("/daftar")
    await chat.expect("Pemberitahuan Privasi")
    await chat.press(ID("registration.agree"))
    await chat.expect("Langkah 1/6")
    await chat.send(name)
    await chat.expect("Langkah 2/6")
    await chat.press("Diskominfo")
    await chat.expect("Langkah 3/6")
    await chat.press(ID("registration.role_tim_pelaksana"))
    await chat.expect("Langkah 4/6")
    await chat.press("✓ Smart Governance")  # the office's own dimension, ticked
    await chat.expect("Langkah 5/6")
    await chat.press(ID("registration.mode_offline"))
    await chat.expect("Langkah 6/6")
    share = chat.page.get_by_test_id("share-contact")
    await expect(share).to_have_text(ID("registration.share_phone"))
    await share.click()
    summary = await chat.expect("Mohon periksa data")
    seen = {
        "summary": await summary.inner_text(),
        "bold": " | ".join(await summary.locator(".text b").all_inner_texts()),
    }
    await chat.press(ID("registration.save"))
    await chat.expect("✅ Pendaftaran")
    return seen


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def siti(sandbox: str, browser: Browser) -> AsyncIterator[tuple[ChatPage, dict[str, str]]]:
    """The Indonesian participant, registered through the page, and what her summary said."""
    chat = await ChatPage.open(browser, sandbox, "peserta")
    seen = await register(chat, "Siti Rahmawati")
    yield chat, seen
    await chat.close()


async def test_participant_registers_through_the_page(siti: tuple[ChatPage, dict]) -> None:
    chat, seen = siti
    for typed_or_chosen in ("Siti Rahmawati", "Dinas Komunikasi, Informatika", PHONE["peserta"]):
        assert typed_or_chosen in seen["summary"]
    # The bot's HTML is rendered (bold parts are <b> elements), never shown as tags.
    assert seen["bold"] and "<b>" not in seen["summary"]
    # Sharing the contact sent the persona's own number from her side of the chat...
    await expect(chat.messages("me").filter(has_text=PHONE["peserta"])).to_have_count(1)
    # ...and the reply keyboard went away once it was shared.
    await expect(chat.page.get_by_test_id("reply-keyboard")).to_be_hidden()
    # The summary became the confirmation in place (an edit), as in Telegram.
    saved = await chat.expect("✅ Pendaftaran")
    await expect(saved).to_contain_text("Siti Rahmawati")
    await expect(saved.get_by_test_id("edited")).to_have_text("(diedit)")
    await expect(chat.messages().filter(has_text="Mohon periksa data")).to_have_count(0)
    # A button of an answered step no longer means anything: Telegram's alert says so.
    await chat.press(ID("registration.mode_online"))
    alert = chat.page.get_by_test_id("alert")
    await expect(alert).to_be_visible()
    await expect(alert).to_contain_text(ID("common.expired"))
    await chat.page.get_by_test_id("alert-ok").click()
    await expect(alert).to_be_hidden()


async def test_schedule_and_a_reminder_after_moving_the_clock(
    siti: tuple[ChatPage, dict],
) -> None:
    chat, _ = siti
    await chat.send("/jadwal")
    schedule = await chat.expect("Jadwal Bimtek")
    await expect(schedule.locator("b").first).to_contain_text("Jadwal")
    await expect(schedule).to_contain_text("Berikutnya")

    panel = chat.page.get_by_test_id("clock-panel")
    before = await chat.page.get_by_test_id("clock-label").inner_text()
    jump = panel.locator('[data-testid="clock-next"][data-kind="reminder"]').first
    await expect(jump).to_be_visible()
    session = (await jump.inner_text()).rsplit(": ", 1)[1]  # "🔔 Pengingat 1 hari ...: <title>"
    await expect(chat.messages().filter(has_text="Pengingat bimtek")).to_have_count(0)
    await jump.click()
    await expect(chat.page.get_by_test_id("clock-label")).not_to_have_text(before)
    reminder = await chat.expect("Pengingat bimtek", within_ms=30_000)
    await expect(reminder.locator(".text b").first).to_have_text("Pengingat bimtek")
    await expect(reminder).to_contain_text(session)

    # +15 menit moves the clock by a quarter of an hour (a minute of real time may pass).
    label = chat.page.get_by_test_id("clock-label")
    before = minutes_of(await label.inner_text())
    await chat.page.get_by_test_id("clock-advance-15").click()
    await expect(label).not_to_have_text(re.compile(rf"\b{before // 60:02d}\.{before % 60:02d}\b"))
    assert (minutes_of(await label.inner_text()) - before) % (24 * 60) in (15, 16)


def minutes_of(clock_label: str) -> int:
    """'Minggu, 10 Januari 2027, 08.00 WIB' -> 480."""
    found = re.search(r"(\d{2})\.(\d{2}) WIB", clock_label)
    assert found, clock_label
    return int(found.group(1)) * 60 + int(found.group(2))


async def test_english_participant_reads_english(sandbox: str, browser: Browser) -> None:
    budi = await ChatPage.open(browser, sandbox, "participant")
    try:
        await budi.send("/start")
        await budi.expect("Please choose the bot's language")
        await budi.press("English")
        welcome = await budi.expect("Welcome")
        await expect(welcome).to_contain_text("register as a participant")
        # The page's own dates and clock follow the persona's language.
        english_month = re.compile(
            r"January|February|March|April|May|June|July|August|"
            r"September|October|November|December"
        )
        await expect(budi.page.locator("li.day").first).to_have_text(english_month)
        await expect(budi.page.get_by_test_id("clock-label")).to_have_text(english_month)
        # The Menu button lists the English commands; one press sends it.
        await budi.page.get_by_test_id("menu-button").click()
        schedule_command = budi.page.get_by_test_id("menu-command").filter(has_text="/schedule")
        await expect(schedule_command).to_contain_text("Workshop schedule")
        await schedule_command.click()
        await expect(budi.messages("me").last).to_have_text(re.compile(r"^/schedule"))
        schedule = await budi.expect("Schedule of")
        await expect(schedule).not_to_contain_text("Jadwal")
        # In the group, registration is sent to the private chat: the t.me button opens it
        # with its start payload, as Telegram does.
        await budi.page.get_by_test_id("chat-group").click()
        await expect(budi.page.get_by_test_id("chat-name")).to_have_text(GROUP_TITLE)
        await budi.send("/daftar")
        await budi.expect("please continue in a private chat")
        await budi.press(EN("common.open_private"))
        await expect(budi.page.get_by_test_id("chat-private")).to_have_attribute(
            "aria-current", "page"
        )
        await expect(budi.messages("me").last).to_have_text(re.compile(r"^/start daftar"))
        await budi.expect("Privacy notice")
    finally:
        await budi.close()


async def test_admin_downloads_the_xlsx_export(
    sandbox: str, browser: Browser, siti: tuple[ChatPage, dict], tmp_path: Path
) -> None:
    admin = await ChatPage.open(browser, sandbox, "admin")
    try:
        await admin.send("/ekspor")
        await admin.expect("Silakan pilih format ekspor")
        await admin.press("XLSX")
        link = admin.page.get_by_test_id("document-link").last
        await expect(link).to_be_visible(timeout=20_000)
        name = await link.get_by_test_id("document-name").inner_text()
        assert name.endswith(".xlsx")
        async with admin.page.expect_download() as started:
            await link.click()
        download = await started.value
        assert download.suggested_filename == name
        saved = tmp_path / name
        await download.save_as(saved)
        workbook = load_workbook(saved, read_only=True)
        assert ID("export.sheet.participants") in workbook.sheetnames
        people = workbook[ID("export.sheet.participants")]
        cells = {str(c) for row in people.iter_rows(values_only=True) for c in row if c}
        assert "Siti Rahmawati" in cells  # registered through the page a moment ago
    finally:
        await admin.close()


async def test_participant_scans_the_organisers_attendance_qr(
    sandbox: str, browser: Browser, siti: tuple[ChatPage, dict], tmp_path: Path
) -> None:
    """The organiser shows the live QR in his chat; Siti scans it with "Pindai QR" (the
    page reads the QR code of the photo and opens its t.me link in her chat)."""
    participant, _ = siti
    panitia = await ChatPage.open(browser, sandbox, "panitia")
    try:
        start = panitia.page.locator('[data-testid="clock-next"][data-kind="session"]').first
        await start.click()  # check-in opens an hour before a session starts
        await panitia.send("/presensi")
        await panitia.expect("Silakan pilih sesi untuk presensi")
        await panitia.button_starting("🟢").click()
        qr = panitia.messages().filter(has=panitia.page.get_by_test_id("photo")).last
        await expect(qr).to_contain_text("Hadir 0 / 1", timeout=20_000)
        await expect(qr.get_by_test_id("scan-as")).to_have_value("peserta")
        await qr.get_by_test_id("scan-qr").click()
        await expect(panitia.page.get_by_test_id("toast-link")).to_have_attribute(
            "href", "?as=peserta&chat=private"
        )
        checked_in = await participant.expect("Kehadiran Bapak/Ibu tercatat", within_ms=20_000)
        await expect(checked_in).to_contain_text("Tahap I")
        # The organiser's count follows in place (the caption is edited).
        await expect(qr).to_contain_text("Hadir 1 / 1", timeout=20_000)
        # A picture of the code uploaded on her page is read too: already recorded, once.
        picture = tmp_path / "qr.png"
        photo = await qr.get_by_test_id("photo").get_attribute("src")
        image = await panitia.page.request.get(urljoin(sandbox, photo or ""))
        picture.write_bytes(await image.body())
        await participant.page.get_by_test_id("scan-upload").set_input_files(picture)
        await participant.expect("sudah tercatat sebelumnya", within_ms=20_000)
        await expect(qr).to_contain_text("Hadir 1 / 1")
    finally:
        await panitia.close()


async def test_organiser_sends_a_material_and_the_participant_downloads_it(
    sandbox: str, browser: Browser, siti: tuple[ChatPage, dict], tmp_path: Path
) -> None:
    """The organiser attaches a file with 📎 (his document, as on a phone) for /materi; Siti
    finds it under /materi and downloads the same bytes."""
    participant, _ = siti
    slides = tmp_path / "Paparan Smart Governance.pdf"
    slides.write_bytes(b"%PDF-1.4 sandbox slides")
    panitia = await ChatPage.open(browser, sandbox, "panitia")
    try:
        await panitia.send("/materi")
        await panitia.expect("Silakan kirim dokumen")
        await panitia.page.get_by_test_id("attach-input").set_input_files(slides)
        mine = panitia.messages("me").filter(has=panitia.page.get_by_test_id("document-link"))
        await expect(mine.last).to_contain_text(slides.name)
        await panitia.expect("untuk sesi yang mana")
        await panitia.button_starting("Tahap I · Hari 1").click()  # Siti's first session
        await panitia.expect(f"Materi {slides.name} tersimpan untuk")
    finally:
        await panitia.close()
    await participant.send("/materi")
    await participant.expect("Materi bimtek")
    await participant.press(f"📄 {slides.name}")
    sent = participant.messages().filter(has=participant.page.get_by_test_id("document-link"))
    link = sent.last.get_by_test_id("document-link")
    await expect(link.get_by_test_id("document-name")).to_have_text(slides.name)
    async with participant.page.expect_download() as started:
        await link.click()
    download = await started.value
    saved = tmp_path / "downloaded.pdf"
    await download.save_as(saved)
    assert saved.read_bytes() == slides.read_bytes()


async def test_the_page_rebuilds_only_telegrams_tags(sandbox: str, browser: Browser) -> None:
    """The bot's HTML is parsed and rebuilt: Telegram's tags become fresh elements, anything
    else becomes text, and no attribute survives but a checked href (the server only sends
    Telegram-valid HTML; the page does not rely on it)."""
    admin = await ChatPage.open(browser, sandbox, "admin")
    try:
        rebuilt = await admin.page.evaluate(
            """() => renderHtml(
                '<b onclick="x()">b</b><i>i</i><u>u</u><s>s</s><code>c</code><pre>p</pre>'
                + '<blockquote>q</blockquote><tg-spoiler>t</tg-spoiler>'
                + '<span class="tg-spoiler">t2</span><span>plain</span>'
                + '<a href="https://t.me/bimtek_sandbox_bot?start=x">ok</a>'
                + '<a href="javascript:alert(1)">js</a>'
                + '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
                + '<iframe src="https://example.org"></iframe>&lt;b&gt; /jadwal',
                'text').innerHTML"""
        )
        assert rebuilt == (
            "<b>b</b><i>i</i><u>u</u><s>s</s><code>c</code><pre>p</pre>"
            "<blockquote>q</blockquote>"
            '<span class="spoiler" title="Ketuk untuk membuka / Tap to reveal">t</span>'
            '<span class="spoiler" title="Ketuk untuk membuka / Tap to reveal">t2</span>plain'
            '<a href="https://t.me/bimtek_sandbox_bot?start=x" rel="noopener noreferrer">ok</a>'
            "jswindow.pwned=2&lt;b&gt; "
            '<a href="#" class="command" data-command="/jadwal">/jadwal</a>'
        )
        assert await admin.page.evaluate("() => window.pwned") is None
    finally:
        await admin.close()


async def test_the_group_shows_who_wrote(sandbox: str, browser: Browser) -> None:
    """Two people in the group, each in a tab: what one writes, the other sees with her name."""
    siti = await ChatPage.open(browser, sandbox, "peserta", chat="group")
    admin = await ChatPage.open(browser, sandbox, "admin", chat="group")
    try:
        await expect(admin.page.get_by_test_id("chat-name")).to_have_text(GROUP_TITLE)
        await siti.send("Selamat pagi, Bapak/Ibu semua")
        seen = admin.messages("Siti Rahmawati").filter(has_text="Selamat pagi, Bapak/Ibu semua")
        await expect(seen.get_by_test_id("message-sender")).to_have_text("Siti Rahmawati")
        await expect(seen).to_have_class(re.compile(r"\bin\b"))  # on the left, like the bot's
        await expect(siti.messages("me").last).to_have_class(re.compile(r"\bout\b"))
    finally:
        await siti.close()
        await admin.close()
