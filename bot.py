"""Entry point: builds the Application, wires every handler in one list, and holds the CLI.

python bot.py run            run the bot (default)
python bot.py check          validate configuration and event file, print a summary
python bot.py schedule       print stages, sessions and every planned reminder
python bot.py event reload   validate the event file and ask the running bot to reload it
python bot.py faq ask "..."  answer one question like the bot would (--lang id|en, --json)
python bot.py faq eval F.csv top-1 accuracy, out-of-scope rejection, latency and misses
python bot.py export --format xlsx|csv|json --out FILE   export the proposals
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import html
import json
import logging
import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

import locales
from config import MissingTokenError, Settings, describe_settings_error
from handlers import (
    admin,
    broadcast,
    errors,
    export,
    export_files,
    faq,
    flows,
    proposals,
    registration,
    schedule,
    start,
)
from handlers.context import BotApp, BotContext, Services
from handlers.ratelimit import ChatRateLimiter
from handlers.sender import Sender
from handlers.updates import PerChatUpdateProcessor
from schedules.clock import Clock
from schedules.event import Event, EventFileError, load_event
from schedules.reminders import ReminderService, describe_plan
from storage import audit, participants
from storage import reminders as reminder_store
from storage.db import Database

log = logging.getLogger("bimtek")

# PTB 22 announces that durations such as RetryAfter.retry_after become timedeltas; opt in now
# (handlers/ratelimit.py reads both forms) instead of a deprecation warning on every 429.
os.environ.setdefault("PTB_TIMEDELTA", "1")

PRIVATE = filters.ChatType.PRIVATE
# my_chat_member tells us when a user blocks the bot (or unblocks it).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
BARE_START = filters.Regex(r"^/start(@\w+)?\s*$")
GROUPS = filters.ChatType.GROUPS


def build_handlers() -> list[tuple[int, BaseHandler[Any, Any, Any]]]:
    """Every handler, in the order PTB tries them (group, handler). Read top to bottom."""
    return [
        # Before anything else: remember the user's language and that they can be reached.
        (-1, TypeHandler(object, start.remember_user, block=True)),
        # Schedule: deep link before the generic /start.
        (0, CommandHandler("start", schedule.jadwal, filters=filters.Regex(r"^/start jadwal"))),
        (0, CommandHandler("jadwal", schedule.jadwal)),
        (0, CommandHandler("pengingat", schedule.pengingat, filters=PRIVATE)),
        (0, CommandHandler("muatulang", schedule.muatulang)),
        (0, CallbackQueryHandler(schedule.on_button, pattern=r"^jdw:")),
        # Deep links first: /start <payload> of a feature, before the generic /start.
        (
            0,
            CommandHandler("start", proposals.usul_command, filters=filters.Regex(r"^/start usul")),
        ),
        # Registration: the deep link t.me/<bot>?start=daftar, and /start from a private chat
        # (registers an unregistered user), both before the generic /start.
        (0, CommandHandler("start", registration.daftar, filters=filters.Regex(r"^/start daftar"))),
        (0, CommandHandler("start", registration.deep_link, filters=registration.DEEP_LINKS)),
        # Only a bare /start: other features' deep links (/start usul, ...) pass through.
        (0, CommandHandler("start", registration.start, filters=PRIVATE & BARE_START)),
        (0, CommandHandler(["daftar", "register"], registration.daftar)),
        (0, CommandHandler(["profil", "profile"], registration.profil)),
        (0, CommandHandler(["datasaya", "mydata"], registration.datasaya)),
        (0, CommandHandler(["hapusdata", "deletedata"], registration.hapusdata)),
        (0, CommandHandler(["privasi", "privacy"], registration.privasi)),
        (0, CallbackQueryHandler(registration.on_callback, pattern=r"^reg:")),
        (0, CallbackQueryHandler(registration.on_profile_callback, pattern=r"^prof:")),
        (0, CallbackQueryHandler(registration.on_delete_callback, pattern=r"^del:")),
        # Staff: roles are checked inside, on every command and button.
        (0, CommandHandler("panitia", admin.panitia)),
        (0, CommandHandler("statistik", admin.statistik)),
        (0, CallbackQueryHandler(admin.on_staff_callback, pattern=r"^adm:")),
        # Basics
        (
            0,
            CommandHandler("start", faq.start_faq, filters=filters.Regex(r"^/start(@\w+)?\s+faq$")),
        ),
        (0, CommandHandler("start", start.start)),
        (0, CommandHandler(["bantuan", "help"], start.help_command)),
        (0, CommandHandler(["batal", "cancel"], flows.cancel)),
        # FAQ
        (0, CommandHandler("faq", faq.faq_command)),
        (0, CommandHandler("faqbelum", faq.unanswered)),
        (0, CallbackQueryHandler(faq.on_callback, pattern=faq.PATTERN)),
        (0, MessageHandler(GROUPS & filters.TEXT & ~filters.COMMAND, faq.on_group_text)),
        # An organiser's reply to a forwarded question; any other reply goes on to the flows.
        (0, MessageHandler(PRIVATE & filters.REPLY & ~filters.COMMAND, faq.on_private_reply)),
        # Proposals (issue 5): the form, own proposals, the summary and the export.
        (0, CommandHandler("usul", proposals.usul_command)),
        (0, CommandHandler("usulanku", proposals.my_command)),
        (0, CallbackQueryHandler(proposals.on_button, pattern=r"^prop:")),
        (0, CallbackQueryHandler(proposals.on_my_button, pattern=r"^usl:")),
        (0, CommandHandler("rekap", export.rekap_command)),
        (0, CallbackQueryHandler(export.nudge_button, pattern=r"^exp:nudge:")),
        (0, CommandHandler("ekspor", export.export_command)),
        (0, CallbackQueryHandler(export.format_button, pattern=r"^exp:fmt:")),
        # Announcements (organisers)
        (0, CommandHandler("umumkan", broadcast.umumkan)),
        (0, CommandHandler("siaran", broadcast.siaran)),
        (0, CallbackQueryHandler(broadcast.on_button, pattern=r"^bc:")),
        # Free messages: the flow in progress, else the FAQ, else a hint.
        (0, MessageHandler(PRIVATE & ~filters.COMMAND, flows.on_private_message)),
        # An unknown command inside the registration re-asks the question.
        (0, MessageHandler(PRIVATE & filters.COMMAND, registration.on_command_in_flow)),
        # Last: commands nobody knows.
        (0, MessageHandler(filters.COMMAND, start.unknown_command)),
    ]


def private_commands(lang: str) -> list[BotCommand]:
    names = ("start", "daftar", "jadwal", "usul", "usulanku", "faq", "profil", "pengingat")
    names += ("privasi", "bantuan", "batal")
    return [BotCommand(name, locales.plain(lang, f"commands.{name}")) for name in names]


def group_commands(lang: str) -> list[BotCommand]:
    names = ("jadwal", "faq", "daftar", "bantuan")
    return [BotCommand(name, locales.plain(lang, f"commands.{name}")) for name in names]


async def set_commands(app: BotApp) -> None:
    """Command menus in Indonesian (default) and English. Cosmetic: roles are checked anyway."""
    try:
        for lang, code in (("id", None), ("en", "en")):
            await app.bot.set_my_commands(
                private_commands(lang), scope=BotCommandScopeAllPrivateChats(), language_code=code
            )
            await app.bot.set_my_commands(
                group_commands(lang), scope=BotCommandScopeAllGroupChats(), language_code=code
            )
    except TelegramError as exc:
        log.warning("Could not set the command menus: %s", exc)


async def startup(app: BotApp) -> None:
    """Open the database (migrating it) and start the features' background work."""
    services: Services = app.bot_data["services"]
    await services.db.open()
    services.sender = Sender(app.bot, services.db, services.clock)
    services.sender.start()
    start_reminders(services)
    started = time.perf_counter()
    faq.load_books()  # stemmer and BM25 index built once, not on the first question
    services.extras["faq_load_ms"] = (time.perf_counter() - started) * 1000
    log.info("FAQ loaded in %.0f ms", services.extras["faq_load_ms"])
    faq.register_fallback()
    services.extras["broadcasts"] = broadcast.BroadcastService(app)
    services.extras["broadcasts"].start()
    await set_commands(app)
    await admin.set_staff_menus(app)
    log.info("Bot @%s ready: %s", app.bot.username, services.event.event.name)


async def shutdown(app: BotApp) -> None:
    services: Services = app.bot_data["services"]
    reminders = services.extras.pop("reminders", None)
    if reminders is not None:
        reminders.stop()
    if "broadcasts" in services.extras:
        await services.extras.pop("broadcasts").stop()
    if services.sender is not None:
        await services.sender.stop()
    await services.db.close()


def start_reminders(services: Services) -> ReminderService:
    """APScheduler in the bot's event loop: reminders, and polling CLI reload requests."""
    assert services.sender is not None
    service = ReminderService(
        services.event,
        services.clock,
        people=lambda: participants.reachable(services.db),
        enqueue=services.sender.enqueue,
    )
    service.extra_jobs.append((functools.partial(schedule.poll_reload_requests, services), 2.0))
    services.extras["reminders"] = service
    service.start()
    return service


def build_application(
    settings: Settings, event: Event | None = None, clock: Clock | None = None
) -> BotApp:
    """The Application with its services; `startup` runs in post_init (or call it yourself)."""
    event = event or load_event(settings.event_file)
    builder = (
        ApplicationBuilder()
        .token(settings.token())
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=event.tz))
        .concurrent_updates(PerChatUpdateProcessor(64))
        # Telegram's flood limits for every message, replies first (handlers/ratelimit.py).
        .rate_limiter(ChatRateLimiter())
        .post_init(startup)
        .post_shutdown(shutdown)
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
        builder = builder.base_file_url(_file_url(settings))
    app: BotApp = builder.build()
    app.bot_data["services"] = Services(
        settings=settings, db=Database(settings.database_path), event=event, clock=clock or Clock()
    )
    broadcast.register_flow()
    for group, handler in build_handlers():
        app.add_handler(handler, group=group)
    app.add_error_handler(errors.on_error)
    return app


def _file_url(settings: Settings) -> str:
    if settings.telegram_api_base_file_url:
        return settings.telegram_api_base_file_url
    base = settings.telegram_api_base_url or ""
    return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base


# --- logging -------------------------------------------------------------------------------


class RedactToken(logging.Filter):
    """Replace the bot token wherever it appears in a log record (httpx logs request URLs)."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg = message.replace(self.token, "<BOT_TOKEN>")
                record.args = None
        return True


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    token = settings.bot_token.get_secret_value() if settings.bot_token else None
    handler.addFilter(RedactToken(token))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    # httpx logs every request URL, token included, at INFO: keep it to warnings.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


# --- command line --------------------------------------------------------------------------


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    app = build_application(settings)
    app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    event = load_event(settings.event_file)
    sessions = event.sessions()
    print(f"Event: {event.event.name} ({event.event.timezone})")
    print(f"Event file: {settings.event_file}")
    print(f"Stages: {len(event.stages)}, sessions: {len(sessions)}, OPD: {len(event.opds)}")
    print(f"Reminder offsets: {', '.join(event.reminders.offsets) or 'none'}")
    print(f"Admins: {len(settings.admin_ids)}, organisers: {len(settings.organiser_ids)}")
    print(f"Database: {settings.database_path}")
    print("Token: " + ("set" if settings.bot_token else "NOT SET (needed for `run`)"))
    return 0


def cmd_schedule(settings: Settings, args: argparse.Namespace) -> int:
    event = load_event(settings.event_file)

    async def people() -> list[participants.Participant]:
        db = await Database(settings.database_path).open()
        try:
            return await participants.reachable(db)
        finally:
            await db.close()

    for line in describe_plan(event, asyncio.run(people()), Clock().now()):
        print(line)
    return 0


def cmd_event(settings: Settings, args: argparse.Namespace) -> int:
    """Validate the file here (a bad file changes nothing), then leave a reload request in
    SQLite that the running bot picks up within ~2 s, and wait briefly for its answer."""
    event = load_event(settings.event_file)  # EventFileError -> one clear line, exit 2

    async def request() -> str | None:
        db = await Database(settings.database_path).open()
        try:
            request_id = await reminder_store.request_reload(db, "cli")
            deadline = time.monotonic() + args.wait
            while time.monotonic() < deadline:
                result = await reminder_store.reload_result(db, request_id)
                if result is not None:
                    return result
                await asyncio.sleep(0.2)
            return None
        finally:
            await db.close()

    print(f"Event file valid: {event.event.name}, {len(event.sessions())} sessions")
    result = asyncio.run(request())
    if result is None:
        print("Reload requested; the bot applies it when it runs (not answered yet).")
        return 0
    print("Reloaded by the running bot." if result == "ok" else f"Reload failed: {result}")
    return 0 if result == "ok" else 1


def _plain_text(html_text: str) -> str:
    """Telegram HTML -> plain text, for the command line."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def cmd_faq_ask(settings: Settings, args: argparse.Namespace) -> int:
    """Answer one question like the bot (facts of the configured event, no personal group)."""
    from locales.faq import answer_question
    from schedules.facts import event_facts

    event = load_event(settings.event_file)
    match = answer_question(args.question, args.lang)
    entry = match.entry
    answer = None
    if entry is not None:
        answer = _plain_text(entry.render(event_facts(event, Clock().now(), args.lang)))
    result = {
        "id": entry.id if entry else None,
        "score": float(match.score),
        "question": entry.question if entry else None,
        "answer": answer,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    elif entry is None:
        closest = ", ".join(e.id for e in match.candidates) or "-"
        print(f"not sure (score {match.score:.3f}); closest: {closest}")
    else:
        print(f"[{entry.id}] {entry.question} (score {match.score:.3f})\n\n{answer}")
    return 0


def cmd_faq_eval(settings: Settings, args: argparse.Namespace) -> int:
    from locales.faq import evaluate

    try:
        report = evaluate(args.file, args.lang)
    except (OSError, KeyError, UnicodeDecodeError) as exc:
        print(
            f"Cannot read {args.file}: a CSV with the header question,expected_id ({exc})",
            file=sys.stderr,
        )
        return 2
    print(report.format())
    return 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    """The same export as /ekspor, written to a file and recorded in the audit log."""
    event = load_event(settings.event_file)

    async def run() -> int:
        db = await Database(settings.database_path).open()
        try:
            data = await export_files.collect(db, event, Clock().now())
            content = export_files.build(data, args.format)
            await asyncio.to_thread(Path(args.out).write_bytes, content)
            await audit.record(
                db, None, "export", format=args.format, proposals=len(data.proposals), via="cli"
            )
        finally:
            await db.close()
        print(f"Wrote {len(data.proposals)} proposals ({args.format}) to {args.out}")
        return 0

    return asyncio.run(run())


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="bot.py", description="Smart City bimtek Telegram bot")
    sub = root.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (default)").set_defaults(func=cmd_run)
    sub.add_parser("check", help="validate the configuration and event file").set_defaults(
        func=cmd_check
    )
    sub.add_parser("schedule", help="print stages, sessions and planned reminders").set_defaults(
        func=cmd_schedule
    )
    event = sub.add_parser("event", help="event file commands")
    event_sub = event.add_subparsers(dest="event_command", required=True)
    reload_parser = event_sub.add_parser("reload", help="validate and reload in the running bot")
    reload_parser.add_argument("--wait", type=float, default=10.0, help="seconds to wait")
    reload_parser.set_defaults(func=cmd_event)
    faq_cmd = sub.add_parser("faq", help="ask or evaluate the FAQ matcher")
    faq_sub = faq_cmd.add_subparsers(dest="faq_command", required=True)
    ask = faq_sub.add_parser("ask", help="answer one question like the bot")
    ask.add_argument("question")
    ask.add_argument("--lang", choices=("id", "en"), default="id")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.set_defaults(func=cmd_faq_ask)
    evaluation = faq_sub.add_parser("eval", help="accuracy, rejection, latency on a CSV")
    evaluation.add_argument("file", type=Path, help="CSV with question,expected_id")
    evaluation.add_argument("--lang", choices=("id", "en"), default="id")
    evaluation.set_defaults(func=cmd_faq_eval)
    export_cmd = sub.add_parser("export", help="export the proposals (xlsx, csv or json)")
    export_cmd.add_argument("--format", choices=export_files.FORMATS, default="xlsx")
    export_cmd.add_argument("--out", required=True, help="the file to write")
    export_cmd.set_defaults(func=cmd_export)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    func = getattr(args, "func", cmd_run)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(describe_settings_error(exc), file=sys.stderr)
        return 2
    setup_logging(settings)
    try:
        return func(settings, args)
    except MissingTokenError as exc:
        print(exc, file=sys.stderr)
        return 2
    except EventFileError as exc:
        print(f"Configuration error: EVENT_FILE: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
