"""The README's screenshots of the sandbox, taken in Debian's chromium at a phone's width.

    .venv/bin/python docs/screenshots.py [--out docs/screenshots]

Starts `bot.py sandbox --port 0` on a fresh database of its own (a temporary folder), walks
the scenes as the people of the sandbox and writes registration.png, jadwal.png,
export.png and presensi.png. Needs /usr/bin/chromium (`apt-get install chromium`); emoji
show as boxes unless fonts-noto-color-emoji is installed too."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402
from playwright.async_api import Browser, expect  # noqa: E402

import locales  # noqa: E402
from tests.sandbox_browser import ChatPage, chromium, running_sandbox  # noqa: E402

PHONE = {"viewport": {"width": 390, "height": 800}, "device_scale_factor": 1}


def label(key: str) -> str:
    return locales.plain("id", key)


async def shoot(chat: ChatPage, out: Path, name: str) -> None:
    await chat.page.wait_for_timeout(400)  # let the last bubble and images settle
    path = out / f"{name}.png"
    await chat.page.screenshot(path=str(path))
    # A palette of 128 colours keeps the README light (a third of the size, no visible change).
    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(
            128, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    small.save(path, optimize=True)
    print(f"{path}: {path.stat().st_size // 1024} KB")


async def registration(browser: Browser, url: str, out: Path) -> ChatPage:
    siti = await ChatPage.open(browser, url, "peserta", **PHONE)
    await siti.send("/daftar")
    await siti.expect("Pemberitahuan Privasi")
    await siti.press(label("registration.agree"))
    await siti.expect("Langkah 1/6")
    await siti.send("Siti Rahmawati")
    await siti.expect("Langkah 2/6")
    await siti.press("Diskominfo")
    await siti.expect("Langkah 3/6")
    await siti.press(label("registration.role_tim_pelaksana"))
    await siti.expect("Langkah 4/6")
    await siti.press("✓ Smart Governance")
    await siti.expect("Langkah 5/6")
    await siti.press(label("registration.mode_offline"))
    await siti.expect("Langkah 6/6")
    await expect(siti.page.get_by_test_id("share-contact")).to_be_visible()
    await shoot(siti, out, "registration")
    await siti.page.get_by_test_id("share-contact").click()
    await siti.expect("Mohon periksa data")
    await siti.press(label("registration.save"))
    await siti.expect("✅ Pendaftaran")
    return siti


async def schedule(siti: ChatPage, out: Path) -> None:
    await siti.send("/jadwal")
    schedule = await siti.expect("Jadwal Bimtek")
    await schedule.evaluate("message => message.scrollIntoView({block: 'start'})")
    await shoot(siti, out, "jadwal")


async def export(browser: Browser, url: str, out: Path) -> None:
    admin = await ChatPage.open(browser, url, "admin", **PHONE)
    await admin.send("/ekspor")
    await admin.expect("Silakan pilih format ekspor")
    await admin.press("XLSX")
    await expect(admin.page.get_by_test_id("document-link").last).to_be_visible(timeout=20_000)
    await shoot(admin, out, "export")
    await admin.close()


async def attendance(browser: Browser, url: str, out: Path) -> None:
    """The organiser opens the check-in of the first session (the clock moved to its start);
    Siti scans the live QR with Pindai QR and the count follows."""
    panitia = await ChatPage.open(browser, url, "panitia", **PHONE)
    clock = panitia.page.get_by_test_id("clock-panel").locator("summary")
    await clock.click()
    await panitia.page.locator('[data-testid="clock-next"][data-kind="session"]').first.click()
    await clock.click()
    await panitia.send("/presensi")
    await panitia.expect("Silakan pilih sesi untuk presensi")
    await panitia.button_starting("🟢").click()
    qr = panitia.messages().filter(has=panitia.page.get_by_test_id("photo")).last
    await expect(qr).to_contain_text("Hadir 0 / 1", timeout=20_000)
    await qr.get_by_test_id("scan-qr").click()
    await expect(qr).to_contain_text("Hadir 1 / 1", timeout=20_000)
    await panitia.page.get_by_test_id("toast").evaluate("toast => toast.hidden = true")
    await qr.evaluate("message => message.scrollIntoView({block: 'start'})")
    await shoot(panitia, out, "presensi")
    await panitia.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        async with running_sandbox(Path(data)) as url, chromium() as browser:
            siti = await registration(browser, url, args.out)
            await schedule(siti, args.out)
            await export(browser, url, args.out)
            await attendance(browser, url, args.out)


if __name__ == "__main__":
    asyncio.run(main())
