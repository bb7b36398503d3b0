"""Driving the sandbox page in a real browser: Debian's chromium through playwright.

Used by tests/test_sandbox_browser.py and docs/screenshots.py. The sandbox runs as
`python bot.py sandbox --port 0` in a subprocess (what a person starts with `make run`);
playwright is pointed at the system browser and never downloads one."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
# Offline and quiet: no QUIC, no component updates, no sync, no first-run pages.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
URL_LINE = re.compile(r"Sandbox: (http://127\.0\.0\.1:\d+)/?")
PHONE = {  # the personas' numbers, as the share-contact button sends them (SANDBOX_API.md)
    "peserta": "+6281200000001",
    "participant": "+6281200000002",
    "panitia": "+6281200000003",
    "admin": "+6281200000004",
}


@contextlib.asynccontextmanager
async def running_sandbox(data_dir: Path, start_within: float = 60.0) -> AsyncIterator[str]:
    """`bot.py sandbox --port 0` in a subprocess with a database of its own; yields its URL
    (without the trailing slash)."""
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "EVENT_FILE"}}
    env["PYTHONUNBUFFERED"] = "1"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(PROJECT_ROOT / "bot.py"),
        "sandbox",
        "--port",
        "0",
        "--data-dir",
        str(data_dir),
        "--fresh",
        "--no-browser",  # the tests bring their own (a desktop session would open one too)
        cwd=PROJECT_ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    seen: list[str] = []
    drain: asyncio.Task[None] | None = None
    try:
        url = await asyncio.wait_for(_url_of(process.stdout, seen), start_within)
        # Keep reading its output so that the pipe never fills and blocks the sandbox.
        drain = asyncio.create_task(_drain(process.stdout, seen))
        yield url
    except TimeoutError as error:
        raise AssertionError("the sandbox printed no URL:\n" + "".join(seen[-40:])) from error
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
        if drain is not None:
            drain.cancel()


async def _url_of(stream: asyncio.StreamReader, seen: list[str]) -> str:
    while line := await stream.readline():
        text = line.decode(errors="replace")
        seen.append(text)
        if found := URL_LINE.search(text):
            return found.group(1)
    raise AssertionError("the sandbox stopped before printing its URL:\n" + "".join(seen[-40:]))


async def _drain(stream: asyncio.StreamReader, seen: list[str]) -> None:
    while line := await stream.readline():
        seen.append(line.decode(errors="replace"))
        del seen[:-200]


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Debian's chromium, headless; each launch gets a fresh temporary profile."""
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 (one stat, before anything runs)
        raise RuntimeError(
            f"{CHROMIUM} is missing: `apt-get install chromium` (as .ci/run does) for the "
            "sandbox's browser tests"
        )
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            await browser.close()


class ChatPage:
    """One persona's tab: type, press buttons, wait for the bot's messages."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @classmethod
    async def open(
        cls, browser: Browser, url: str, persona: str, chat: str = "private", **context: object
    ) -> ChatPage:
        ctx = await browser.new_context(accept_downloads=True, **context)  # type: ignore[arg-type]
        page = await ctx.new_page()
        await page.goto(f"{url}/?as={persona}&chat={chat}")
        await expect(page.get_by_test_id(f"persona-{persona}")).to_have_attribute(
            "aria-current", "page"
        )
        return cls(page)

    def messages(self, sender: str = "bot") -> Locator:
        return self.page.locator(f'[data-testid="message"][data-from="{sender}"]')

    async def send(self, text: str) -> None:
        box = self.page.get_by_test_id("composer-input")
        await box.fill(text)
        await box.press("Enter")
        await expect(self.messages("me").last).to_contain_text(text)

    async def expect(self, text: str, within_ms: float = 15_000) -> Locator:
        """The newest message of the bot that contains `text`, once it is on screen."""
        message = self.messages().filter(has_text=text).last
        await expect(message).to_be_visible(timeout=within_ms)
        return message

    def button(self, label: str) -> Locator:
        """The newest button with exactly this label: inline (under a message) or in the
        reply keyboard above the input."""
        area = self.page.locator('[data-testid="messages"], [data-testid="reply-keyboard"]')
        return area.get_by_role("button", name=label, exact=True).last

    def button_starting(self, prefix: str) -> Locator:
        """The newest inline button whose label starts with `prefix`."""
        buttons = self.page.get_by_test_id("inline-button")
        return buttons.filter(has_text=re.compile("^" + re.escape(prefix))).last

    async def press(self, label: str) -> None:
        await self.button(label).click()

    async def close(self) -> None:
        await self.page.context.close()
