"""The fake Telegram server, driven by the real python-telegram-bot stack over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import html
import re
import time
import warnings
from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    ChatMemberAdministrator,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from localtg import FakeTelegram, HTMLParseError, RequestRecord, parse_html

TOKEN = "123456:FAKETG-TEST-TOKEN"

# PTB 22 warns about RetryAfter.retry_after becoming a timedelta, even from its own __init__.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN, bot_username="bimtek_test_bot") as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


def _retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# -- a tiny real Application ------------------------------------------------------------------


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Setuju", callback_data="consent:yes"),
                InlineKeyboardButton("Tolak", callback_data="consent:no"),
            ]
        ]
    )
    await update.effective_message.reply_html(
        f"Selamat datang, <b>{html.escape(user.first_name)}</b> &amp; salam!",
        reply_markup=keyboard,
    )


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if not query.data.startswith("consent:"):
        await query.answer("Tombol tidak dikenal", show_alert=True)
        return
    await query.answer(f"Dicatat: {query.data}")
    await query.edit_message_text(f"Pilihan Anda: {query.data.split(':')[1]}")


async def _daftar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(f"Pendaftaran di {update.effective_chat.type}")


async def _mention(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("Siap, saya dipanggil")


async def _contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    contact = update.effective_message.contact
    own = contact.user_id == update.effective_user.id
    await update.effective_message.reply_text(f"Nomor {contact.phone_number} milik sendiri={own}")


async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    replied = update.effective_message.reply_to_message
    await update.effective_message.reply_text(f"Balasan atas: {replied.text}")


async def _document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    document = update.effective_message.document
    data = await (await document.get_file()).download_as_bytearray()
    await update.effective_message.reply_text(f"Terima {document.file_name} {len(data)} byte")
    await context.bot.send_document(update.effective_chat.id, document.file_id, caption="salinan")


@pytest.fixture
async def app(fake: FakeTelegram) -> AsyncIterator[Application]:
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CommandHandler("daftar", _daftar))
    application.add_handler(CallbackQueryHandler(_button))
    application.add_handler(MessageHandler(filters.Entity("mention"), _mention))
    application.add_handler(MessageHandler(filters.CONTACT, _contact))
    application.add_handler(MessageHandler(filters.Document.ALL, _document))
    application.add_handler(MessageHandler(filters.REPLY & filters.TEXT, _reply))
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=5)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


async def test_command_reply_arrives_as_plain_text(fake: FakeTelegram, app: Application) -> None:
    alice = fake.user(first_name="Alice <&>", language_code="id")
    started = time.monotonic()
    sent = await alice.send("/start")
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    msg = await alice.expect("Selamat datang")
    assert time.monotonic() - started < 2
    assert msg.text == "Selamat datang, Alice <&> & salam!"
    assert msg.html == "Selamat datang, <b>Alice &lt;&amp;&gt;</b> &amp; salam!"
    assert msg.parse_mode == "HTML"
    assert msg.entities == [{"type": "bold", "offset": 16, "length": 9}]
    assert msg.buttons == [["Setuju", "Tolak"]]
    assert msg.button_data == ["consent:yes", "consent:no"]
    assert msg.reply_to_message_id is None  # PTB quotes only in groups by default
    assert alice.messages == [msg] and alice.last is msg
    assert await alice.wait_idle(0.2) == []


async def test_group_command_mention_contact_and_reply(
    fake: FakeTelegram, app: Application
) -> None:
    group = fake.group(title="Bimtek Probolinggo")
    budi = fake.user(first_name="Budi")
    await budi.send("/daftar@bimtek_test_bot", chat=group)
    assert (await budi.expect("Pendaftaran", chat=group)).text == "Pendaftaran di supergroup"
    await budi.send("/daftar@other_bot", chat=group)  # meant for another bot: ignored
    await budi.send("@bimtek_test_bot kapan tahap 2?", chat=group)
    reply = await budi.expect("dipanggil", chat=group)
    assert await budi.wait_idle(0.2, chat=group) == []
    assert group.messages[-1] is reply and fake.sent_messages(group.id)[0].chat_id == group.id

    await budi.send_contact(phone="+6281234567890")
    assert (await budi.expect("Nomor")).text == "Nomor +6281234567890 milik sendiri=True"
    await budi.send_contact(phone="+62899", user_id=None)
    await budi.expect("milik sendiri=False")

    await budi.reply(reply, "jawaban")
    answer = await budi.expect("Balasan atas: Siap, saya dipanggil", chat=group)
    assert answer.chat_id == group.id and answer.reply_to_message_id is not None


async def test_button_press_round_trip(fake: FakeTelegram, app: Application) -> None:
    alice = fake.user(first_name="Alice")
    await alice.send("/start")
    welcome = await alice.expect(re.compile(r"^Selamat datang"))
    answer = await alice.press("Setuju")
    assert answer.text == "Dicatat: consent:yes" and not answer.show_alert
    edited = await alice.expect("Pilihan Anda: yes")
    assert edited is welcome and edited.edited == 1
    assert edited.history == ["Selamat datang, Alice & salam!"]
    assert edited.reply_markup is None  # editMessageText without reply_markup drops it
    forged = await alice.press_data("reg:opd:dinkes", welcome)
    assert forged is not None and forged.show_alert and forged.text == "Tombol tidak dikenal"
    with pytest.raises(AssertionError, match="no inline button"):
        await alice.press("Tidak ada", welcome)


async def test_user_document_download_and_resend_by_file_id(
    fake: FakeTelegram, app: Application
) -> None:
    siti = fake.user(first_name="Siti")
    await siti.send_document(b"%PDF-1.4 laporan", "laporan.pdf", caption="tugas")
    assert (await siti.expect("Terima")).text == "Terima laporan.pdf 16 byte"
    copy = await siti.expect("salinan")
    assert copy.document is not None and copy.document.content == b"%PDF-1.4 laporan"
    assert copy.document.filename == "laporan.pdf" and copy.caption == "salinan"
    assert copy.text is None and copy.kind == "document"


async def test_expect_failure_shows_transcript(fake: FakeTelegram, bot: Bot) -> None:
    alice = fake.user(first_name="Alice")
    await bot.send_message(alice.id, "halo pertama")
    with pytest.raises(BadRequest):
        await bot.send_message(alice.id, "<b>rusak", parse_mode="HTML")
    with pytest.raises(AssertionError) as info:
        await alice.expect("tidak pernah", timeout=0.2)
    report = str(info.value)
    assert "halo pertama" in report and "can't parse entities" in report
    # the failed expect consumed nothing
    assert (await alice.expect("pertama", timeout=0.2)).text == "halo pertama"


# -- direct Bot calls: wire format and errors ------------------------------------------------


async def test_send_document_upload_bytes_and_get_file(fake: FakeTelegram, bot: Bot) -> None:
    alice = fake.user(first_name="Alice")
    content = bytes(range(256)) * 40
    sent = await bot.send_document(
        alice.id, content, filename="jadwal.pdf", caption="<i>Jadwal</i>", parse_mode="HTML"
    )
    assert sent.document.file_name == "jadwal.pdf" and sent.caption == "Jadwal"
    stored = alice.last
    assert stored.document.content == content and stored.caption == "Jadwal"
    assert stored.document.mime_type == "application/pdf"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content
    again = await bot.send_document(alice.id, sent.document.file_id)
    assert again.document.file_id == sent.document.file_id
    photo = await bot.send_photo(alice.id, b"\x89PNG fake", caption="foto")
    assert alice.last.photo is not None and alice.last.photo.content == b"\x89PNG fake"
    await bot.send_photo(alice.id, photo.photo[-1].file_id)
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_photo(alice.id, "no-such-file-id")
    logged = fake.calls("sendDocument")[0].params["document"]
    assert logged == {"filename": "jadwal.pdf", "size": len(content)}


async def test_bad_html_is_rejected(fake: FakeTelegram, bot: Bot) -> None:
    alice = fake.user(first_name="Alice")
    for text in ("1 < 2", "<b>bold", "<b><i>x</b></i>", "<br>", "Dinas PU & PR", "</b>"):
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await bot.send_message(alice.id, text, parse_mode="HTML")
    ok = await bot.send_message(
        alice.id, "1 &lt; 2 &amp; <a href='https://x.id/a?b=1&amp;c=2'>x</a>"
    )
    assert ok.text == "1 &lt; 2 &amp; <a href='https://x.id/a?b=1&amp;c=2'>x</a>"  # no parse_mode
    ok = await bot.send_message(
        alice.id, "1 &lt; 2 &amp; <a href='https://x.id/a?b=1&amp;c=2'>x</a>", parse_mode="HTML"
    )
    assert ok.text == "1 < 2 & x" and ok.entities[0].url == "https://x.id/a?b=1&c=2"
    assert [r.status for r in fake.calls("sendMessage")] == [400] * 6 + [200, 200]


async def test_blocked_user_gives_forbidden(fake: FakeTelegram, bot: Bot) -> None:
    alice = fake.user(first_name="Alice")
    fake.block(alice)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "halo")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(alice.id, "typing")
    updates = await bot.get_updates(timeout=0)
    assert updates[-1].my_chat_member.new_chat_member.status == "kicked"
    fake.unblock(alice)
    await bot.send_message(alice.id, "halo lagi")
    assert alice.last.text == "halo lagi"


async def test_injected_retry_after_and_server_errors(fake: FakeTelegram, bot: Bot) -> None:
    alice = fake.user(first_name="Alice")
    fake.inject_retry_after("sendMessage", retry_after=2, times=1)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(alice.id, "satu")
    assert _retry_seconds(info.value) == 2
    fake.inject_error("sendMessage", status=500, times=2, description="Internal Server Error")
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(alice.id, "dua")
    fake.inject_error("*", status=502, times=1)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_chat_action(alice.id, "typing")
    await bot.send_message(alice.id, "tiga")
    assert [m.text for m in alice.messages] == ["tiga"]
    assert [r.status for r in fake.requests if r.method != "getMe"] == [429, 500, 500, 502, 200]


async def test_text_and_markup_limits(fake: FakeTelegram, bot: Bot) -> None:
    alice = fake.user(first_name="Alice")
    await bot.send_message(alice.id, "x" * 4096)
    await bot.send_message(alice.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(alice.id, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(alice.id, "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)message caption is too long"):
        await bot.send_document(alice.id, b"x", filename="a.txt", caption="c" * 1025)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(alice.id, "pilih", reply_markup=too_long)
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="é" * 32)]])
    await bot.send_message(alice.id, "pilih", reply_markup=fits)
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(424242, "siapa?")
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Bagikan nomor", request_contact=True)]])
    await bot.send_message(alice.id, "nomor?", reply_markup=keyboard)
    assert alice.keyboard == [["Bagikan nomor"]] and alice.last.buttons == [["Bagikan nomor"]]


async def test_edit_delete_and_callback_errors(fake: FakeTelegram, bot: Bot) -> None:
    alice = fake.user(first_name="Alice")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
    sent = await bot.send_message(alice.id, "versi 1", reply_markup=keyboard)
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("versi 1", alice.id, sent.message_id, reply_markup=keyboard)
    await bot.edit_message_text("versi 2", alice.id, sent.message_id, reply_markup=keyboard)
    await bot.edit_message_reply_markup(alice.id, sent.message_id)
    assert alice.last.text == "versi 2" and alice.last.history == ["versi 1"]
    assert alice.last.edited == 2 and alice.last.reply_markup is None
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", alice.id, 999)
    assert await bot.delete_message(alice.id, sent.message_id)
    assert alice.last.deleted
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(alice.id, sent.message_id)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query("12345")
    # a press that the bot never answers
    fresh = await bot.send_message(alice.id, "tekan", reply_markup=keyboard)
    with pytest.raises(AssertionError, match="did not call answerCallbackQuery"):
        await alice.press("OK", timeout=0.1)
    updates = await bot.get_updates(timeout=0)
    query = updates[-1].callback_query
    assert query.data == "ok" and query.message.message_id == fresh.message_id
    assert await query.answer("telat")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await query.answer("dua kali")


async def test_long_polling_offsets_and_auth(fake: FakeTelegram, bot: Bot) -> None:
    alice = fake.user(first_name="Alice")

    async def later() -> None:
        await asyncio.sleep(0.2)
        await alice.send("halo")

    task = asyncio.create_task(later())
    started = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    await task
    assert 0.15 < time.monotonic() - started < 2
    assert [u.message.text for u in updates] == ["halo"]
    assert len(await bot.get_updates(timeout=0)) == 1  # not confirmed yet
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    assert fake.pending_updates == []
    await alice.send("a")
    await alice.send_sticker()
    assert [
        u.message.text for u in await bot.get_updates(timeout=0, allowed_updates=["message"])
    ] == ["a", None]
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=fake.base_url):
            pass
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")


async def test_commands_chat_and_members(fake: FakeTelegram, bot: Bot) -> None:
    alice = fake.user(first_name="Alice", username="alice_id")
    group = fake.group(title="Bimtek Probolinggo")
    await bot.set_my_commands([("start", "Mulai"), ("daftar", "Daftar")])
    await bot.set_my_commands([("start", "Start")], language_code="en")
    from telegram import BotCommandScopeAllPrivateChats

    await bot.set_my_commands([("daftar", "Daftar")], scope=BotCommandScopeAllPrivateChats())
    assert [c["command"] for c in fake.commands[("default", None)]] == ["start", "daftar"]
    assert fake.commands[("default", "en")] == [{"command": "start", "description": "Start"}]
    assert ("all_private_chats", None) in fake.commands
    assert [c.command for c in await bot.get_my_commands(language_code="en")] == ["start"]
    with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Bad-Name", "x")])
    chat = await bot.get_chat(group.id)
    assert chat.title == "Bimtek Probolinggo" and chat.type == "supergroup"
    assert (await bot.get_chat("@alice_id")).id == alice.id
    member = await bot.get_chat_member(group.id, alice.id)
    assert isinstance(member, ChatMemberMember)
    me = await bot.get_chat_member(group.id, bot.id)
    assert isinstance(me, ChatMemberAdministrator)
    fake.set_member_status(group, alice, "administrator")
    assert isinstance(await bot.get_chat_member(group.id, alice.id), ChatMemberAdministrator)
    assert await bot.set_chat_menu_button()


async def test_copy_and_forward(fake: FakeTelegram, bot: Bot) -> None:
    alice = fake.user(first_name="Alice")
    bob = fake.user(first_name="Bob")
    source = await alice.send_photo(caption="foto kegiatan")
    copied = await bot.copy_message(bob.id, alice.id, source["message_id"], caption="dari Alice")
    assert bob.last.message_id == copied.message_id and bob.last.caption == "dari Alice"
    assert bob.last.photo is not None and bob.last.photo.content.startswith(b"\xff\xd8")
    forwarded = await bot.forward_message(bob.id, alice.id, source["message_id"])
    assert forwarded.forward_origin.sender_user.id == alice.id
    with pytest.raises(BadRequest, match="(?i)message to copy not found"):
        await bot.copy_message(bob.id, alice.id, 999)


# -- rate limits --------------------------------------------------------------------------------


async def test_enforced_global_limit(fake: FakeTelegram, bot: Bot) -> None:
    fake.enforce_limits = True
    users = [fake.user(first_name=f"U{i}") for i in range(40)]
    started = time.monotonic()
    results = await asyncio.gather(
        *(bot.send_message(u.id, "pengumuman") for u in users), return_exceptions=True
    )
    elapsed = time.monotonic() - started
    refused = [r for r in results if isinstance(r, RetryAfter)]
    assert refused and all(isinstance(r, RetryAfter) or r.text for r in results)
    if elapsed < 1.0:  # all 40 inside one window: exactly 30 pass
        assert len(refused) == 10
    assert all(_retry_seconds(r) == 1 for r in refused)
    assert fake.limit_violations() == []
    assert [r.status for r in fake.calls("sendMessage")].count(429) == 10


async def test_enforced_private_and_group_limits(fake: FakeTelegram, bot: Bot) -> None:
    fake.enforce_limits = True
    alice = fake.user(first_name="Alice")
    for i in range(3):  # burst of 3 is allowed
        await bot.send_message(alice.id, f"pesan {i}")
    with pytest.raises(RetryAfter):
        await bot.send_message(alice.id, "keempat")
    await bot.edit_message_text("diedit", alice.id, alice.last.message_id)  # edits don't count
    group = fake.group()
    for i in range(20):
        await bot.send_message(group.id, f"grup {i}")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(group.id, "ke-21")
    assert 55 <= _retry_seconds(info.value) <= 60


def test_limit_violations_in_synthetic_log() -> None:
    fake = FakeTelegram()
    log = [RequestRecord(0.1 * i, "sendMessage", {}, 1000 + i, 200) for i in range(8)]
    log += [RequestRecord(5.0 + 0.01 * i, "sendMessage", {}, 2000 + i, 200) for i in range(31)]
    log += [RequestRecord(8.0 + 0.1 * i, "sendMessage", {}, 42, 200) for i in range(5)]
    log += [RequestRecord(10.0 + i, "sendPhoto", {}, -100, 200) for i in range(21)]
    log += [RequestRecord(40.0, "editMessageText", {}, 42, 200)] * 50  # edits don't count
    log += [RequestRecord(40.0, "sendMessage", {}, 42, 429)] * 50  # refused sends don't count
    violations = fake.limit_violations(log)
    assert [v.rule for v in violations] == ["global", "private_chat", "private_chat", "group_chat"]
    assert violations[0].chat_id == 2030 and violations[-1].chat_id == -100
    slow = [RequestRecord(1.0 * i, "sendMessage", {}, 42, 200) for i in range(10)]
    assert fake.limit_violations(slow) == []


# -- the HTML checker -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "plain", "entities"),
    [
        ("plain > text", "plain > text", []),
        ("<b>a</b><strong>b</strong>", "ab", [("bold", 0, 1), ("bold", 1, 1)]),
        ("<i>x <u>y</u></i>", "x y", [("italic", 0, 3), ("underline", 2, 1)]),
        ("<s>a</s><del>b</del><ins>c</ins><em>d</em>", "abcd", None),
        ("&lt;&gt;&amp;&quot;&#65;&#x42;", '<>&"AB', []),
        ("😀<b>x</b>", "😀x", [("bold", 2, 1)]),
        ('<a href="https://e.id">e</a>', "e", [("text_link", 0, 1)]),
        ("<tg-spoiler>s</tg-spoiler><span class='tg-spoiler'>t</span>", "st", None),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1", [("pre", 0, 5)]),
        ("<code>c</code>", "c", [("code", 0, 1)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", None),
        ("<B>x</B>", "x", [("bold", 0, 1)]),
        ("<b></b>empty", "empty", []),
    ],
)
def test_html_valid(source: str, plain: str, entities: list | None) -> None:
    text, parsed = parse_html(source)
    assert text == plain
    if entities is not None:
        assert [(e["type"], e["offset"], e["length"]) for e in parsed] == entities


def test_html_pre_language_and_mention() -> None:
    _, parsed = parse_html('<pre><code class="language-python">x</code></pre>')
    assert parsed == [{"type": "pre", "offset": 0, "length": 1, "language": "python"}]
    _, parsed = parse_html('<a href="tg://user?id=42">Ani</a>')
    assert parsed[0]["type"] == "text_mention" and parsed[0]["user"]["id"] == 42


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("é<b>x</b", "Unclosed end tag at byte offset 6"),
        ("Dinas PU & PR", "Unsupported HTML entity at byte offset 9"),
        ("&nbsp;", "Unsupported HTML entity at byte offset 0"),
        ("&amp", "Unsupported HTML entity"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<a href=x y>z</a>", "Expected equal sign"),
        ('<a href="x>z</a>', "Unclosed start tag"),
        ("<tg-emoji>x</tg-emoji>", 'must have attribute "emoji-id"'),
    ],
)
def test_html_invalid(source: str, message: str) -> None:
    with pytest.raises(HTMLParseError) as info:
        parse_html(source)
    assert message in str(info.value)


def test_html_lenient_ampersand_like_real_telegram() -> None:
    assert parse_html("PU & PR &amp", strict_entities=False) == ("PU & PR &", [])
