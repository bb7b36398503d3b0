"""The sandbox (#20) through its JSON API, as the page drives it (no browser here: see
tests/test_sandbox_browser.py): the real bot polling localtg, the personas typing, pressing,
sharing their contact, opening deep links and scanning the organiser's QR, files downloaded,
the clock moved to a reminder, and a reset. Then `bot.py sandbox` and `make run`'s
`bot.py run --sandbox-if-no-token` as processes."""

# The helpers take timeout= arguments, as localtg's do.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import base64
import io
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import segno
from openpyxl import load_workbook

from config import PROJECT_ROOT
from handlers.base.context import services_of
from sandbox import links
from sandbox.app import PERSONAS, Sandbox
from storage import attendance as attendance_store
from storage import participants
from tests.schedule_helpers import seed
from tests.test_registration import ID, OPD_NAME

Pattern = str | re.Pattern[str]
SITI = next(p for p in PERSONAS if p.key == "peserta")
PANITIA = next(p for p in PERSONAS if p.key == "panitia")


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    box = await Sandbox(tmp_path / "sandbox", port=0).start()
    try:
        yield box
    finally:
        await box.stop()


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=sandbox.url) as session:
        yield session


def _matches(pattern: Pattern, text: str) -> bool:
    return bool(pattern.search(text)) if isinstance(pattern, re.Pattern) else pattern in text


class Chat:
    """One persona's chat, read and driven as the page does (GET with long polling)."""

    def __init__(self, http: aiohttp.ClientSession, persona: str, chat: str = "private"):
        self.http, self.persona, self.chat = http, persona, chat
        self.path = f"/api/chats/{persona}/{chat}"
        self.version: int | None = None
        self.seen: dict[int, str] = {}  # the bot's messages already consumed, with their text
        self.messages: list[dict[str, Any]] = []
        self.commands: list[str] = []  # the "/" menu the persona's app shows in the chat

    async def get(self, wait: float = 0) -> dict[str, Any]:
        params = {} if self.version is None else {"since": self.version, "wait": wait}
        async with self.http.get(self.path, params=params) as response:
            assert response.status == 200, await response.text()
            data: dict[str, Any] = await response.json()
        self.version, self.messages = data["version"], data["messages"]
        self.commands = [c["command"] for c in data["commands"]]
        return data

    async def send(self, text: str) -> int:
        body = await post(self.http, f"{self.path}/send", {"text": text})
        return int(body["message_id"])

    async def expect(self, pattern: Pattern, timeout: float = 10.0) -> dict[str, Any]:
        """The next bot message, new or edited, whose text contains `pattern`; everything
        up to it is consumed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for message in self.messages:
                if message["from"] != "bot" or message["deleted"]:
                    continue
                if self.seen.get(message["id"]) == message["text"]:
                    continue
                if _matches(pattern, message["text"]):
                    for earlier in self.messages:
                        if earlier["id"] <= message["id"]:
                            self.seen[earlier["id"]] = earlier["text"]
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                lines = "\n".join(f"  {m['from']}: {m['text'][:120]!r}" for m in self.messages)
                raise AssertionError(f"no {pattern!r} in {self.path} within {timeout}s:\n{lines}")
            await self.get(wait=min(remaining, 5))

    async def press(self, label: Pattern, message: dict[str, Any] | None = None) -> dict:
        """Press the inline button `label` of `message` (default: the latest with one)."""
        candidates = [message] if message else reversed(self.messages)
        for candidate in candidates:
            for row in candidate.get("inline_keyboard") or []:
                for button in row:
                    text = button["text"]
                    exact = label.search(text) if isinstance(label, re.Pattern) else text == label
                    if exact and button["callback_data"]:
                        body = {
                            "message_id": candidate["id"],
                            "callback_data": button["callback_data"],
                        }
                        return await post(self.http, f"{self.path}/press", body)
        raise AssertionError(f"no button {label!r} in {self.path}")


async def post(http: aiohttp.ClientSession, path: str, body: dict, status: int = 200) -> dict:
    async with http.post(path, json=body) as response:
        data: dict[str, Any] = await response.json()
        assert response.status == status, (response.status, data)
        return data


async def state(http: aiohttp.ClientSession) -> dict[str, Any]:
    async with http.get("/api/state") as response:
        assert response.status == 200
        data: dict[str, Any] = await response.json()
        return data


async def test_a_participant_registers_sees_jadwal_and_the_admin_exports_her(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    info = await state(http)
    assert [p["key"] for p in info["personas"]] == ["peserta", "participant", "panitia", "admin"]
    assert info["bot"]["username"] == "bimtek_sandbox_bot"
    # The bot was added to the group by the admin and greeted it.
    group = Chat(http, "peserta", "group")
    await group.get()
    await group.expect("menambahkan saya ke grup")

    siti = Chat(http, "peserta")
    await siti.get()
    first = siti.version
    await siti.send("/daftar")
    await siti.expect(ID["notice"])
    assert siti.version is not None and first is not None and siti.version > first
    # The person's own message is in the chat, from "me"; another persona sees nobody's.
    assert siti.messages[0]["from"] == "me" and siti.messages[0]["text"] == "/daftar"
    await siti.press(ID["agree"])
    await siti.expect(ID["step"].format(n=1))
    await siti.send("Siti Rahmawati")
    await siti.expect(ID["step"].format(n=2))
    await siti.press(OPD_NAME["diskominfo"])
    await siti.expect(ID["step"].format(n=3))
    await siti.press(ID["roles"]["tim_pelaksana"])
    await siti.expect(ID["step"].format(n=4))
    await siti.press(re.compile(r"^✓ Smart Governance$"))
    await siti.expect(ID["step"].format(n=5))
    await siti.press(ID["modes"]["offline"])
    step6 = await siti.expect(ID["step"].format(n=6))
    keyboard = step6["reply_keyboard"]
    assert keyboard is not None and any(b["request_contact"] for r in keyboard["rows"] for b in r)
    await post(http, "/api/chats/peserta/private/contact", {})
    await siti.expect(ID["summary"])
    answer = await siti.press(ID["save"])
    assert answer["ok"] is True and set(answer["answer"]) == {"text", "show_alert"}
    await siti.expect(ID["saved"])
    db = services_of(sandbox.app).db  # type: ignore[arg-type]
    stored = await participants.get(db, SITI.user_id)
    assert stored is not None and stored.is_registered and stored.full_name == "Siti Rahmawati"
    assert stored.phone is not None and stored.phone.endswith("81200000001")

    await siti.send("/jadwal")
    schedule = await siti.expect("Jadwal Bimtek")
    assert "<b>" in schedule["html"] and "Tahap I" in schedule["text"]
    # A button nobody shows is refused (Telegram's apps send only the buttons they show).
    await post(
        http, "/api/chats/peserta/private/press",
        {"message_id": schedule["id"], "callback_data": "forged"}, status=400,
    )  # fmt: skip
    # Another persona does not see Siti's chat.
    budi = Chat(http, "participant")
    await budi.get()
    assert budi.messages == []

    assert "daftar" in siti.commands and "ekspor" not in siti.commands
    admin = Chat(http, "admin")
    await admin.get()
    await admin.send("/start")  # Telegram's Start button; the admin added the bot to the group
    await admin.expect("Selamat datang")
    await admin.send("/ekspor")
    await admin.expect("format ekspor")
    assert "ekspor" in admin.commands  # the staff menu, once the admin has written
    await admin.press("XLSX")
    exported = await admin.expect("Ekspor usulan")
    document = exported["document"]
    assert document is not None and document["file_name"].endswith(".xlsx")
    assert "Ekspor usulan" in document["caption_html"] and exported["html"] == ""
    async with http.get(document["url"]) as response:
        assert response.status == 200
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        assert "spreadsheetml" in response.headers["Content-Type"]
        content = await response.read()
    assert len(content) == document["size"]
    workbook = load_workbook(io.BytesIO(content))
    people = workbook["Peserta"]
    assert "Siti Rahmawati" in [cell.value for row in people.iter_rows() for cell in row]


async def test_the_clock_jumps_to_a_reminder_and_it_arrives_once(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    assert sandbox.app is not None
    await seed(services_of(sandbox.app).db, SITI.user_id, full_name="Siti Rahmawati")
    info = await state(http)
    upcoming = info["next"]
    assert 1 <= len(upcoming) <= 5 and upcoming[0]["kind"] == "reminder"
    assert [u["at"] for u in upcoming] == sorted(u["at"] for u in upcoming)
    assert info["clock"]["offset_seconds"] == 0
    clock = await post(http, "/api/clock", {"action": "next"})
    assert clock["now"][:16] == upcoming[0]["at"][:16] and clock["offset_seconds"] > 86400
    assert re.match(r"^\w+, \d+ \w+ 2027, \d\d\.\d\d WIB$", clock["label"]), clock["label"]
    siti = Chat(http, "peserta")
    await siti.get()
    reminder = await siti.expect("Pengingat bimtek", timeout=8)
    assert "besok" in reminder["text"]
    assert reminder["date"][:10] == upcoming[0]["at"][:10]  # dated in the sandbox's time
    # Never twice: the checks go on every few seconds.
    await asyncio.sleep(3.5)
    await siti.get()
    assert sum("Pengingat bimtek" in m["text"] for m in siti.messages) == 1
    after = await state(http)
    assert after["next"][0]["at"] > upcoming[0]["at"]
    # Time only moves forward.
    back = (datetime.fromisoformat(clock["now"]) - timedelta(hours=1)).isoformat()
    await post(http, "/api/clock", {"action": "to", "at": back}, status=400)
    await post(http, "/api/clock", {"action": "advance", "minutes": 0}, status=400)
    moved = await post(http, "/api/clock", {"action": "advance", "minutes": 15})
    assert moved["offset_seconds"] > clock["offset_seconds"] + 15 * 60 - 5


async def test_the_organisers_qr_scanned_by_a_participant_records_attendance(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    assert sandbox.app is not None
    await seed(services_of(sandbox.app).db, SITI.user_id, full_name="Siti Rahmawati")
    _stage, first = sandbox.event.sessions()[0]
    await post(http, "/api/clock", {"action": "to", "at": first.start.isoformat()})
    panitia = Chat(http, "panitia")
    await panitia.get()
    await panitia.send("/presensi")
    await panitia.expect("pilih sesi")
    await panitia.press(re.compile(r"^🟢 "))
    panel = await panitia.expect("Hadir 0 / 1")
    assert panel["photo"] is not None and panel["photo"]["url"].startswith("/api/files/")

    scanned = await post(
        http, "/api/scan",
        {"persona": "peserta", "from_persona": "panitia", "chat": "private",
         "message_id": panel["id"]},
    )  # fmt: skip
    assert re.match(r"^https://t\.me/bimtek_sandbox_bot\?start=hadir_[\w-]+$", scanned["url"])
    siti = Chat(http, "peserta")
    await siti.get()
    await siti.expect("Kehadiran Bapak/Ibu tercatat")
    # What the scan sent, as Telegram's app does, is Siti's own message.
    assert any(m["from"] == "me" and m["text"].startswith("/start hadir_") for m in siti.messages)
    records = await attendance_store.of_session(services_of(sandbox.app).db, first.id)
    assert [r.user_id for r in records] == [SITI.user_id]
    await panitia.expect("Hadir 1 / 1", timeout=8)  # the caption is edited in place
    assert next(m for m in panitia.messages if m["id"] == panel["id"])["edited"] is True

    # An image uploaded by the page is read the same way.
    png = io.BytesIO()
    segno.make("https://t.me/bimtek_sandbox_bot?start=jadwal").save(png, kind="png", scale=4)
    image = base64.b64encode(png.getvalue()).decode()
    assert (await post(http, "/api/scan", {"persona": "peserta", "image": image}))["ok"]
    await siti.expect("Jadwal Bimtek")
    blank = io.BytesIO()
    segno.make("x").save(blank, kind="png", scale=1, border=0, dark="white")
    no_qr = base64.b64encode(blank.getvalue()).decode()
    await post(http, "/api/scan", {"persona": "peserta", "image": no_qr}, status=400)
    # Deep links open like Telegram's app; other links are the page's to open.
    await post(
        http, "/api/open", {"persona": "peserta", "url": "t.me/bimtek_sandbox_bot?start=faq"}
    )
    await siti.expect("Pertanyaan yang sering diajukan")
    assert siti.messages[-2]["from"] == "me" and siti.messages[-2]["text"] == "/start faq"
    for url in ("https://example.com/", "https://t.me/another_bot?start=jadwal"):
        await post(http, "/api/open", {"persona": "peserta", "url": url}, status=400)
    await post(http, "/api/open", {"persona": "nobody", "url": url}, status=404)
    # A file the page sends must be named and readable base64; nothing is sent otherwise.
    document = "/api/chats/panitia/private/document"
    await post(http, document, {"file_name": "x.pdf", "data": "not base64!"}, status=400)
    await post(http, document, {"data": base64.b64encode(b"%PDF").decode()}, status=400)
    assert not [m for m in (await panitia.get())["messages"] if m["document"]]


async def test_reset_forgets_the_chats_the_database_and_the_time(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    assert sandbox.app is not None
    await seed(services_of(sandbox.app).db, SITI.user_id, full_name="Siti Rahmawati")
    await post(http, "/api/clock", {"action": "advance", "minutes": 600})
    siti = Chat(http, "peserta")
    await siti.get()
    await siti.send("/profil")
    await siti.expect("Siti Rahmawati")
    before = siti.version
    waiting = asyncio.create_task(siti.get(wait=20))  # the page's long poll, meanwhile
    await asyncio.sleep(0.2)
    assert (await post(http, "/api/reset", {}))["ok"] is True
    await asyncio.wait_for(waiting, 5)  # woken by the reset
    assert siti.messages == [] and siti.version is not None and before is not None
    assert siti.version > before  # versions only grow
    assert (await state(http))["clock"]["offset_seconds"] == 0
    assert await participants.get(services_of(sandbox.app).db, SITI.user_id) is None
    await siti.send("/start")
    await siti.expect("Selamat datang")


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **extra}


async def _started(proc: asyncio.subprocess.Process, prefix: str) -> str:
    """The URL of the one line starting with `prefix` that the process prints."""
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
    assert line.startswith(prefix), line
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert found is not None, line
    return found.group()


async def _stops_cleanly(proc: asyncio.subprocess.Process) -> str:
    """SIGTERM: exit 0, nothing more on stdout than the URL line (read already), and on
    stderr no error, no traceback, no token."""
    proc.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err
    text = err.decode()
    assert out.decode().strip() == "", out
    assert " ERROR " not in text and "Traceback" not in text and "SANDBOX-local" not in text
    return text


async def test_bot_py_sandbox_prints_its_url_and_answers(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(PROJECT_ROOT / "bot.py"), "sandbox", "--port", "0",
        "--no-browser", "--data-dir", str(tmp_path / "box"), "--fresh",
        cwd=tmp_path, env=_environment(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        url = await _started(proc, "Sandbox: http://127.0.0.1:")
        async with aiohttp.ClientSession(base_url=url) as http:
            assert (await state(http))["group"]["title"] == "Bimtek Smart City Kab. Probolinggo"
            async with http.get("/") as response:
                assert response.status == 200 and "html" in response.headers["Content-Type"]
    finally:
        if proc.returncode is None:
            await _stops_cleanly(proc)
    assert (tmp_path / "box" / "sandbox.sqlite3").exists()
    assert not (tmp_path / "data").exists()  # no production database made on the side


async def test_make_run_without_a_token_starts_the_sandbox(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(PROJECT_ROOT / "bot.py"), "run", "--sandbox-if-no-token",
        cwd=tmp_path, env=_environment(tmp_path, SANDBOX_PORT="0"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        url = await _started(proc, "BOT_TOKEN belum diisi / is not set: starting the local sandbox")
        async with aiohttp.ClientSession(base_url=url) as http:
            assert (await state(http))["bot"]["username"] == "bimtek_sandbox_bot"
    finally:
        if proc.returncode is None:
            err = await _stops_cleanly(proc)
            assert " INFO " not in err, err  # the console shows warnings only
    assert (tmp_path / "data" / "sandbox" / "sandbox.sqlite3").exists()
    assert not (tmp_path / "data" / "bimtek.sqlite3").exists()
    assert os.listdir(tmp_path / "data") == ["sandbox"]


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("https://t.me/bimtek_sandbox_bot?start=hadir_Ab-1", "hadir_Ab-1"),
        ("t.me/Bimtek_Sandbox_Bot?start=jadwal", "jadwal"),
        ("tg://resolve?domain=bimtek_sandbox_bot&start=cek_X9", "cek_X9"),
        ("https://telegram.me/bimtek_sandbox_bot", None),
    ],
)
def test_links_the_bots_app_opens(url: str, payload: str | None) -> None:
    assert links.start_payload(url, "bimtek_sandbox_bot") == payload


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/?start=jadwal",
        "https://t.me/another_bot?start=jadwal",
        "https://t.me/bimtek_sandbox_bot?start=" + "x" * 65,  # Telegram's limit: 64
        "https://t.me/bimtek_sandbox_bot?start=a%20b",
        "tg://resolve?domain=another_bot&start=jadwal",
    ],
)
def test_other_links_are_not_opened_as_the_bots(url: str) -> None:
    with pytest.raises(links.NotABotLink):
        links.start_payload(url, "bimtek_sandbox_bot")
