"""`pmo-bot run | chat | parse | migrate | admin | export`."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import errno
import signal
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from bot import config as config_mod
from bot import logs, platforms


def _clock(now: str | None, tz: str) -> Callable[[], dt.datetime] | None:
    """`--now`: a fixed clock; a naive time is local to the default timezone."""
    if not now:
        return None
    try:
        stamp = dt.datetime.fromisoformat(now)
    except ValueError:
        raise SystemExit(f"--now: not an ISO 8601 time: {now!r}") from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=ZoneInfo(tz))
    fixed = stamp.astimezone(dt.UTC)
    return lambda: fixed


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _config(args: argparse.Namespace) -> config_mod.Config:
    config_mod.load_dotenv()
    cfg = config_mod.from_env()
    overrides: dict[str, object] = {}
    if getattr(args, "db", None):
        overrides["database_url"] = args.db
    if getattr(args, "host", None):
        overrides["host"] = args.host
    if getattr(args, "port", None):
        overrides["port"] = args.port
    from dataclasses import replace

    return replace(cfg, **overrides)  # type: ignore[arg-type]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pmo-bot", description="Client-side IT project management from chat.")
    sub = p.add_subparsers(dest="command", required=True)

    def with_db(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sp.add_argument("--db", help="SQLAlchemy URL (default: $DATABASE_URL or sqlite:///pmo-bot.db)")
        return sp

    run = with_db(sub.add_parser("run", help="start the service (web, delivery, scheduler)"))
    run.add_argument("--host", help="listen address (default: $HOST or 127.0.0.1)")
    run.add_argument("--port", type=int, help="HTTP port (default: $PORT or 8080)")
    run.add_argument("--console", choices=["auto", "on", "off"], default="auto",
                     help="open the console chat (auto: when no platform is configured: "
                          f"{', '.join(platforms.PLATFORMS)})")
    run.add_argument("--user", default="me", help="who you are in the console (/user NAME switches)")
    run.add_argument("--chat", default=None, help="console chat id to start in (default: a direct message)")

    chat = with_db(sub.add_parser("chat", help="chat with the bot in the terminal"))
    chat.add_argument("--user", default="me", help="who you are (/user NAME switches)")
    chat.add_argument("--chat", default=None, help="chat id (default: a direct message)")
    chat.add_argument("--json", action="store_true", help="JSON lines on stdin and stdout")
    chat.add_argument("--now", help="fix the clock (ISO 8601; naive = default timezone)")

    sub.add_parser("parse", help="parse text into an intent (JSON)", add_help=False)
    with_db(sub.add_parser("migrate", help="create or upgrade the database schema"))

    admin = sub.add_parser("admin", help="project administration (acts as the PMO, audited as `cli`)")
    asub = admin.add_subparsers(dest="what", required=True)
    project = asub.add_parser("project", help="create, change, list, archive projects").add_subparsers(
        dest="verb", required=True)
    pc = with_db(project.add_parser("create", help="a new project"))
    pc.add_argument("key", help="2-10 capitals or digits, starting with a letter, e.g. CRM")
    pc.add_argument("--name", required=True, help="the project's name, e.g. 客户关系系统")
    pc.add_argument("--tz", help="IANA timezone (default: $DEFAULT_TIMEZONE)")
    pc.add_argument("--locale", choices=["zh", "en"], help="language of its chats and reports")
    pc.add_argument("--pm", help="the project's PM: console name, or platform:id such as slack:U0123")
    ps = with_db(project.add_parser("set", help="change a project's timezone, language or budget"))
    ps.add_argument("key", help="the project key")
    ps.add_argument("--tz", help="IANA timezone, e.g. Asia/Shanghai")
    ps.add_argument("--locale", choices=["zh", "en"], help="language of its chats and reports")
    ps.add_argument("--budget", type=Decimal, help="the approved budget (change requests are measured against it)")
    with_db(project.add_parser("list", help="every project key"))
    pa = with_db(project.add_parser("archive", help="no standups, risk scans, digests or new tasks; data kept"))
    pa.add_argument("key", help="the project key")
    pu = with_db(project.add_parser("unarchive", help="reopen an archived project"))
    pu.add_argument("key", help="the project key")
    policy = asub.add_parser("policy", help="who approves change requests").add_subparsers(dest="verb", required=True)
    pol_show = with_db(policy.add_parser("show", help="a project's approval policy"))
    pol_show.add_argument("key", help="the project key")
    pol_set = with_db(policy.add_parser("set", help="change a project's approval policy"))
    pol_set.add_argument("key", help="the project key")
    pol_set.add_argument("spec", help='e.g. "pm 5; sponsor scope resource long_slip; pmo budget breach; sla 24"')
    milestone = asub.add_parser("milestone", help="a project's milestones").add_subparsers(dest="verb", required=True)
    ml_add = with_db(milestone.add_parser("add", help="a milestone with its due date"))
    ml_add.add_argument("key", help="the project key")
    ml_add.add_argument("name", help="e.g. 上线")
    ml_add.add_argument("due", type=_day, help="YYYY-MM-DD")
    ml_list = with_db(milestone.add_parser("list", help="a project's milestones, by due date"))
    ml_list.add_argument("key", help="the project key")
    task_admin = asub.add_parser("task", help="plan a task: its milestone, what it waits on")
    tsub = task_admin.add_subparsers(dest="verb", required=True)
    tm = with_db(tsub.add_parser("milestone", help="put a task under a milestone"))
    tm.add_argument("task", help="e.g. CRM-3")
    tm.add_argument("milestone", help="the milestone's name")
    td = with_db(tsub.add_parser("depends", help="make a task wait on another of the same project"))
    td.add_argument("task", help="e.g. CRM-3")
    td.add_argument("on", help="the task it waits on")
    member = asub.add_parser("member", help="who is on a project, in which role").add_subparsers(
        dest="verb", required=True)
    ma = with_db(member.add_parser("add", help="add someone, or change their role"))
    ma.add_argument("key", help="the project key")
    ma.add_argument("user", help="console name, or platform:id such as slack:U0123")
    ma.add_argument("--role", required=True, choices=["pmo", "sponsor", "pm", "member", "vendor", "viewer",
                                                      "supervisor", "finance"],
                    help="their role on the project")
    ml = with_db(member.add_parser("list", help="a project's members: user, role, name"))
    ml.add_argument("key", help="the project key")
    mr = with_db(member.add_parser("remove", help="take someone off a project (their tasks and hours stay)"))
    mr.add_argument("key", help="the project key")
    mr.add_argument("user", help="console name, or platform:id such as slack:U0123")
    chat_admin = asub.add_parser("chat", help="which group chat belongs to which project").add_subparsers(
        dest="verb", required=True)
    cb = with_db(chat_admin.add_parser("bind", help="bind a group chat to a project"))
    cb.add_argument("key", help="the project key")
    cb.add_argument("chat", help="console chat id, or platform:id such as slack:C0123")
    cu = with_db(chat_admin.add_parser("unbind", help="unbind a group chat from its project"))
    cu.add_argument("key", help="the project key it is bound to")
    cu.add_argument("chat", help="console chat id, or platform:id such as slack:C0123")
    person = asub.add_parser("person", help="people across platforms").add_subparsers(dest="verb", required=True)
    pl = with_db(person.add_parser("link", help="one person with both identities, e.g. slack:U0123 feishu:ou_x"))
    pl.add_argument("first", help="platform:id of the person (slack:U…, feishu:ou_…)")
    pl.add_argument("second", help="platform:id to add to them")
    calendar = asub.add_parser("calendar", help="holidays and make-up workdays (overrides the built-in data)")
    cal = calendar.add_subparsers(dest="verb", required=True)
    ca = with_db(cal.add_parser("add", help="make a day a holiday or a (make-up) workday"))
    ca.add_argument("day", type=_day, help="YYYY-MM-DD")
    ca.add_argument("kind", choices=["holiday", "workday"], help="a day off, or a (make-up) working day")
    ca.add_argument("--name", default="", help="e.g. 春节; shown in reminders")
    cr = with_db(cal.add_parser("remove", help="drop an override (the built-in rule applies again)"))
    cr.add_argument("day", type=_day, help="YYYY-MM-DD")
    cl = with_db(cal.add_parser("list", help="list the overrides"))
    cl.add_argument("--year", type=int, help="only this year's")
    from bot import admin_inbox

    admin_inbox.register(asub, with_db)
    # issue 15: vendors, contracts, payment milestones; `member add --vendor` (bot/admin_contracts.py)
    from bot import admin_contracts

    admin_contracts.register(asub, with_db, member_add=ma)

    jobs = sub.add_parser("jobs", help="scheduled jobs: list them, run one now, per-project settings")
    jsub = jobs.add_subparsers(dest="verb", required=True)
    jl = with_db(jsub.add_parser("list", help="each job and its next run"))
    jl.add_argument("--now", help="as if it were this time (ISO 8601)")
    jr = with_db(jsub.add_parser("run", help="run one job now and print what it sends"))
    jr.add_argument("name", help="the job, as `jobs list` names it")
    jr.add_argument("--now", help="the clock the job sees (ISO 8601; naive = default timezone)")
    jr.add_argument("--dry-run", action="store_true", help="print what it would send; change nothing")
    jr.add_argument("--json", action="store_true", help="one JSON object per message")
    jset = with_db(jsub.add_parser("settings", help="show or change a project's job settings"))
    jset.add_argument("key", help="the project key")
    jset.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                      help="e.g. standup.time=09:00, risks.overrun_pct=150, risks.idle_workdays=off")
    report = sub.add_parser("report", help="reports as Markdown")
    rw = with_db(report.add_subparsers(dest="kind", required=True).add_parser("weekly", help="the weekly report"))
    rw.add_argument("--project", required=True, help="the project key")
    rw.add_argument("--now", help="the week of this time (ISO 8601)")

    export = with_db(sub.add_parser("export", help="export a project's data"))
    export.add_argument("--project", required=True, help="the project key")
    export.add_argument("--format", choices=["json", "csv", "xlsx"], default="json",
                        help="json: everything; csv: one table; xlsx: a workbook with a sheet per table")
    export.add_argument("--table", choices=["summary", "tasks", "work_logs", "change_requests", "baselines", "leave",
                                            "standups", "audit", "vendors", "contracts",
                                            "acceptances"], default="tasks",
                        help="which table to write as CSV (the .xlsx workbook holds them all)")
    export.add_argument("--output", "-o", help="write to this file (an .xlsx goes to stdout only when piped)")
    export.add_argument("--now", help="the metrics as of this time (ISO 8601; naive = default timezone)")
    return p


def _holidays(name: str | None, on_or_after: dt.date) -> tuple[dt.date, dt.date] | None:
    """Holiday names for `pmo-bot parse` ("国庆前"): the project calendar without admin overrides, loaded on
    the first holiday name, so other messages start as fast as before."""
    from bot.core.workdays import default_calendar

    return default_calendar().holiday_period(name, on_or_after)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "parse":
        from bot.nlu.cli import main as parse_main

        return parse_main(argv[1:], holidays=_holidays)
    args = build_parser().parse_args(argv)
    cfg = _config(args)
    from bot.platforms.watchdog import CredentialsRejected

    try:
        return _dispatch(args, cfg)
    except CredentialsRejected as exc:  # a platform refused the configured token or secret: say which
        print(f"pmo-bot: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        if args.command == "run" and exc.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            print(_cannot_listen(cfg, exc), file=sys.stderr)
            return 1
        return _cannot_use_database(cfg, exc)
    except SQLAlchemyError as exc:
        return _cannot_use_database(cfg, exc)


def _cannot_listen(cfg: config_mod.Config, exc: OSError) -> str:
    """The HTTP port is taken (another pmo-bot?) or not ours to bind: say so, and which setting changes it."""
    taken = exc.errno == errno.EADDRINUSE
    why_en = "is already in use (another pmo-bot running?)" if taken else f"cannot be bound ({exc.strerror})"
    why_zh = "已被占用（是否已有一个 pmo-bot 在运行？）" if taken else f"无法绑定（{exc.strerror}）"
    where = f"{cfg.host}:{cfg.port}"
    return (f"pmo-bot: port {where} {why_en}; choose another with PORT=8081 (or HOST) in .env or the "
            f"environment, or `pmo-bot run --port 8081`.\n"
            f"pmo-bot：端口 {where} {why_zh}；请在 .env 或环境变量中设置 PORT=8081（或 HOST），"
            f"或用 `pmo-bot run --port 8081`。")


def _cannot_use_database(cfg: config_mod.Config, exc: Exception) -> int:
    """A database that cannot be opened, or a write the disk could not take: one line, not a traceback."""
    from storage.db import outage

    fault = outage(exc)
    if fault is not None:  # the transaction was rolled back: say so, and what to do
        print(f"pmo-bot: {fault} ({cfg.database_url!r}); nothing was written, run it again once fixed "
              f"(数据库不可写，未写入任何内容)", file=sys.stderr)
        return 1
    print(f"pmo-bot: cannot use the database {cfg.database_url!r}: {exc.__class__.__name__}: "
          f"{str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
    return 1


def _dispatch(args: argparse.Namespace, cfg: config_mod.Config) -> int:
    if args.command == "run":
        return _run(args, cfg)
    logs.setup("WARNING" if args.command != "migrate" else "INFO", cfg.log_file)
    if args.command == "chat":
        from bot.console_chat import chat_main

        return asyncio.run(chat_main(cfg, user=args.user, chat=args.chat, json_mode=args.json,
                                     clock=_clock(args.now, cfg.settings.default_tz)))
    if args.command == "migrate":
        return asyncio.run(_migrate(cfg))
    if args.command in ("jobs", "report"):
        from bot.jobs_cli import jobs_main

        now = (_clock(getattr(args, "now", None), cfg.settings.default_tz) or (lambda: dt.datetime.now(dt.UTC)))()
        return asyncio.run(jobs_main(cfg, args, now))
    if args.command == "admin" and args.what == "inbox":
        from bot import admin_inbox

        return asyncio.run(admin_inbox.main(cfg, args))
    from bot import admin_contracts  # issue 15
    from bot.admin import admin_main, export_main

    if admin_contracts.handles(args):
        return asyncio.run(admin_contracts.admin_main(cfg, args))
    if args.command == "admin":
        return asyncio.run(admin_main(cfg, args))
    if args.command == "export":
        return asyncio.run(export_main(cfg, args))
    return 2


async def _migrate(cfg: config_mod.Config) -> int:
    from storage.db import Database
    from storage.migrate import current, upgrade

    db = Database(cfg.database_url)
    try:
        await upgrade(db.engine)
        print(f"database at revision {await current(db.engine)}")
    finally:
        await db.dispose()
    return 0


def _run(args: argparse.Namespace, cfg: config_mod.Config) -> int:
    console = args.console == "on" or (args.console == "auto" and not cfg.platforms_configured)
    log_file = cfg.log_file or ("pmo-bot.log" if console else None)
    logs.setup(cfg.log_level, log_file)
    from bot.console_chat import serve_main

    return asyncio.run(serve_main(cfg, console=console, user=args.user, chat=args.chat, log_file=log_file,
                                  install_signals=_install_signals))


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


if __name__ == "__main__":
    raise SystemExit(main())


