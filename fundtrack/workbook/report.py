"""What an import says back: the problems found (each naming sheet, Excel row and column),
the warnings, and how many rows each sheet added."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..sheets import DATA_SHEETS, OPTIONAL_SHEETS


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


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Rows added (or, in a dry run, that would be added), by sheet name (an optional
    #: sheet only once it added a row).
    counts: dict[str, int] = field(default_factory=lambda: {
        s.name: 0 for s in DATA_SHEETS if s not in OPTIONAL_SHEETS})

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
