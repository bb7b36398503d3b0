"""The command line besides `run`: checks, the schedule, event reloads, the FAQ, exports.

python bot.py check          validate configuration and event file, print a summary
python bot.py schedule       print stages, sessions and every planned reminder
python bot.py event reload   validate the event file and ask the running bot to reload it
python bot.py faq ask "..."  answer one question like the bot would (--lang id|en, --json)
python bot.py faq eval F.csv top-1, rejection, offered-when-unsure, latency, per style, misses
                             (--split tune|heldout, --no-misses)
python bot.py export --format xlsx|csv|csv-comma|json|docx --out FILE   export the proposals (docx: the programme profiles)
python bot.py opd rematch [--apply]   match free-text offices to the OPD (dry run first)
python bot.py retention [--apply]     who holds personal data; erase it once retention ended
python bot.py backup [FILE]  a consistent copy of the database, also while the bot runs
python bot.py restore FILE   check a backup and put it back (the bot stopped)
python bot.py status         the running bot, outbox, next reminder, last backup and error;
                             exit 1 when no bot runs or its heartbeat is too old (monitoring)
python bot.py sandbox        the real bot against a local Bot API server, with a Telegram-like
                             page on 127.0.0.1 (--port, --data-dir, --event, --fresh, --no-browser);
                             `run` without BOT_TOKEN starts it too
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import logging
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram.error import InvalidToken, NetworkError

from config import Settings, StartupError
from domain import certificates, offices, retention
from domain.exports import EXPORTERS, collect
from domain.exports import attendance as daftar_hadir
from schedules.clock import Clock
from schedules.event import Event, load_event
from schedules.reminders import describe_plan
from schedules.timefmt import format_date
from storage import audit, event_reloads, feedback, participants
from storage import certificates as certificate_store
from storage.db import Database

Command = Callable[[Settings, argparse.Namespace], int]


def _secrets(token: str | Sequence[str] | None) -> list[str]:
    if token is None:
        return []
    return [token] if isinstance(token, str) else [t for t in token if t]


def redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<BOT_TOKEN>" if ":" in secret else "<SECRET>")
    return text


class RedactToken(logging.Filter):
    """Replace the bot token (and the webhook secret) wherever they appear in a log record
    (httpx logs request URLs)."""

    def __init__(self, token: str | Sequence[str] | None) -> None:
        super().__init__()
        self.secrets = _secrets(token)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            cleaned = redact(message, self.secrets)
            if cleaned != message:
                record.msg = cleaned
                record.args = None
        return True


class OneLineFormatter(logging.Formatter):
    """Log lines without stack traces: an exception is shown as its type and message on the
    same line (the update id in the message says where to look). The token is replaced in
    the whole line, exception text included (PTB's InvalidToken quotes it)."""

    def __init__(self, fmt: str, token: str | Sequence[str] | None) -> None:
        super().__init__(fmt)
        self.secrets = _secrets(token)

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        _, value, _ = ei
        return f"{type(value).__name__}: {value}" if value is not None else ""

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 (logging's name)
        return ""

    def format(self, record: logging.LogRecord) -> str:
        text = " | ".join(part for part in super().format(record).splitlines() if part.strip())
        return redact(text, self.secrets)


class JsonFormatter(OneLineFormatter):
    """LOG_FORMAT=json: one JSON object per line for log collectors (journald, Loki, ELK):
    time (UTC, ISO-8601), level, logger, message, and the exception's type and one-line
    text. No stack traces; the token and the webhook secret are redacted as in text logs."""

    def __init__(self, token: str | Sequence[str] | None) -> None:
        super().__init__("%(message)s", token)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": " | ".join(record.getMessage().splitlines()),
        }
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            entry["error_type"] = type(error).__name__
            entry["error"] = " | ".join(str(error).splitlines())
        return redact(json.dumps(entry, ensure_ascii=False), self.secrets)


class QuietStartupFailure(logging.Filter):
    """PTB logs a failed start-up (a refused token, an unreachable server) before it raises;
    bot.py turns that exception into one line of its own, so PTB's record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        starting = "Bootstrap" in record.getMessage()
        return not (starting and isinstance(error, InvalidToken | NetworkError))


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    secrets = settings.secrets()
    formatter: logging.Formatter = (
        JsonFormatter(secrets)
        if settings.log_format == "json"
        else OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    handler.setFormatter(formatter)
    handler.addFilter(RedactToken(secrets))
    handler.addFilter(QuietStartupFailure())
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    # httpx logs every request URL, token included, at INFO: keep it to warnings.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


DEMO_EVENT = "data/events/demo-future.yaml"


def event_over_notice(event: Event, now: datetime) -> str | None:
    """One line when every session of the event has ended (the shipped default is the 2021
    bimtek): say so, and how to try the bot with sessions still to come."""
    sessions = event.sessions()
    if not sessions or any(session.end > now for _, session in sessions):
        return None
    last = format_date(sessions[-1][1].end, event.tz, "en")
    return (
        f"Note: every session of this event is over (the last ended on {last}), so there are "
        f"no reminders and proposals are closed. To try the bot with sessions to come: "
        f"EVENT_FILE={DEMO_EVENT} make run"
    )


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
    ended = Clock().now() >= event.retention_ends()
    state = "ended: personal data is erased" if ended else "personal data is kept"
    print(f"Retention until: {event.privacy.retention_until.isoformat()} ({state})")
    notice = event_over_notice(event, Clock().now())
    if notice:
        print(notice)
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
            request_id = await event_reloads.request_reload(db, "cli")
            deadline = time.monotonic() + args.wait
            while time.monotonic() < deadline:
                result = await event_reloads.reload_result(db, request_id)
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
    """Answer one question like the bot (facts of the configured event, no personal group;
    the meeting link as a registered participant would read it)."""
    from domain.faq.book import answer_question
    from domain.faq.facts import event_facts

    event = load_event(settings.event_file)
    match = answer_question(args.question, args.lang, offices.office_names(event))
    entry = match.entry
    answer = None
    if entry is not None:
        # The operator's own tool (they hold the event file): the meeting link is shown.
        facts = event_facts(event, Clock().now(), args.lang, links=True)
        answer = _plain_text(entry.render(facts))
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
    from domain.faq.evaluation import evaluate

    names = offices.office_names(load_event(settings.event_file))  # as the bot reads them
    try:
        report = evaluate(args.file, args.lang, args.split, names)
    except (OSError, KeyError, UnicodeDecodeError) as exc:
        print(
            f"Cannot read {args.file}: a CSV with the header question,expected_id ({exc})",
            file=sys.stderr,
        )
        return 2
    print(report.format(misses=not args.no_misses))
    return 0


def cmd_opd_rematch(settings: Settings, args: argparse.Namespace) -> int:
    """Match the free-text offices of an existing database to the event's OPD (dry run unless
    --apply): every sure match is listed and, with --apply, written; guesses are only listed."""
    event = load_event(settings.event_file)

    async def run() -> list[offices.Rematch]:
        db = await Database(settings.database_path).open()
        try:
            found = await offices.rematch(db, event, apply=args.apply)
            if args.apply:
                sure = sum(1 for item in found if item.found.certainty == "sure")
                await audit.record(db, None, "opd_rematch", matched=sure, via="cli")
            return found
        finally:
            await db.close()

    found = asyncio.run(run())
    for item in found:
        opd = item.found.opd
        target = f"{opd.id} ({opd.name})" if opd else "-"
        print(f"{item.kind} {item.record_id}: {item.typed!r} -> {item.found.certainty} {target}")
    sure = sum(1 for item in found if item.found.certainty == "sure")
    verb = "Matched" if args.apply else "Would match (dry run; add --apply to write)"
    print(f"{verb}: {sure} of {len(found)} free-text offices.")
    return 0


def cmd_retention(settings: Settings, args: argparse.Namespace) -> int:
    """The end of retention by hand. A dry run (the default) lists who holds personal data
    and whether the retention period has ended; --apply erases them as the bot does (as
    /hapusdata does), only once it has ended, and records the run in the audit log."""
    event = load_event(settings.event_file)
    now = Clock().now()

    async def run() -> retention.Outcome:
        db = await Database(settings.database_path).open()
        try:
            if args.apply:
                return await retention.erase_all(db, event, now, via="cli")
            ends = event.retention_ends()
            return retention.Outcome(ends, now >= ends, await retention.holders(db))
        finally:
            await db.close()

    outcome = asyncio.run(run())
    if args.apply and outcome.erased:
        from domain import backups

        removed = backups.purge(settings.backups)
        print(f"Deleted {removed} backups in {settings.backups} (they held the erased data).")
    ends = outcome.ends.astimezone(event.tz).strftime("%Y-%m-%d %H:%M %Z")
    until = event.privacy.retention_until.isoformat()
    print(f"Retention: personal data is kept until {until} and erased from {ends}.")
    count = len(outcome.holders)
    if not outcome.ended:
        days = (outcome.ends - now).days
        print(
            f"Not ended yet ({days} days to go): nothing erased. {count} people hold personal data:"
        )
    elif args.apply:
        print(f"Ended: erased the personal data of {count} people (proposals kept, anonymised):")
    else:
        print(f"Ended: would erase the personal data of {count} people (dry run; add --apply):")
    for holder in outcome.holders:
        print(f"  {holder.user_id:>12}  {holder.kept:<10}  {holder.name or '-'}")
    return 1 if args.apply and not outcome.ended else 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    """The same export as /ekspor, written to a file and recorded in the audit log."""
    event = load_event(settings.event_file)

    async def run() -> int:
        db = await Database(settings.database_path).open()
        try:
            data = await collect(db, event, Clock().now())
            content = EXPORTERS[args.format].build(data)
            await asyncio.to_thread(Path(args.out).write_bytes, content)
            await audit.record(
                db, None, "export", format=args.format, proposals=len(data.proposals), via="cli"
            )
        finally:
            await db.close()
        print(f"Wrote {len(data.proposals)} proposals ({args.format}) to {args.out}")
        return 0

    return asyncio.run(run())


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    """One screen from the database alone (opened read-only: nothing is written, nothing
    migrated). Exit 0 healthy, 1 not running or stale (see domain/status.py)."""
    from domain import status

    event = load_event(settings.event_file)
    max_age = args.max_age if args.max_age is not None else settings.status_max_age
    if not settings.database_path.exists():
        print(
            f"No database at {settings.database_path} (DATABASE_PATH): the bot has not run "
            f"with this setting yet.",
            file=sys.stderr,
        )
        return 2

    async def run() -> status.Report:
        db = await Database(settings.database_path, readonly=True).open()
        try:
            return await status.gather(db, event, Clock().now(), max_age)
        finally:
            await db.close()

    report = asyncio.run(run())
    print(f"Event:           {event.event.name}")
    for line in status.describe(report, event.tz):
        print(line)
    return 0 if report.healthy else 1


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    """SQLite's online backup API: consistent even while the bot writes. Without FILE, into
    BACKUP_DIR with the daily backups' naming (so they rotate with them)."""
    from domain import backups

    target = Path(args.file) if args.file else settings.backups / backups.backup_name(Clock().now())
    if not settings.database_path.is_file():
        print(
            f"The database {settings.database_path} does not exist (DATABASE_PATH).",
            file=sys.stderr,
        )
        return 2

    async def run() -> int:
        db = await Database(settings.database_path).open()
        try:
            return await backups.make_backup(db, target, via="cli")
        finally:
            await db.close()

    size = asyncio.run(run())
    print(f"Backup written: {target} ({size:,} bytes, integrity checked)")
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    """Check FILE (integrity, migration version) and put it in DATABASE_PATH's place; refused
    while the bot runs. Deletions recorded in the replaced database are applied again."""
    from domain import backups

    event = load_event(settings.event_file)
    try:
        done = asyncio.run(
            backups.restore(
                Path(args.file), settings.database_path, event, settings.backups, Clock().now()
            )
        )
    except backups.RestoreRefused as exc:
        print(exc, file=sys.stderr)
        return 1
    print(
        f"Restored {args.file} (schema version {done.check.version}) as {settings.database_path}."
    )
    if done.kept_as is not None:
        print(f"The database it replaced is kept as {done.kept_as}.")
    if done.erased_again:
        print(f"Erased again the data of {done.erased_again} people who had deleted it since.")
    print("Start the bot again (e.g. systemctl start bimtek@<name>).")
    return 0


def cmd_attendance(settings: Settings, args: argparse.Namespace) -> int:
    """The daftar hadir of one session (as /presensi and /ekspor give it), audited."""
    event = load_event(settings.event_file)
    if event.session(args.session) is None:
        known = ", ".join(s.id for _, s in event.sessions())
        print(f"Unknown session '{args.session}' (sessions: {known})", file=sys.stderr)
        return 2

    async def run() -> int:
        db = await Database(settings.database_path).open()
        try:
            ratings = await feedback.answers(db, args.session)
            sheet = await daftar_hadir.collect(db, event, args.session, Clock().now(), ratings)
            assert sheet is not None
            content = daftar_hadir.build(sheet, args.format)
            await asyncio.to_thread(Path(args.out).write_bytes, content)
            await audit.record(
                db, None, "attendance_export", session=args.session, format=args.format, via="cli"
            )
        finally:
            await db.close()
        print(
            f"Wrote the attendance list of {args.session}: {len(sheet.rows)} present ({args.format}) to {args.out}"
        )
        return 0

    return asyncio.run(run())


def cmd_certificates(settings: Settings, args: argparse.Namespace) -> int:
    """`certificates issue --stage N [--dry-run]`: who qualifies; without --dry-run the
    certificates are made and queued (the running bot sends them; nothing twice)."""
    event = load_event(settings.event_file)
    if event.stage(args.stage) is None or event.certificate_rule(args.stage) is None:
        print(f"Stage {args.stage} has no certificate rule in the event file", file=sys.stderr)
        return 2

    async def run() -> int:
        db = await Database(settings.database_path).open()
        try:
            found = await certificates.plan(db, event, args.stage)
            assert found is not None
            print(f"{found.stage.title}: {len(found.qualifying)} qualify and have none yet, "
                  f"{found.already} have one already")  # fmt: skip
            for candidate in found.qualifying:
                person = candidate.person
                office = event.office_name(person.opd_id, person.opd_other)
                print(f"  {person.user_id}\t{person.full_name}\t{office}\t"
                      f"{candidate.attended}/{candidate.meant} sessions")  # fmt: skip
            if args.dry_run:
                print("Dry run: nothing was issued.")
                return 0
            username = args.bot_username or await certificate_store.fact(db, "bot_username")
            if not username:
                print("The bot's @username is not known yet: start the bot once, or pass "
                      "--bot-username", file=sys.stderr)  # fmt: skip
                return 2
            issued = await certificates.issue(db, event, args.stage, username, Clock().now())
            assert issued is not None
            await audit.record(db, None, "certificates_issued", stage=args.stage,
                               count=issued.sent, via="cli")  # fmt: skip
        finally:
            await db.close()
        print(f"Issued {issued.sent} certificates; the running bot sends them.")
        return 0

    return asyncio.run(run())


NO_TOKEN_SANDBOX = "BOT_TOKEN belum diisi / is not set: starting the local sandbox at {url}"


def cmd_sandbox(
    settings: Settings, args: argparse.Namespace, *, announce: str | None = None
) -> int:
    """The sandbox (sandbox/app.py) until Ctrl-C. Its own token, server, database and event:
    of the configuration only the logging is used. `announce`: the one line printed once it
    listens (format with {url}; default "Sandbox: <url>")."""
    from pydantic import SecretStr

    from sandbox import app as sandbox_app  # lazily: the bot itself never needs the sandbox

    data_dir = Path(getattr(args, "data_dir", None) or sandbox_app.DEFAULT_DATA_DIR)
    database = (data_dir / sandbox_app.DATABASE_NAME).resolve()
    if database == settings.database_path.resolve():
        raise StartupError(
            f"--data-dir {data_dir} would use the bot's own database ({settings.database_path}); "
            "choose another folder"
        )
    event = Path(getattr(args, "event", None) or sandbox_app.DEFAULT_EVENT)
    port = getattr(args, "port", None)
    port = settings.sandbox_port if port is None else port
    # The sandbox's token is no secret, but it is kept out of the log all the same. The
    # console shows warnings only, unless LOG_LEVEL asks for more.
    level = settings.log_level if "log_level" in settings.model_fields_set else "WARNING"
    setup_logging(
        settings.model_copy(update={"bot_token": SecretStr(sandbox_app.TOKEN), "log_level": level})
    )
    sandbox = sandbox_app.Sandbox(
        data_dir, event, port, log_level=level, log_format=settings.log_format
    )
    line = announce or "Sandbox: {url}"
    return sandbox_app.serve(
        sandbox,
        fresh=bool(getattr(args, "fresh", False)),
        browser=not getattr(args, "no_browser", False),
        announce=lambda url: line.format(url=url),
    )


def parser(run: Command) -> argparse.ArgumentParser:
    """The command line; `run` (the bot itself) comes from bot.py."""
    root = argparse.ArgumentParser(prog="bot.py", description="Smart City bimtek Telegram bot")
    sub = root.add_subparsers(dest="command")
    run_cmd = sub.add_parser("run", help="run the bot (default)")
    run_cmd.add_argument(
        "--sandbox-if-no-token",
        action="store_true",
        help="without BOT_TOKEN, start the local sandbox instead (make run)",
    )
    run_cmd.set_defaults(func=run)
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
    evaluation.add_argument("--split", help="only the rows of this split (tune, heldout)")
    evaluation.add_argument("--no-misses", action="store_true", help="figures only")
    evaluation.set_defaults(func=cmd_faq_eval)
    opd_cmd = sub.add_parser("opd", help="office (OPD) commands")
    opd_sub = opd_cmd.add_subparsers(dest="opd_command", required=True)
    rematch_parser = opd_sub.add_parser("rematch", help="match free-text offices to the OPD")
    rematch_parser.add_argument("--apply", action="store_true", help="write the sure matches")
    rematch_parser.set_defaults(func=cmd_opd_rematch)
    retention_parser = sub.add_parser(
        "retention", help="who holds personal data; erase it once the retention period ended"
    )
    retention_parser.add_argument(
        "--apply", action="store_true", help="erase (only after privacy.retention_until)"
    )
    retention_parser.set_defaults(func=cmd_retention)
    backup_cmd = sub.add_parser("backup", help="a consistent copy of the database (while it runs)")
    backup_cmd.add_argument("file", nargs="?", help="the copy to write (default: in BACKUP_DIR)")
    backup_cmd.set_defaults(func=cmd_backup)
    restore_cmd = sub.add_parser("restore", help="check a backup and put it back (bot stopped)")
    restore_cmd.add_argument("file", help="the backup to restore")
    restore_cmd.set_defaults(func=cmd_restore)
    status_cmd = sub.add_parser(
        "status", help="the running bot, outbox, next reminder, backup, errors (exit 1: unhealthy)"
    )
    status_cmd.add_argument(
        "--max-age", type=int, default=None, help="heartbeat limit in seconds (STATUS_MAX_AGE)"
    )
    status_cmd.set_defaults(func=cmd_status)
    export_cmd = sub.add_parser(
        "export", help="export the proposals (xlsx, csv with ;, csv-comma or json)"
    )
    export_cmd.add_argument("--format", choices=tuple(EXPORTERS), default="xlsx")
    export_cmd.add_argument("--out", required=True, help="the file to write")
    export_cmd.set_defaults(func=cmd_export)
    attendance_cmd = sub.add_parser("attendance", help="a session's daftar hadir (xlsx or pdf)")
    attendance_cmd.add_argument("--session", required=True, help="the session id (event file)")
    attendance_cmd.add_argument("--format", choices=("xlsx", "pdf"), default="pdf")
    attendance_cmd.add_argument("--out", required=True)
    attendance_cmd.set_defaults(func=cmd_attendance)
    certificates_cmd = sub.add_parser("certificates", help="e-certificates")
    certificates_sub = certificates_cmd.add_subparsers(dest="certificates_command", required=True)
    issue = certificates_sub.add_parser("issue", help="issue a stage's certificates")
    issue.add_argument("--stage", type=int, required=True)
    issue.add_argument("--dry-run", action="store_true", help="only say how many and who")
    issue.add_argument("--bot-username", help="when the bot has not run on this database")
    issue.set_defaults(func=cmd_certificates)
    sandbox_cmd = sub.add_parser(
        "sandbox", help="try the bot without Telegram: a local server and a page in the browser"
    )
    sandbox_cmd.add_argument(
        "--port",
        type=int,
        default=None,
        help="the page's port on 127.0.0.1 (default SANDBOX_PORT or 8765; 0: any free port)",
    )
    sandbox_cmd.add_argument(
        "--data-dir", type=Path, default=None, help="its own database (default data/sandbox/)"
    )
    sandbox_cmd.add_argument(
        "--event", type=Path, default=None, help="event file (default the demo event)"
    )
    sandbox_cmd.add_argument("--fresh", action="store_true", help="start from an empty database")
    sandbox_cmd.add_argument(
        "--no-browser", action="store_true", help="only print the URL, open no browser"
    )
    sandbox_cmd.set_defaults(func=cmd_sandbox)
    return root
