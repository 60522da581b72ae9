"""Hostile workbooks written at the XML level: cells at far coordinates (a memory bomb
for a reader that pads to them) and sheets of many rows, small on disk."""

from __future__ import annotations

import zipfile

import openpyxl

from fundtrack import sheets

NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


def _header_row(sheet: sheets.Sheet, extra: str = "") -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{c.header}</t></is></c>' for c in sheet.columns)
    return f'<row r="1">{cells}{extra}</row>'


def with_rows(path, rows_xml, sheet: sheets.Sheet = sheets.DISBURSEMENTS, extra: str = ""):
    """A workbook whose one sheet ``sheet`` holds its header row (and then the cells of
    ``extra``) and then the rows of ``rows_xml`` (an iterable of ``<row>`` XML strings,
    written as they come)."""
    plain = path.with_suffix(".plain.xlsx")
    wb = openpyxl.Workbook()
    wb.active.title = sheet.name
    wb.save(plain)
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(
            path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(item, zin.read(item.filename))
                continue
            with zout.open(item.filename, "w") as out:
                out.write(f'<?xml version="1.0"?><worksheet {NS}><sheetData>'.encode())
                out.write(_header_row(sheet, extra).encode())
                for row in rows_xml:
                    out.write(row.encode())
                out.write(b"</sheetData></worksheet>")
    plain.unlink()
    return path


def far_cell(path, column: str = "ZZZ", row: int = 20_000):
    """One value in one far cell: a few KB on disk."""
    return with_rows(path, [f'<row r="{row}"><c r="{column}{row}"><v>1</v></c></row>'])


def far_column(path, rows: int, column: str = "ZZZ"):
    """A header named at ``column`` (备注2, no column of the ledger) and a value below it
    in each of ``rows`` rows."""
    return with_rows(
        path, (f'<row r="{i}"><c r="{column}{i}"><v>1</v></c></row>' for i in range(2, rows + 2)),
        extra=f'<c r="{column}1" t="inlineStr"><is><t>备注2</t></is></c>')


def many_rows(path, n: int):
    """``n`` payment rows below the header, each a sound-looking row of nine cells."""
    def rows():
        for i in range(2, n + 2):
            yield (f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>PZ{i}</t></is></c>'
                   f'<c r="B{i}" t="inlineStr"><is><t>XM001</t></is></c>'
                   f'<c r="C{i}" t="inlineStr"><is><t>ZY01</t></is></c>'
                   f'<c r="D{i}" t="inlineStr"><is><t>2024-03-05</t></is></c>'
                   f'<c r="E{i}"><v>1</v></c>'
                   f'<c r="F{i}" t="inlineStr"><is><t>进度款</t></is></c></row>')
    return with_rows(path, rows())


def huge_note(path, chars: int):
    """A 资金到位 row whose 备注 holds ``chars`` characters: a zip of a few hundred KB per
    hundred million characters."""
    def rows():
        yield ('<row r="2"><c r="A2" t="inlineStr"><is><t>ZY01</t></is></c>'
               '<c r="B2" t="inlineStr"><is><t>2024-03-05</t></is></c><c r="C2"><v>1</v></c>'
               '<c r="D2" t="inlineStr"><is><t>')
        block = "注" * (1 << 20)
        for _ in range(chars >> 20):
            yield block
        yield "注" * (chars & ((1 << 20) - 1))
        yield "</t></is></c></row>"
    return with_rows(path, rows(), sheets.ARRIVALS)
