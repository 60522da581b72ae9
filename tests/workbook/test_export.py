"""Export: the audit workbook as CONTRACT.md fixes it, checked with openpyxl as a user's
Excel would read it."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest

from fundtrack.workbook import export as export_module
from fundtrack.workbook.export import export_workbook
from tests.workbook.readback import open_book, values
from tests.workbook.sample import build_county

AS_OF = dt.date(2024, 6, 30)

#: The sheets and header rows, copied from CONTRACT.md.
CONTRACT = {
    "资金来源": "资金来源编号 资金名称 资金级次 资金类别 年度 下达文号 下达金额 下达日期",
    "资金到位": "资金来源编号 到位日期 到位金额 备注",
    "项目": "项目编号 项目名称 年度 项目类别 乡镇 村 责任单位 责任人 联系电话 建设内容 "
            "总投资 重点村 项目状态",
    "资金安排": "项目编号 资金来源编号 安排金额 文号 安排日期",
    "支出明细": "凭证号 项目编号 资金来源编号 支付日期 支付金额 支付类型 收款单位 冲销凭证号 摘要 "
            "收款账号 预算科目",
    "资金收回": "资金来源编号 收回日期 收回金额 去向 文号 原因",
    "合同": "合同编号 项目编号 承建单位 合同金额 签订日期 招标方式 质保金比例 质保期满日期",
    "项目节点": "项目编号 节点 计划日期 实际日期 备注",
    "绩效目标": "项目编号 指标类别 指标名称 计量单位 目标值 实际值 是否达成 未达成原因",
    "资产台账": "项目编号 资产名称 资产类别 资产价值 产权归属 管护主体 管护责任人 移交日期 "
                "移交文号",
    "项目台账": "项目编号 项目名称 乡镇 责任单位 责任人 总投资 安排资金 已支出 支出率 当前节点 "
                "逾期节点数 最长逾期天数",
    "项目资金台账": "项目编号 项目名称 资金来源编号 资金名称 安排资金 已支出 支出率 结余",
    "资金台账": "资金来源编号 资金名称 下达金额 已到位 到位率 已安排 已支出 已收回 支出率 结余",
    "结转结余": "资金来源编号 资金名称 年度 上年结转 本年到位 本年支出 本年收回 期末结余 "
                "结存1年以上 结存2年以上",
    "逾期清单": "项目编号 项目名称 责任单位 责任人 节点 计划日期 逾期天数",
    "汇总": "分组 名称 项目数 开工数 开工率 完工数 完工率 总投资 安排资金 已支出 支出率 投资完成率",
}
COMPUTED = ["项目台账", "项目资金台账", "资金台账", "结转结余", "逾期清单", "汇总"]


@pytest.fixture
def book(ctx, tmp_path):
    build_county()
    path = tmp_path / "台账.xlsx"
    export_workbook(path, as_of=AS_OF)
    return open_book(path)


def rows_by_first_cell(ws, start):
    return {r[0]: r for r in values(ws)[start:]}


def cell_of(ws, header_row: int, first: str, header: str):
    """The cell in the row whose first cell is ``first``, under ``header``."""
    heads = [c.value for c in ws[header_row]]
    for row in ws.iter_rows(min_row=header_row + 1):
        if row[0].value == first:
            return row[heads.index(header)]
    raise KeyError(first)


def test_sheet_names_and_header_rows_are_the_contracts(book):
    # the contract's sheets, in its order, then the 绩效自评 (tests/performance/
    # test_evaluation.py), the 月报 (tests/ledger/test_monthly.py) and the 要件
    # (tests/workbook/test_documents_sheet.py)
    assert book.sheetnames == [*CONTRACT, "绩效自评", "月报", "要件"]
    for name, headers in CONTRACT.items():
        header_row = 2 if name in COMPUTED else 1
        assert [c.value for c in book[name][header_row]] == headers.split(), name


def test_data_sheets_hold_every_row_whatever_the_as_of_date(book):
    vouchers = [r[0] for r in values(book["支出明细"])[1:]]
    # by payment date, a wrong payment, its reversal and the re-entry in their order
    assert vouchers == ["0008", "PZ0001", "PZ0002", "PZ0003", "PZ0004", "PZ0005", "PZ0006",
                        "PZ0007"]
    reversal = rows_by_first_cell(book["支出明细"], 1)["PZ0003"]
    assert reversal[5:9] == ("冲销", "某某建筑公司", "PZ0002", "凭证录入错误,红字冲回")
    assert [r[0] for r in values(book["资金来源"])[1:]] == ["00123", "XJ2023", "ZY2024-01"]
    assert len(values(book["资金到位"])) == 1 + 4  # the August arrival included
    assert values(book["资金安排"])[1][:3] == ("0042", "00123", 10000)
    project = rows_by_first_cell(book["项目"], 1)["XM002"]
    assert project[11] == "是" and rows_by_first_cell(book["项目"], 1)["XM001"][11] == "否"
    assert [r[1] for r in values(book["项目节点"])[1:] if r[0] == "XM001"] == [
        "立项入库", "招标完成", "开工", "完工"]
    assert rows_by_first_cell(book["资金来源"], 1)["00123"][2:4] == ("省级", "统筹整合涉农资金")


def test_codes_and_formula_like_text_are_string_cells(book):
    ws = book["项目"]
    odd = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "0042")
    assert odd[0].data_type == "s" and odd[0].value == "0042"
    assert (odd[1].data_type, odd[1].value) == ("s", "=1+1")
    assert (odd[7].data_type, odd[7].value) == ("s", "@李四")
    assert (odd[8].data_type, odd[8].value) == ("s", "-")
    assert (odd[9].data_type, odd[9].value) == ("s", "+5% 工程量")
    phone = cell_of(ws, 1, "XM001", "联系电话")
    assert (phone.data_type, phone.value) == ("s", "03961234567")
    for ws in book:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row), ws.title


def test_money_rates_and_dates_are_typed_cells(book):
    amount = cell_of(book["支出明细"], 1, "PZ0006", "支付金额")
    assert amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert amount.value == 99999.99
    arrival = book["资金到位"]["C2"]  # 00123's 150000.55 (sources in code order)
    assert (arrival.value, arrival.number_format) == (150000.55, "#,##0.00")
    day = cell_of(book["支出明细"], 1, "PZ0006", "支付日期")
    assert day.is_date and day.value == dt.datetime(2024, 6, 30)
    assert day.number_format == "yyyy-mm-dd"
    rate = cell_of(book["项目台账"], 2, "XM002", "支出率")
    assert rate.data_type == "n" and rate.number_format == "0.00%"
    # (70000 + 99999.99) / (200000 - 100000 + 80000)
    assert rate.value == 0.9444
    year = cell_of(book["资金来源"], 1, "XJ2023", "年度")
    assert (year.data_type, year.value) == ("n", 2023)


def test_computed_sheets_state_region_and_date_and_end_with_the_total(book):
    for name in COMPUTED:
        ws = book[name]
        assert ws["A1"].value == f"测试县 {name}(截至2024年06月30日)"
        last = values(ws)[-1]
        if name == "逾期清单":
            assert "合计" not in [r[0] for r in values(ws)]
        else:
            assert last[0] == "合计"
            assert ws.cell(ws.max_row, 1).font.b
    total = rows_by_first_cell(book["项目台账"], 2)["合计"]
    # allocated as of 06-30: 200000 − 100000 + 500000 + 80000 + 5000 + 40000 (not 0042's);
    # spent: July's PZ0007 left out, the reversal taken off
    assert total[5:9] == (740000, 725000, 304999.99, 0.4207)


def test_an_undefined_rate_is_an_empty_cell(book):
    # 0042's only allocation is dated after the as-of date: nothing allocated, no rate
    rate = cell_of(book["项目台账"], 2, "0042", "支出率")
    assert rate.value is None
    assert cell_of(book["项目台账"], 2, "0042", "安排资金").value == 0


def test_overdue_list_is_longest_first(book):
    rows = values(book["逾期清单"])[2:]
    assert [(r[0], r[4], r[6]) for r in rows] == [("XM2023", "立项入库", 487),
                                                   ("XM001", "完工", 29)]
    assert book["逾期清单"]["F3"].is_date


def test_header_is_frozen_and_filtered(book):
    assert book["支出明细"].freeze_panes == "A2"
    assert book["支出明细"].auto_filter.ref == "A1:K9"
    assert book["项目台账"].freeze_panes == "A3"
    assert book["项目台账"].auto_filter.ref.startswith("A2:L")
    # 项目名称 as wide as the longest name, 东村通村道路硬化工程XM001 (27 columns)
    assert book["项目"].column_dimensions["B"].width > 27
    header = book["项目"]["A1"]
    assert header.font.b and header.fill.fgColor.rgb.endswith("D9E1F2")


def test_year_keeps_that_years_rows_and_those_joining_only_kept_ones(ctx, tmp_path):
    build_county()
    path = tmp_path / "2023.xlsx"
    export_workbook(path, as_of=AS_OF, year=2023)
    book = open_book(path)
    assert [r[0] for r in values(book["资金来源"])[1:]] == ["XJ2023"]
    assert [r[0] for r in values(book["项目"])[1:]] == ["XM2023"]
    # road (2024) drew 5000 from XJ2023: neither its allocation nor anything 2024 is kept
    assert [r[:3] for r in values(book["资金安排"])[1:]] == [("XM2023", "XJ2023", 40000)]
    assert [r[0] for r in values(book["支出明细"])[1:]] == ["0008"]
    assert [r[0] for r in values(book["项目节点"])[1:]] == ["XM2023"]
    assert [r[0] for r in values(book["资金到位"])[1:]] == ["XJ2023"]
    assert book["项目台账"]["A1"].value == "测试县 项目台账(2023年度,截至2024年06月30日)"
    assert [r[0] for r in values(book["项目台账"])[2:]] == ["XM2023", "合计"]
    assert [r[0] for r in values(book["资金台账"])[2:]] == ["XJ2023", "合计"]


def test_a_failed_export_leaves_the_old_file_and_no_partial_one(ctx, tmp_path, monkeypatch):
    build_county()
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "台账.xlsx"
    path.write_bytes(b"the previous export")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_module, "LEDGERS", (broken,))
    with pytest.raises(RuntimeError):
        export_workbook(path, as_of=AS_OF)
    assert path.read_bytes() == b"the previous export"
    assert os.listdir(tmp_path / "out") == ["台账.xlsx"]


def test_export_into_a_file_object(ctx):
    """The web sends the workbook from memory."""
    build_county()
    buffer = io.BytesIO()
    export_workbook(buffer, as_of=AS_OF)
    buffer.seek(0)
    assert open_book(buffer)["项目台账"]["A1"].value == "测试县 项目台账(截至2024年06月30日)"


def test_cli_export(runner, app, tmp_path):
    with app.app_context():
        from fundtrack.database import acting_as

        with acting_as("测试员"):
            build_county()
    out = tmp_path / "out.xlsx"
    result = runner.invoke(args=["export", str(out), "--as-of", "2024-06-30", "--year", "2024"])
    assert result.exit_code == 0, result.output
    assert "已导出截至 2024-06-30 的台账" in result.output
    book = open_book(out)
    assert book["汇总"]["A1"].value == "测试县 汇总(2024年度,截至2024年06月30日)"
    assert runner.invoke(args=["export", str(out), "--as-of", "30/06/2024"]).exit_code == 2


# --- progress on long work --------------------------------------------------------------


def test_progress_tells_rows_and_sheets_written(ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 2)
    build_county()
    told = []
    export_workbook(tmp_path / "a.xlsx", as_of=AS_OF,
                    progress=lambda done, total, sheets: told.append((done, total, sheets)))
    book = open_book(tmp_path / "a.xlsx")
    data = ["资金来源", "资金到位", "项目", "资金安排", "支出明细", "资金收回", "合同", "项目节点",
            "要件"]
    rows = sum(book[name].max_row - 1 for name in data)  # header in row 1
    # the streamed computed sheets too: title and header above, 合计 below (逾期清单 has none)
    rows += sum(book[name].max_row - 3 for name in ("项目台账", "项目资金台账", "绩效自评"))
    rows += book["逾期清单"].max_row - 2
    sheets = len(book.sheetnames)
    assert told[0] == (0, rows, (0, sheets))  # told before anything is written
    assert told[-1] == (rows, rows, (sheets, sheets))
    dones = [d for d, _, _ in told]
    assert dones == sorted(dones) and len(set(dones)) > 3  # every 2 rows, climbing
    assert all(total == rows for _, total, _ in told)
    written = [s for _, _, (s, _) in told]
    assert written == sorted(written) and set(written) == set(range(sheets + 1))


def test_cli_export_shows_a_progress_line_on_a_terminal_only(runner, app, tmp_path,
                                                             monkeypatch):
    import re

    from fundtrack import cli

    with app.app_context():
        from fundtrack.database import acting_as

        with acting_as("测试员"):
            build_county()
    out = tmp_path / "out.xlsx"
    quiet = runner.invoke(args=["export", str(out), "--as-of", "2024-06-30"])
    assert quiet.exit_code == 0 and "正在导出" not in quiet.stderr  # not a terminal
    monkeypatch.setattr(cli, "_on_terminal", lambda: True)
    monkeypatch.setattr(cli._Progress, "AFTER", 0)  # the county is done within a second
    result = runner.invoke(args=["export", str(out), "--as-of", "2024-06-30"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.split("\r")
    assert re.match(r"正在导出:0 / (\d+) 行\(0%\),工作表 0 / 19", lines[1]), lines[1]
    assert re.search(r"正在导出:(\d+) / \1 行\(100%\),工作表 19 / 19,预计还需 0 秒",
                     lines[-1]), lines[-1]
    assert result.stderr.endswith("\n")
    assert "已导出截至 2024-06-30 的台账" in result.stdout


def test_the_progress_line_waits_a_second_and_ends_its_line(monkeypatch, capsys):
    from fundtrack import cli

    clock = iter([100.0, 100.5, 101.2, 102.0])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    line = cli._Progress("导出")  # started at 100.0
    line(0, 10, sheets=(0, 3))  # 0.5 s: nothing yet
    assert capsys.readouterr().err == ""
    line(5, 10, sheets=(1, 3))  # 1.2 s in, 0.7 s since counting began
    assert capsys.readouterr().err == "\r正在导出:5 / 10 行(50%),工作表 1 / 3,预计还需 1 秒\033[K"
    line.end()
    assert capsys.readouterr().err == "\n"
