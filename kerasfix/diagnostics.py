"""Findings: what kerasfix reports, where, and the fix it offers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    line: int
    column: int  # 1-based, like ruff and editors
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Fix:
    applicability: str  # "safe" or "unsafe"
    replacement: str  # the new source text of the span
    applied: bool = False


@dataclass(frozen=True)
class Finding:
    span: Span
    code: str
    message: str
    severity: str  # "error" or "warning"
    fix: Fix | None
    help: str | None
    path: str = ""
    cell: int = 0  # notebooks: the 1-based cell (over all cells); span lines are the cell's
    physical_line: int = 0  # notebooks: the line of the .ipynb file holding span.line

    @property
    def kind(self) -> str:
        """fixed / fixable (safe) / unsafe / manual, for the footer and reports."""
        if self.fix is None:
            return "manual"
        if self.fix.applied:
            return "fixed"
        return "fixable" if self.fix.applicability == "safe" else "unsafe"
