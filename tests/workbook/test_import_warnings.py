"""The command line's import tells its warnings (提示) as a clerk can read them (issue 13
§3: a county printed 3,400 lines of 提示 in no order): the count by kind and the first
few on the terminal, every one in a file beside the workbook, by sheet and row."""

from __future__ import annotations

import datetime as dt

from tests.workbook.builder import county


def questioned_county(n: int = 12):
    """The county with ``n`` payments on XM001 (above the tendering threshold) before it
    was tendered, dated earliest last (import applies them by date), and two arrivals
    before their channel was issued."""
    book = county()
    rows = [book.add("支出明细", voucher_no=f"PZ1{i:03d}", project_code="XM001",
                     source_code="ZY01", paid_on=dt.date(2024, 2, 28) - dt.timedelta(days=i),
                     amount=100, kind="预付款") for i in range(n)]
    early = [book.add("资金到位", source_code="ZY01", arrived_on="2024-01-09", amount=1)
             for _ in range(2)]
    return book, rows, early


def test_the_terminal_shows_counts_by_kind_and_the_first_few(runner, tmp_path):
    book, rows, early = questioned_county()
    path = book.save(tmp_path / "台账.xlsx")
    result = runner.invoke(args=["import", path, "--dry-run"])
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert "提示:共 14 条(不影响导入),按类别:" in out
    assert "  12 条:项目总投资 … 元超过招标限额 … 元,支付时尚未完成招标" in out
    assert "  2 条:到位日期 … 早于下达日期 …" in out
    shown = [line for line in out if line.startswith("提示:资金到位") or
             line.startswith("提示:支出明细")]
    assert shown == [f"提示:资金到位 第{early[0]}行:到位日期 2024-01-09 早于下达日期 2024-01-10",
                     f"提示:资金到位 第{early[1]}行:到位日期 2024-01-09 早于下达日期 2024-01-10",
                     *(f"提示:支出明细 第{r}行:项目总投资 300,000.00 元超过招标限额 100,000.00 元,"
                       "支付时尚未完成招标" for r in rows[:3])]
    assert "……其余 9 条未显示" in out
    written = tmp_path / "台账.提示.txt"
    assert f"全部提示(按工作表、行号排列)已写入:{written}" in out


def test_every_warning_is_written_beside_the_workbook_by_sheet_and_row(runner, tmp_path):
    book, rows, early = questioned_county()
    path = book.save(tmp_path / "台账.xlsx")
    assert runner.invoke(args=["import", path]).exit_code == 0
    lines = (tmp_path / "台账.提示.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 14
    assert [line.split(":")[0] for line in lines] == (
        [f"资金到位 第{r}行" for r in early] + [f"支出明细 第{r}行" for r in rows])


def test_the_warnings_file_may_be_named(runner, tmp_path):
    book, _, _ = questioned_county(1)
    path = book.save(tmp_path / "台账.xlsx")
    target = tmp_path / "out" / "提示.txt"
    target.parent.mkdir()
    result = runner.invoke(args=["import", path, "--dry-run", "--warnings", str(target)])
    assert result.exit_code == 0 and f"已写入:{target}" in result.output
    assert len(target.read_text(encoding="utf-8").splitlines()) == 3
    assert not (tmp_path / "台账.提示.txt").exists()


def test_an_import_without_warnings_writes_no_file(runner, tmp_path):
    path = county().save(tmp_path / "台账.xlsx")
    result = runner.invoke(args=["import", path])
    assert result.exit_code == 0 and "提示" not in result.output
    assert not (tmp_path / "台账.提示.txt").exists()
