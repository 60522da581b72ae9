"""What an import says back: the problems found (each naming sheet, Excel row and column),
the warnings, and how many rows each sheet added."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..sheets import DATA_SHEETS, OPTIONAL_SHEETS, part_of


@dataclass(frozen=True)
class Problem:
    #: The sheet's name; None for a problem of the whole file.
    sheet: str | None
    #: The row number as Excel shows it (the header is row 1).
    row: int | None
    #: The column's Chinese header.
    column: str | None
    message: str

    def __str__(self) -> str:
        where = " ".join(
            part for part in (self.sheet, f"第{self.row}行" if self.row else None, self.column)
            if part
        )
        return f"{where}:{self.message}" if where else self.message


def sheet_order(sheet: str | None, row: int | None) -> tuple:
    """Problems and warnings in the order of the workbook: by data sheet, part, row."""
    base, part = part_of(sheet or "")
    return (_SHEET_INDEX.get(base, -1), part, row or 0)


_SHEET_INDEX = {s.name: i for i, s in enumerate(DATA_SHEETS)}
#: The figures (amounts, dates, codes' digits) that make two warnings of one kind differ.
_FIGURES = re.compile(r"\d[\d,.:/-]*")


class Note(str):
    """A warning: its line (``支出明细 第12行:...``), with the sheet and row it names, so
    that a report can sort and count its warnings."""

    def __new__(cls, sheet: str, row: int, message: str):
        note = super().__new__(cls, f"{sheet} 第{row}行:{message}")
        note.sheet, note.row, note.message = sheet, row, message
        return note

    @property
    def kind(self) -> str:
        """The message with its figures left out: what warnings of one kind share."""
        return _FIGURES.sub("…", self.message)


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    #: In the workbook's order once the import is done (sheet, part, row).
    warnings: list[Note] = field(default_factory=list)
    #: Rows added (or, in a dry run, that would be added), by sheet name (an optional
    #: sheet only once it added a row).
    counts: dict[str, int] = field(default_factory=lambda: {
        s.name: 0 for s in DATA_SHEETS if s not in OPTIONAL_SHEETS})

    def warning_kinds(self) -> list[tuple[str, int]]:
        """(kind, how many) of the warnings, the most frequent first."""
        return Counter(w.kind for w in self.warnings).most_common()

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self, dry_run: bool = False) -> str:
        figures = ",".join(f"{name} {n} 行" for name, n in self.counts.items())
        if self.problems:
            return f"共 {len(self.problems)} 处问题,未写入任何数据。"
        if dry_run:
            return f"检查通过(未写入):{figures}。"
        return f"已导入:{figures}。"
