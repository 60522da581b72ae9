"""The ``fundtrack`` command line: thin click commands over the services.

Exit codes (CONTRACT.md): 0 success; 1 the input was refused (errors printed, nothing
written); 2 wrong usage (click's own code for usage errors).
"""

from __future__ import annotations

import sys
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


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the database to the latest schema."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("数据库已是最新结构。")


@click.command("demo")
@with_appcontext
def demo_command():
    """Load a demo county into an empty database."""
    from .demo import load_demo

    try:
        with unit_of_work("命令行:demo"):
            summary = load_demo()
    except Refused as e:
        _refuse([e.message])
    click.echo(summary)


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--unit", default=None, help="责任单位名称(新单位会自动创建)")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码")
@with_appcontext
def create_user_command(username, role, unit, password_stdin):
    """Create a user with a role (admin, finance, manager, auditor, viewer)."""
    from .accounts.service import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt=True)
    if not password:
        _refuse(["密码不能为空"])
    try:
        with unit_of_work("命令行:create-user"):
            create_user(username, Role(role), unit=unit, password=password)
    except Refused as e:
        _refuse([e.message])
    click.echo(f"已创建用户 {username}({Role(role).label})")


@click.command("create-token")
@click.argument("username")
@with_appcontext
def create_token_command(username):
    """Print a new API token for the user (shown once)."""
    from .accounts.service import create_token, get_user

    try:
        with unit_of_work("命令行:create-token"):
            token = create_token(get_user(username))
    except Refused as e:
        _refuse([e.message])
    click.echo(f"用户 {username} 的 API 令牌(仅显示一次):")
    click.echo(token)


@click.command("import")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="只检查、报告,不写入")
@click.option("--warnings", "warnings_to", type=click.Path(dir_okay=False), default=None,
              help="全部提示写入此文件(默认:工作簿旁的「工作簿名.提示.txt」)")
@with_appcontext
def import_command(workbook, dry_run, warnings_to):
    """Add a workbook to the database: all or nothing."""
    from .workbook.importer import import_workbook

    report = import_workbook(workbook, actor="命令行:import", dry_run=dry_run)
    if report.warnings:
        _tell_warnings(report, warnings_to or _warnings_file(workbook))
    if report.problems:
        _refuse([str(p) for p in report.problems]
                + [f"共 {len(report.problems)} 处问题,未写入任何数据。"])
    click.echo(report.summary(dry_run))


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
    try:
        export_workbook(out, as_of=day, year=year)
    except OSError as e:
        _refuse([f"无法写入 {out}:{e.strerror or e}"])
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


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True)
@with_appcontext
def serve_command(host, port):
    """Run the production WSGI server (waitress)."""
    from waitress import serve

    app = current_app._get_current_object()
    click.echo(f"fundtrack 正在 http://{host}:{port}/ 运行")
    serve(app, host=host, port=port, threads=8)


COMMANDS = [
    init_db_command,
    demo_command,
    create_user_command,
    create_token_command,
    import_command,
    export_command,
    backup_command,
    restore_command,
    serve_command,
]


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app():
    from . import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="fundtrack: 财政涉农资金统筹整合台账")

