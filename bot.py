"""Entry point: builds the Application, joins every feature's handlers in one visible order,
and runs the command line (`python bot.py run` by default; see cli.py for the rest).

How one update travels: PTB's Updater polls Telegram -> PerChatUpdateProcessor (updates of
one user in order, different users concurrently) -> the handlers below, tried top to bottom
-> the feature's handler -> domain/ and storage/ (committed) -> the reply, through the
ChatRateLimiter. Errors go to handlers/base/errors.py."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

# httpx imports its command line whenever click and rich are installed (the test tools install
# them): 60-90 ms of every start-up for a tool the bot never runs. `httpx.main` then only says
# that the command line is not installed.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx
from pydantic import ValidationError
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

import cli
import handlers.attendance
import handlers.broadcast
import handlers.certificates
import handlers.export
import handlers.faq
import handlers.feedback
import handlers.language
import handlers.materials
import handlers.privacy
import handlers.proposals
import handlers.registration
import handlers.review
import handlers.schedule
import handlers.selection
import handlers.staff
import handlers.start
from config import (
    REJECTED_TOKEN_HELP,
    MissingTokenError,
    Settings,
    StartupError,
    describe_settings_error,
    unreachable_help,
)
from domain import meeting_links, retention
from domain import selection as selection_rounds
from domain.backups import DailyBackup
from domain.delivery.ratelimit import ChatRateLimiter
from domain.delivery.sender import STOP_GRACE, Sender
from domain.faq import book as faq_book
from domain.faq import cache as faq_cache
from domain.faq import text as faq_text
from domain.instance import AnotherInstanceRunning, InstanceLease
from handlers import deeplinks
from handlers.base import errors, menus
from handlers.base.callbacks import Feature, pattern
from handlers.base.context import BotApp, BotContext, Services, services_of
from handlers.base.guards import private_only
from handlers.base.links import Payload
from handlers.base.menus import names
from handlers.base.router import FlowRouter
from handlers.base.updates import (
    PerChatUpdateProcessor,
    TolerantApplicationBuilder,
    use_tolerant_webhook,
)
from handlers.broadcast.service import BroadcastService
from handlers.privacy.retention import RetentionJob
from handlers.schedule.reload import poll_reload_requests
from handlers.start.commands import remember_user, unknown_command, unknown_press
from schedules.clock import Clock
from schedules.event import Event, EventFileError, load_event
from schedules.reminders import Chore, ReminderService
from storage import certificates as certificate_store
from storage import outbox, processed_updates
from storage import status as bot_status
from storage.db import Database, DatabaseUnusable, check_usable

log = logging.getLogger("bimtek")

# PTB 22 announces that durations such as RetryAfter.retry_after become timedeltas; opt in now
# (domain/delivery/ratelimit.py reads both forms) instead of a deprecation warning on every 429.
os.environ.setdefault("PTB_TIMEDELTA", "1")

PRIVATE = filters.ChatType.PRIVATE
# my_chat_member tells us when a user blocks the bot (or unblocks it).
# Selection rounds past their closing time are closed (and their organiser told) this often.
ROUND_CLOSE_EVERY = 30.0

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


def build_flows() -> FlowRouter:
    """Every conversation of the bot, and what a private message outside them gets."""
    return FlowRouter(
        specs=[
            handlers.registration.FLOW,
            handlers.proposals.FLOW,
            handlers.broadcast.FLOW,
            handlers.materials.FLOW,
            handlers.feedback.FLOW,
            handlers.review.FLOW,
            handlers.selection.FLOW,
        ],
        fallback=handlers.faq.FALLBACK,
        # "Pertanyaan" on a question typed inside a flow: the FAQ answers it.
        answer_question=handlers.faq.ANSWER,
    )


def build_handlers(flows: FlowRouter) -> list[tuple[int, BaseHandler[Any, Any, Any]]]:
    """Every handler, in the order PTB tries them (group, handler). Read top to bottom."""
    ordered: list[BaseHandler[Any, Any, Any]] = [
        # Every /start, deep links included (handlers/deeplinks.py has the table).
        CommandHandler("start", deeplinks.on_start),
        *handlers.schedule.HANDLERS,
        *handlers.registration.HANDLERS,
        *handlers.privacy.HANDLERS,
        *handlers.staff.HANDLERS,
        *handlers.start.HANDLERS,
        *handlers.language.HANDLERS,
        CommandHandler(names("batal"), private_only(Payload.BATAL)(flows.cancel)),
        # The engine's own buttons: "Jawaban / Pertanyaan" on a question typed in a flow.
        CallbackQueryHandler(flows.on_question_press, pattern=pattern(Feature.FLOW)),
        *handlers.faq.HANDLERS,
        *handlers.proposals.HANDLERS,
        *handlers.review.HANDLERS,
        *handlers.selection.HANDLERS,
        *handlers.export.HANDLERS,
        *handlers.broadcast.HANDLERS,
        *handlers.attendance.HANDLERS,
        *handlers.certificates.HANDLERS,
        *handlers.materials.HANDLERS,
        *handlers.feedback.HANDLERS,
        # Free messages: the flow in progress, else the FAQ.
        MessageHandler(PRIVATE & ~filters.COMMAND, flows.on_private_message),
        # Last: commands nobody knows (inside a flow, the flow re-asks its question), and
        # button presses nobody took (answered, so that no spinner keeps turning).
        MessageHandler(filters.COMMAND, unknown_command),
        CallbackQueryHandler(unknown_press),
    ]
    # Before anything else: remember the user's language and that they can be reached. Then
    # an edited private message inside a flow is answered and goes no further (it is never
    # an answer); outside a flow it goes on to the handlers below.
    first: list[tuple[int, BaseHandler[Any, Any, Any]]] = [
        (-2, TypeHandler(object, remember_user, block=True)),
        (-1, MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE, flows.on_edited_message)),
    ]
    return first + [(0, h) for h in ordered]


async def startup(app: BotApp) -> None:
    """Open the database (migrating it) and start the background services."""
    services = services_of(app)
    await services.db.open()
    # Before anything is sent: a second instance on this database stops here.
    lease = InstanceLease(services.db)
    await lease.acquire()
    services.lease = lease
    lease.start(errors.spawner(app))
    services.sender = Sender(app.bot, services.db, services.clock)
    services.sender.start(errors.spawner(app))
    services.reminders = start_reminders(services, app.bot)
    services.broadcasts = BroadcastService(app)
    services.broadcasts.start(errors.spawner(app))
    # The command line makes links (certificates' QR) and needs the bot's @username for them.
    await certificate_store.set_fact(services.db, "bot_username", app.bot.username or "")
    await menus.set_default_menus(app)
    await menus.set_staff_menus(app)
    settings = services.settings
    mode = "webhook" if settings.webhook_url else "polling"
    await bot_status.put(services.db, "run", mode=mode, webhook_url=settings.webhook_url)
    # Last, as polling starts: no reply but a FAQ answer needs the FAQ.
    faq_cache.use(settings.database_path.parent)
    threading.Thread(target=load_faq, args=(services,), name="faq-load", daemon=True).start()
    log.info("Bot @%s ready (%s): %s", app.bot.username, mode, services.event.event.name)


def load_faq(services: Services) -> None:
    """In a worker thread: the FAQ books (from the data folder's cache, else built), and
    what the first question would otherwise wait for (the stemmer's dictionary, the
    lexicon). A question that comes before waits in faq_book.load_books, never fails."""
    started = time.perf_counter()
    try:
        faq_book.answer_question("jadwal", "id")
        faq_text.default_lexicon()  # domain/faq/intent.py's, for questions typed in a flow
    except Exception:  # the first question tries again, and its error is reported then
        log.exception("Loading the FAQ failed")
        return
    services.faq_load_ms = (time.perf_counter() - started) * 1000
    log.info("FAQ loaded in %.0f ms", services.faq_load_ms)
    if _freeze_heap:
        gc.freeze()  # the FAQ index too (see cmd_run): a full collection then took 70 ms


# The service's process (cmd_run) keeps what start-up made out of the garbage collector's
# reach: the modules and the FAQ index are 150,000 objects that live as long as the
# process, and every full collection went through all of them (70-130 ms with the loop
# stopped, several times a minute while 50,000 reminders are queued). Not in the tests'
# process, whose many bots each leave garbage behind.
_freeze_heap = False


async def stopping(app: BotApp) -> None:
    """After PTB stopped taking updates and before it closes its HTTP connections (post_stop):
    stop the background services, letting the sends in flight finish (SIGTERM, e.g.
    `systemctl stop`). `shutdown` does the same for a stop that skips this hook."""
    await _stop_services(services_of(app))


async def _stop_services(services: Services, grace: float = STOP_GRACE) -> None:
    """Reminders, announcements, then the sender (which gives the sends in flight `grace`
    seconds to finish)."""
    if services.reminders is not None:
        services.reminders.stop()
        services.reminders = None
    if services.broadcasts is not None:
        await services.broadcasts.stop()
        services.broadcasts = None
    if services.sender is not None:
        await services.sender.stop(grace=grace)


async def shutdown(app: BotApp) -> None:
    services = services_of(app)
    faq_book.stop_building()  # a first start's FAQ index build, if it still runs
    await _stop_services(services, grace=0)
    if services.lease is not None:
        await services.lease.release()
        services.lease = None
        try:
            await bot_status.put(services.db, "stopped")
        except sqlite3.Error as exc:  # a full disk: `status` then shows the last heartbeat
            log.warning("Could not record the stop: %s", exc)
    await services.db.close()


def start_reminders(services: Services, bot: Any) -> ReminderService:
    """APScheduler in the bot's event loop: reminders, polling CLI reload requests, and the
    end of retention (daily, at start-up, and at the warning and erasure moments)."""
    assert services.sender is not None

    async def poll() -> None:
        await poll_reload_requests(services)

    async def live_qr() -> None:
        await handlers.attendance.refresh_live(bot, services)

    async def invite_online() -> None:
        await handlers.attendance.invite_online(services)

    async def invite_feedback() -> None:
        await handlers.feedback.invite(services)

    service = ReminderService(
        services.event,
        services.clock,
        people=lambda since: meeting_links.reminder_recipients(services.db, since),
        enqueue=services.sender.enqueue,
    )

    async def prune() -> None:
        keep = timedelta(days=services.settings.outbox_keep_days)
        # Wall time, as the rows' created_at is (the event clock may be a test's or sandbox's).
        removed = await outbox.prune(services.db, datetime.now(UTC) - keep)
        if removed:
            log.info("Outbox: %d finished rows older than %s pruned", removed, keep)

    service.chores.append(Chore("reload-poll", poll, every=2.0))
    service.chores.append(Chore("outbox-prune", prune, every=3600.0, at_start=True))

    async def prune_updates() -> None:
        await processed_updates.prune(services.db)

    service.chores.append(Chore("prune-updates", prune_updates, every=3600.0))
    # Attendance: the live QR codes change every minute; online participants get Hadir.
    service.chores.append(Chore("attendance-live", live_qr, every=2.0))
    service.chores.append(Chore("attendance-online", invite_online, every=3.0))
    service.chores.append(Chore("feedback", invite_feedback, every=5.0))

    async def close_rounds() -> None:
        db, event, sender = services.db, services.event, services.sender
        if await selection_rounds.close_due(db, event, services.clock.now()) and sender:
            sender.wake()

    service.chores.append(
        Chore("selection-close", close_rounds, every=ROUND_CLOSE_EVERY, at_start=True)
    )
    job = RetentionJob(services).run  # a coroutine function, as APScheduler needs
    service.chores.append(
        Chore("retention", job, 86400.0, at_start=True, moments=retention.moments)
    )
    settings = services.settings
    daily = DailyBackup(
        services.db, settings.backups, settings.backup_keep, settings.backup_time, services.event.tz
    )
    services.backups = daily

    async def backup() -> None:
        await daily.run_if_due(services.clock.now())

    # Checked every 5 minutes (and at start-up: a first backup at once): one a day.
    service.chores.append(Chore("backup", backup, every=300.0, at_start=True))
    service.start()
    return service


def build_application(
    settings: Settings, event: Event | None = None, clock: Clock | None = None
) -> BotApp:
    """The Application with its services; `startup` runs in post_init (or call it yourself)."""
    event = event or load_event(settings.event_file)
    use_tolerant_webhook()  # an unreadable update is skipped in webhook mode too
    db = Database(settings.database_path)
    # One TLS context for both connection pools: each reads certifi's CA file (40 ms).
    tls = httpx.create_ssl_context()
    builder = (
        TolerantApplicationBuilder()
        .token(settings.token())
        .request(HTTPXRequest(connection_pool_size=256, httpx_kwargs={"verify": tls}))
        # Two connections for getUpdates: at shutdown PTB calls it once more to confirm the
        # last batch, and with one the long poll still holding it gave a pool timeout (an
        # ERROR line on a clean stop; seen in test_make_run_without_a_token_starts_the_sandbox).
        .get_updates_request(HTTPXRequest(connection_pool_size=2, httpx_kwargs={"verify": tls}))
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=event.tz))
        .concurrent_updates(PerChatUpdateProcessor(64, db))
        # Telegram's flood limits for every message, replies first (domain/delivery/ratelimit.py).
        .rate_limiter(ChatRateLimiter())
        .post_init(startup)
        .post_stop(stopping)
        .post_shutdown(shutdown)
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
        builder = builder.base_file_url(_file_url(settings))
    app: BotApp = builder.build()
    flows = build_flows()
    app.bot_data["services"] = Services(
        settings=settings,
        db=db,
        event=event,
        flows=flows,
        clock=clock or Clock(),
        # Once a registration is complete: a scan that waited for it is recorded.
        on_registered=[handlers.attendance.after_registration],
    )
    for group, handler in build_handlers(flows):
        app.add_handler(handler, group=group)
    app.add_error_handler(errors.on_error)
    return app


async def start_in_loop(
    settings: Settings, event: Event | None = None, clock: Clock | None = None
) -> BotApp:
    """Build the Application and start it in the running event loop, as run_polling and
    run_webhook do, for a caller that owns the loop: the tests and the sandbox. Polling
    long-polls for 1 s at a time, so that stopping takes a moment only."""
    app = build_application(settings, event=event, clock=clock)
    await app.initialize()
    try:
        await startup(app)
        await app.start()
        assert app.updater is not None
        if settings.webhook_url:
            await app.updater.start_webhook(**webhook_options(settings))
        else:
            await app.updater.start_polling(
                poll_interval=0.0, timeout=1, allowed_updates=ALLOWED_UPDATES
            )
    except BaseException:
        # E.g. another instance holds the database: close what was opened (the database's
        # thread would keep the process alive), then report.
        await stop_in_loop(app)
        raise
    return app


async def stop_in_loop(app: BotApp) -> None:
    """Stop what `start_in_loop` started, with the hooks run_polling calls on its way out."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    # post_stop (`stopping`) lets in-flight sends finish while the HTTP connections are open.
    if app.post_stop is not None:
        await app.post_stop(app)
    await app.shutdown()
    # post_shutdown (`shutdown`) stops the sender, the broadcast and reminder services and
    # closes the database; app.shutdown() does not call it.
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


def _file_url(settings: Settings) -> str:
    if settings.telegram_api_base_file_url:
        return settings.telegram_api_base_file_url
    base = settings.telegram_api_base_url or ""
    return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base


def webhook_options(settings: Settings) -> dict[str, Any]:
    """PTB's run_webhook / Updater.start_webhook arguments for the WEBHOOK_* settings (cmd_run
    and the tests start the webhook the same way). PTB sets the webhook at start-up (and
    polling deletes it), so switching modes needs no manual step; Telegram keeps the updates
    that arrive meanwhile. PTB answers 403 to a request without the secret token."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": settings.webhook_path,
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
        "allowed_updates": ALLOWED_UPDATES,
    }


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    no_token = settings.bot_token is None or not settings.bot_token.get_secret_value().strip()
    if no_token and getattr(args, "sandbox_if_no_token", False):
        # `make run` on a fresh clone: the local sandbox instead (one line says so). A service
        # (systemd, the image) runs plain `run`, which stops with the token's help instead.
        return cli.cmd_sandbox(settings, args, announce=cli.NO_TOKEN_SANDBOX)
    check_usable(settings.database_path)  # a damaged or read-only file: one line, at once
    app = build_application(settings)
    global _freeze_heap
    _freeze_heap = True
    gc.freeze()  # the imports' objects (see _freeze_heap)
    notice = cli.event_over_notice(services_of(app).event, services_of(app).clock.now())
    if notice:
        print(notice, file=sys.stderr)
    try:
        if settings.webhook_url:
            log.info("Receiving updates by webhook: %s", settings.webhook_url)
            app.run_webhook(**webhook_options(settings))
        else:
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
    except BadRequest as exc:  # only setWebhook answers 400 while starting
        raise StartupError(
            f"Telegram refused WEBHOOK_URL {settings.webhook_url}: {exc.message}"
        ) from exc
    except OSError as exc:
        if not settings.webhook_url:
            raise
        # tornado could not listen (the port is taken, or a privileged one)
        raise StartupError(
            f"Cannot listen for the webhook on {settings.webhook_listen}:"
            f"{settings.webhook_port} ({exc.strerror or exc}). Set another WEBHOOK_PORT "
            f"(each bot on this server needs its own)."
        ) from exc
    except InvalidToken as exc:
        # Telegram answered 401/404 to getMe: the token was revoked or mistyped.
        raise MissingTokenError(REJECTED_TOKEN_HELP) from exc
    except AnotherInstanceRunning as exc:
        raise StartupError(str(exc)) from exc
    except NetworkError as exc:  # raised only while starting: polling retries by itself
        base = settings.telegram_api_base_url
        raise StartupError(unreachable_help(base.split("/bot")[0] if base else None)) from exc
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = cli.parser(cmd_run).parse_args(argv)
    func = getattr(args, "func", cmd_run)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(describe_settings_error(exc), file=sys.stderr)
        return 2
    cli.setup_logging(settings)
    try:
        result: int = func(settings, args)
        return result
    except (StartupError, DatabaseUnusable) as exc:
        print(exc, file=sys.stderr)
        return 2
    except EventFileError as exc:
        print(f"Configuration error: EVENT_FILE: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback on the console: one line, and a status
        log.error("'%s' failed: %s: %s", args.command or "run", type(exc).__name__, exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
