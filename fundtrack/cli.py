"""The ``fundtrack`` command line: thin click commands over the services.

Exit codes (CONTRACT.md): 0 success; 1 the input was refused (errors printed, nothing
written); 2 wrong usage (click's own code for usage errors).
"""

from __future__ import annotations

import os
import sys
import time
from functools import partial
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .database import unit_of_work
from .enums import Role
from .errors import Refused


def _refuse(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def _as_of_option(func):
    return click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="截至日期 YYYY-MM-DD(默认今天)",
    )(func)


def _where(app: Flask) -> str:
    """The database as a user would find it: a SQLite file's path, else the URL without
    its password."""
    from sqlalchemy.engine import make_url

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return str(Path(url.database).resolve())
    return url.render_as_string(hide_password=True)


def _old_data_warning(app: Flask) -> None:
    """Before the data folder, the database and secret key lay in Flask's default
    instance folder, inside the virtual environment: say so when one is still there."""
    if "FUNDTRACK_DATABASE_URL" in os.environ:
        return
    old = Path(app.auto_find_instance_path())
    if old.resolve() != Path(app.instance_path).resolve() \
            and (old / "fundtrack.sqlite").exists():
        click.echo(
            f"注意:旧位置 {old} 还有一个数据库(fundtrack.sqlite)。这里用的是数据文件夹 "
            f"{app.instance_path}。要继续用旧数据,请先停止服务,把 fundtrack.sqlite 和 "
            f"secret_key 移到数据文件夹;或设置 FUNDTRACK_DATA={old}。",
            err=True,
        )


def _revision() -> str | None:
    from alembic.runtime.migration import MigrationContext

    from .extensions import db

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the database to the latest schema."""
    from flask_migrate import upgrade

    app = current_app._get_current_object()
    _old_data_warning(app)
    where = _where(app)
    before = _revision()
    upgrade(directory=app.extensions["migrate"].directory)
    after = _revision()
    if before is None:
        click.echo(f"已创建数据库结构(版本 {after}):{where}")
    elif before != after:
        click.echo(f"已将数据库从版本 {before} 升级到 {after}:{where}")
    else:
        click.echo(f"数据库已是最新结构(版本 {after}),无需升级:{where}")
    click.echo(f"数据文件夹(数据库、密钥):{app.instance_path}")


@click.command("demo")
@with_appcontext
def demo_command():
    """Load a demo county into an empty database, and create an admin to sign in with
    (when there is none): its user name and password are printed once."""
    from .accounts.service import ensure_admin
    from .demo import load_demo

    try:
        with unit_of_work("命令行:demo"):
            summary = load_demo()
            admin = ensure_admin()
    except Refused as e:
        _refuse([e.message])
    click.echo(summary)
    if admin is not None:
        username, password = admin
        click.echo(f"已创建系统管理员账号(密码只显示这一次,请登录后在「我的账户」中修改):\n"
                   f"  用户名:{username}\n  密码:{password}")


def _read_password(password_stdin: bool, username: str) -> str:
    """The new password, from standard input's first line or typed twice; refused (exit 1)
    when it breaks the password rule (accounts/passwords.py)."""
    from .accounts import passwords

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt=True,
                                default="", show_default=False)
    problem = passwords.problem(password, username)
    if problem is not None:
        _refuse([problem, f"密码要求:{passwords.RULE_TEXT}。"])
    return password


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--unit", default=None,
              help="责任单位名称,须为已有单位;新单位须同时给出 --new-unit")
@click.option("--new-unit", is_flag=True,
              help="--unit 所给单位不存在时新建它(不加此项时,未知单位报错并提示相近的名称)")
@click.option("--name", default=None, help="姓名(选填)")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码")
@with_appcontext
def create_user_command(username, role, unit, new_unit, name, password_stdin):
    """Create a user with a role (admin, finance, manager, auditor, viewer).

    UNIT must name an existing responsible unit unless --new-unit is given.
    """
    from .accounts.service import create_user

    password = _read_password(password_stdin, username)
    try:
        with unit_of_work("命令行:create-user"):
            create_user(username, Role(role), unit=unit, password=password, name=name,
                        new_unit=new_unit)
    except Refused as e:
        hint = ["如确需新建该单位,请加上 --new-unit。"] if e.field == "unit" and unit else []
        _refuse([e.message, *hint])
    click.echo(f"已创建用户 {username}({Role(role).label})")


@click.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码")
@with_appcontext
def set_password_command(username, password_stdin):
    """Set a user's password (the same rule as the web forms); their sessions end."""
    from .accounts.service import get_user, set_password

    password = _read_password(password_stdin, username)
    try:
        with unit_of_work("命令行:set-password"):
            set_password(get_user(username), password)
    except Refused as e:
        _refuse([e.message])
    click.echo(f"已设置用户 {username} 的密码")


@click.command("create-token")
@click.argument("username")
@click.option("--name", default=None, help="令牌名称,如「月报脚本」(默认:接口令牌)")
@click.option("--days", type=click.IntRange(1, 3650), default=None,
              help="有效天数(默认 FUNDTRACK_TOKEN_DAYS,即 90 天)")
@with_appcontext
def create_token_command(username, name, days):
    """Print a new API token for the user (shown once; the token alone on the last line).
    Earlier tokens stay valid until they expire or are revoked."""
    from .accounts.service import get_user, issue_token

    try:
        with unit_of_work("命令行:create-token"):
            token = issue_token(get_user(username), name, days)
    except Refused as e:
        _refuse([e.message])
    days = days or current_app.config["FUNDTRACK_TOKEN_DAYS"]
    click.echo(f"用户 {username} 的 API 令牌(仅显示一次,{days} 天内有效):")
    click.echo(token)


@click.command("import")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="只检查、报告,不写入")
@click.option("--warnings", "warnings_to", type=click.Path(dir_okay=False), default=None,
              help="全部提示写入此文件(默认:工作簿旁的「工作簿名.提示.txt」)")
@click.option("--mapping", "mapping_name", default=None, metavar="NAME",
              help="按已保存的导入映射读取县里自己格式的台账(见 设置 › 导入映射)")
@click.option("--sheet", default=None,
              help="与 --mapping 一起:要导入的工作表(默认:映射保存时的工作表)")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="与 --mapping 一起:台账的截至日期(默认:标题中的「截至……」)")
@click.option("--reason", default=None,
              help="与 --mapping 一起:台账改动已实施项目计划日期的原因(记入计划调整)")
@with_appcontext
def import_command(workbook, dry_run, warnings_to, mapping_name, sheet, as_of, reason):
    """Add a workbook to the database: all or nothing. With --mapping, a workbook in the
    county's own layout, read through that saved mapping."""
    from .workbook.importer import import_workbook

    if mapping_name is not None:
        report = _import_mapped(workbook, mapping_name, sheet, as_of, dry_run, reason)
    else:
        if sheet is not None or as_of is not None or reason is not None:
            raise click.UsageError("--sheet、--as-of 和 --reason 只能与 --mapping 一起使用")
        progress = _Progress("检查" if dry_run else "导入") if _on_terminal() else None
        report = import_workbook(workbook, actor="命令行:import", dry_run=dry_run,
                                 progress=progress)
        if progress is not None:
            progress.end()
    if report.warnings:
        _tell_warnings(report, warnings_to or _warnings_file(workbook))
    if report.problems:
        _refuse([str(p) for p in report.problems]
                + [f"共 {len(report.problems)} 处问题,未写入任何数据。"])
    click.echo(report.summary(dry_run))


def _import_mapped(workbook, mapping_name, sheet, as_of, dry_run, reason=None):
    """The county-layout import of ``workbook`` through the saved mapping."""
    from .dates import parse_date
    from .errors import Refused
    from .workbook.mapping.grid import sheet_names
    from .workbook.mapping.plan import check_county
    from .workbook.mapping.service import get_mapping

    day = None
    if as_of is not None:
        try:
            day = parse_date(as_of, "as_of")
        except Refused as e:
            raise click.BadParameter(e.message, param_hint="--as-of") from None
    try:
        saved, mapping = get_mapping(mapping_name)
    except Refused as e:
        _refuse([e.message])
    if sheet is None:
        sheet = saved.sheet
        try:
            names = sheet_names(workbook)
        except Exception:
            names = []
        if sheet not in names and names:
            sheet = names[0]
    check = check_county(workbook, sheet=sheet or "", mapping=mapping,
                         actor="命令行:import", as_of=day, dry_run=dry_run, reason=reason)
    return check.report


def _on_terminal() -> bool:
    return sys.stderr.isatty()


class _Progress:
    """A progress line on a terminal (standard error), rewritten in place: rows done,
    the share, an estimate, and the sheets written when the work tells them (the export).
    Shown only after ``AFTER`` seconds (a short import or export says nothing), and only
    on a terminal (the caller checks: quiet in a pipe or a log)."""

    AFTER = 1.0

    def __init__(self, doing: str):
        self.doing = doing
        self.started = time.monotonic()
        self.counting: float | None = None
        self.shown = False

    def __call__(self, done: int, total: int, sheets: tuple[int, int] | None = None) -> None:
        now = time.monotonic()
        if self.counting is None:
            self.counting = now
        if now - self.started < self.AFTER or not total:
            return
        left = ""
        if done:
            left = f",预计还需 {round((now - self.counting) / done * (total - done))} 秒"
        written = f",工作表 {sheets[0]} / {sheets[1]}" if sheets else ""
        sys.stderr.write(f"\r正在{self.doing}:{done:,} / {total:,} 行"
                         f"({done * 100 // total}%){written}{left}\033[K")
        sys.stderr.flush()
        self.shown = True

    def end(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


#: How many warnings an import prints; all of them go to the warnings file.
SHOWN_WARNINGS = 5


def _warnings_file(workbook: str) -> str:
    """``台账.xlsx`` → ``台账.提示.txt``, beside it."""
    path = Path(workbook)
    return str(path.with_name(f"{path.stem}.提示.txt"))


def _tell_warnings(report, to: str) -> None:
    """The warnings' count by kind and the first few on standard error; every one of
    them, in the workbook's order, in the file ``to``."""
    say = partial(click.echo, err=True)
    say(f"提示:共 {len(report.warnings)} 条(不影响导入),按类别:")
    for kind, n in report.warning_kinds():
        say(f"  {n} 条:{kind}")
    try:
        Path(to).write_text("".join(f"{w}\n" for w in report.warnings), encoding="utf-8")
    except OSError as e:
        say(f"无法写入提示文件 {to}:{e.strerror or e};全部提示如下:")
        for w in report.warnings:
            say(f"提示:{w}")
        return
    for w in report.warnings[:SHOWN_WARNINGS]:
        say(f"提示:{w}")
    if len(report.warnings) > SHOWN_WARNINGS:
        say(f"……其余 {len(report.warnings) - SHOWN_WARNINGS} 条未显示")
    say(f"全部提示(按工作表、行号排列)已写入:{to}")


@click.command("export")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@_as_of_option
@click.option("--year", type=int, default=None, help="只导出该年度的项目和资金来源")
@with_appcontext
def export_command(out, as_of, year):
    """Write the audit workbook as of a date."""
    from .clock import today
    from .workbook.export import export_workbook

    day = as_of.date() if as_of else today()
    progress = _Progress("导出") if _on_terminal() else None
    try:
        export_workbook(out, as_of=day, year=year, progress=progress)
    except OSError as e:
        _refuse([f"无法写入 {out}:{e.strerror or e}"])
    finally:
        if progress is not None:
            progress.end()
    click.echo(f"已导出截至 {day} 的台账:{out}")


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(out):
    """Copy the whole database to a file while it runs."""
    from .backup import BackupError, backup

    try:
        backup(out)
    except BackupError as e:
        _refuse([str(e)])
    click.echo(f"已备份到 {out}")


@click.command("restore")
@click.argument("infile", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(infile):
    """Load a backup into an empty database."""
    from .backup import BackupError, restore

    try:
        counts = restore(infile)
    except BackupError as e:
        _refuse([str(e)])
    click.echo(f"已恢复 {sum(counts.values())} 条记录。")


@click.command("verify-files")
@with_appcontext
def verify_files_command():
    """Check every stored document against its SHA-256 (exit 1 listing each that differs
    or is missing)."""
    from .attachments import queries, storage
    from .database import read_only

    with read_only():
        stored = queries.all_stored()
    bad = storage.problems(sha for _, _, _, sha in stored)
    if bad:
        _refuse([f"附件 #{i} {owner} 「{name}」({sha[:12]}):{bad[sha]}"
                 for i, owner, name, sha in stored if sha in bad]
                + [f"{len(bad)} 个文件校验不通过(共 {len(stored)} 个附件)"])
    click.echo(f"已校验 {len(stored)} 个附件,全部与 SHA-256 相符:{storage.root()}")


#: waitress's limits, set on purpose (issue 14: with its default of 100 connections,
#: 100 idle sockets locked everyone out). Idle and half-sent connections cost the server
#: a file descriptor each, not a thread: waitress reads a request whole in its main loop
#: before a worker thread sees it. So the connection limit can be high; the channel
#: timeout closes a connection that sends nothing for that many seconds, checked every
#: cleanup interval. A client that trickles a byte now and then is bounded only by the
#: connection limit: in front of the internet or a large intranet, a reverse proxy
#: (nginx) that buffers whole requests is the remedy (README, Security).
SERVE_LIMITS = [
    ("--threads", "FUNDTRACK_THREADS", 8, "请求处理线程数"),
    ("--connection-limit", "FUNDTRACK_CONNECTION_LIMIT", 1000, "同时打开的连接数上限"),
    ("--channel-timeout", "FUNDTRACK_CHANNEL_TIMEOUT", 30, "连接空闲多少秒后关闭"),
    ("--cleanup-interval", "FUNDTRACK_CLEANUP_INTERVAL", 10, "每隔多少秒检查空闲连接"),
]


def _serve_limit_options(func):
    for flag, envvar, default, help_text in reversed(SERVE_LIMITS):
        func = click.option(
            flag, envvar=envvar, default=default, show_default=True, show_envvar=True,
            type=click.IntRange(min=1), help=help_text,
        )(func)
    return func


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, envvar="FUNDTRACK_HOST",
              show_envvar=True)
@click.option("--port", default=8000, type=int, show_default=True, envvar="FUNDTRACK_PORT",
              show_envvar=True)
@_serve_limit_options
@click.option("--trusted-proxy", envvar="FUNDTRACK_TRUSTED_PROXY", default=None,
              show_envvar=True,
              help="反向代理的地址(如 127.0.0.1):采用它转发的 X-Forwarded-For 作为客户端地址")
@with_appcontext
def serve_command(host, port, threads, connection_limit, channel_timeout, cleanup_interval,
                  trusted_proxy):
    """Run the production WSGI server (waitress)."""
    from waitress import serve

    app = current_app._get_current_object()
    _old_data_warning(app)
    click.echo(f"数据库:{_where(app)}")
    click.echo(
        f"fundtrack 正在 http://{host}:{port}/ 运行"
        f"(线程 {threads},连接上限 {connection_limit},空闲 {channel_timeout} 秒后断开)"
    )
    serve(app, **serve_settings(
        host=host, port=port, threads=threads, connection_limit=connection_limit,
        channel_timeout=channel_timeout, cleanup_interval=cleanup_interval,
        trusted_proxy=trusted_proxy, max_upload=app.config["MAX_CONTENT_LENGTH"],
    ))


def serve_settings(*, host, port, threads, connection_limit, channel_timeout,
                   cleanup_interval, trusted_proxy, max_upload) -> dict:
    """waitress's keyword arguments for ``fundtrack serve``."""
    settings = dict(
        host=host, port=port, threads=threads,
        connection_limit=connection_limit,
        channel_timeout=channel_timeout,
        cleanup_interval=cleanup_interval,
        # poll() rather than select(): select() cannot watch descriptors above 1023
        asyncore_use_poll=True,
        # A body up to twice the upload limit reaches the app, which refuses what is
        # over the limit with its own message (413); a larger one is refused by waitress
        # from its Content-Length alone, before anything of it is read or buffered.
        max_request_body_size=2 * max_upload,
    )
    if trusted_proxy:
        # Behind nginx every client has the proxy's address; the proxy's X-Forwarded-*
        # headers then say who the client is (the sign-in throttle counts per address).
        # From anyone else those headers are dropped.
        settings.update(
            trusted_proxy=trusted_proxy,
            trusted_proxy_count=1,
            trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto",
                                   "x-forwarded-host"},
            clear_untrusted_proxy_headers=True,
        )
    return settings


# --- reporting upward (上报): fundtrack/reporting ---------------------------------------


@click.command("close-month")
@click.argument("month")
@with_appcontext
def close_month_command(month):
    """Close a month (月结) as the 月结 page does: YYYY-MM."""
    from .periods.service import close_month

    try:
        with unit_of_work("命令行:close-month"):
            done = close_month(month)
            month, ends_on = done.month, done.ends_on
    except Refused as e:
        _refuse([e.message])
    click.echo(f"已月结 {month}:{ends_on} 及以前的资金记录不能再录入或冲销")


@click.command("reconcile")
@click.argument("path")
@click.option("--json", "as_json", is_flag=True, help="以一个 JSON 对象输出结果")
@with_appcontext
def reconcile_command(path, as_json):
    """Match a treasury payment export (预算管理一体化) against the ledger's payments;
    writes nothing."""
    import json

    from .database import read_only
    from .extensions import db
    from .treasury import service as treasury

    with read_only():
        try:
            done = treasury.reconcile(path)
            if not done.ok:
                _refuse([str(p) for p in done.export.problems])
            body = treasury.as_json(done.result)
        finally:
            db.session.rollback()
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False))
        return
    for line in treasury.text_lines(body, rows=len(done.export.rows)):
        click.echo(line)


@click.command("keygen")
@click.option("--replace", is_flag=True,
              help="替换已有的签名密钥(旧公钥签的上报包将无法再被核验为本实例所发)")
@with_appcontext
def keygen_command(replace):
    """Create this instance's signing key (kept in the data folder, never printed);
    print its public key alone on the last line."""
    from .reporting.keys import generate, key_path

    try:
        public = generate(replace=replace)
    except Refused as e:
        _refuse([e.message])
    click.echo(f"已生成签名密钥,私钥保存在 {key_path()}(仅所有者可读,切勿外传)。"
               "请把下面一行公钥交给上级登记:")
    click.echo(public)


@click.command("package")
@click.option("--month", required=True, help="已月结的月份 YYYY-MM")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def package_command(month, out):
    """Write the signed report package (上报) of a closed month."""
    from .reporting.package import canonical
    from .reporting.service import build

    try:
        body = build(month)
    except Refused as e:
        _refuse([e.message])
    Path(out).write_bytes(canonical(body))
    click.echo(f"已写出 {body['region']} {body['month']} 的上报包:{out}")


@click.command("add-region")
@click.argument("name")
@click.argument("public_key")
@with_appcontext
def add_region_command(name, public_key):
    """Register a lower region that may send packages: its FUNDTRACK_REGION name and the
    public key its keygen printed."""
    from .reporting.service import add_region

    try:
        with unit_of_work("命令行:add-region"):
            add_region(name, public_key)
    except Refused as e:
        _refuse([e.message])
    click.echo(f"已登记下级地区「{name.strip()}」")


@click.command("receive")
@click.argument("infile", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def receive_command(infile):
    """Take in a package from a registered region; refused whole (exit 1) when its
    signature or content does not hold."""
    from .reporting.service import receive

    try:
        with unit_of_work("命令行:receive"):
            kept = receive(Path(infile).read_bytes())
            region, month = kept.region, kept.month
    except Refused as e:
        _refuse([f"拒收 {infile}:{e.message}"])
    click.echo(f"已接收 {region} {month} 的上报包")


COMMANDS = [
    init_db_command,
    demo_command,
    create_user_command,
    set_password_command,
    create_token_command,
    import_command,
    export_command,
    backup_command,
    verify_files_command,
    restore_command,
    serve_command,
    close_month_command,
    reconcile_command,
    keygen_command,
    package_command,
    add_region_command,
    receive_command,
]


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app():
    from . import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="fundtrack: 财政涉农资金统筹整合台账")

