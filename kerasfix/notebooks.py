"""Jupyter notebooks (ux-spec 6.9): check and fix the code cells of an .ipynb file.

The code cells are joined, in document order, into one Python source so that imports and
aliases carry across cells, and the existing engine runs on that. IPython syntax (magics,
shell escapes, help) is masked with placeholder lines first; a line-for-line mask keeps every
other line where it was. Findings are then mapped back to (cell, line, column), and in fix
mode the new text is split back into cells and only the changed `source` strings are
rewritten in the file (see nbjson.py).
"""

from __future__ import annotations

import ast
import bisect
import json
import re
from dataclasses import dataclass, field, replace

from kerasfix import nbjson
from kerasfix.diagnostics import Finding, Span
from kerasfix.engine import Settings, SourceResult, run_source

# Cell magics whose body is Python: the first line is masked, the rest is analysed.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
# Notebooks are UTF-8 JSON: a coding cookie in cell 1 must not be read as the file's.
_HEADER = "# -*- coding: utf-8 -*-\n"
_BOUNDARY = "# kerasfix-cell-boundary {}"
_BOUNDARY_RE = re.compile(r"^# kerasfix-cell-boundary (\d+)\n", re.MULTILINE)
_HELP = re.compile(r"^(?:\?.*|[\w.*]+\?\??)$")  # ?obj, obj?, obj.attr??, np.*load*?
_ASSIGN_MAGIC = re.compile(r"^[\w., ()]+=\s*[!%]")  # files = !ls, t = %timeit -o f()
_BOM = "\ufeff"


@dataclass
class Cell:
    pos: int  # 0-based position among all cells; reported as pos + 1, like ruff
    source: str | list  # the value as stored in the notebook
    count: int | None  # execution_count, shown as [In k]
    code: str = ""  # the masked Python analysed; "" for a skipped or broken cell
    masks: dict[str, str] = field(default_factory=dict)  # placeholder line -> original line
    error: Finding | None = None

    @property
    def text(self) -> str:
        return "".join(self.source) if isinstance(self.source, list) else self.source


def run_notebook(data: bytes, settings: Settings) -> SourceResult:
    """Findings located by cell (and, in fix mode, the rewritten notebook bytes)."""
    try:
        text = data.decode("utf-8")
        nb = json.loads(text.removeprefix(_BOM))
    except UnicodeDecodeError as exc:
        return _invalid(1, f"cannot decode notebook as UTF-8: byte {data[exc.start]:#04x}")
    except ValueError as exc:
        return _invalid(getattr(exc, "lineno", 1), f"invalid notebook JSON: {exc}")
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return _invalid(1, "not an nbformat 4 notebook (no `cells` list)")
    if not _is_python(nb):
        return SourceResult([])
    cells = _code_cells(nb["cells"])
    # Every cell parses on its own (or was blanked out), so the joined source parses too.
    source, starts = _combine(cells)
    result = run_source(source.encode(), settings)
    findings = [_in(c.error, c) for c in cells if c.error]
    # What remains is located in the fixed text, where fixes and TODO comments may have
    # moved the cells' lines: map it with the cell starts of that text.
    final = (_starts_in(result.new, len(cells)) if result.new else None) or starts
    findings += [_map(f, cells, starts if f.kind == "fixed" else final)
                 for f in result.findings]
    new = _fixed_text(text, nb, cells, result.new) if result.new else text
    if new is None:
        return SourceResult([_unfixed(f) for f in findings], error="not written: the fixed "
                            "cells could not be written back byte-safely")
    errors = [f"cell {c.pos + 1}: {c.error.message}" for c in cells if c.error]
    findings = _with_physical_lines(findings, new, cells)
    findings.sort(key=lambda f: (f.cell, f.span.line, f.span.column, f.code))
    return SourceResult(findings, new=new.encode() if new != text else None,
                        error="; ".join(errors) or result.error)


def _invalid(line: int, message: str) -> SourceResult:
    finding = Finding(Span(line, 1, line, 1), "KF000", message, "error", None, None)
    return SourceResult([finding], analysed=False, error=message)


def _unfixed(f: Finding) -> Finding:
    return replace(f, fix=replace(f.fix, applied=False)) if f.fix else f


def _is_python(nb: dict) -> bool:
    """Skip R, Julia, ... notebooks: their code cells are not Python."""
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    for key in ("kernelspec", "language_info"):
        info = meta.get(key)
        lang = info.get("language" if key == "kernelspec" else "name") if isinstance(
            info, dict) else None
        if isinstance(lang, str) and lang:
            return lang.lower().startswith("python")
    return True


def _code_cells(raw: list) -> list[Cell]:
    cells = []
    for pos, item in enumerate(raw):
        if not isinstance(item, dict) or item.get("cell_type") != "code":
            continue
        source = item.get("source", "")
        if not (isinstance(source, str) or all(isinstance(s, str) for s in source)):
            continue
        count = item.get("execution_count")
        cell = Cell(pos, source, count if isinstance(count, int) else None)
        _prepare(cell, sum(len(c.masks) for c in cells))
        cells.append(cell)
    return cells


def _prepare(cell: Cell, first_mask: int) -> None:
    """Mask the cell's IPython syntax; blank it out if it is not Python or does not parse."""
    lines = cell.text.split("\n")
    head: list[str] = []
    if lines[0].startswith("%%"):
        name = lines[0][2:].split(maxsplit=1)[0] if lines[0][2:].strip() else ""
        if name not in PYTHON_CELL_MAGICS:
            return  # %%bash, %%html, %%writefile ...: not Python, nothing to check
        head = [_placeholder("", lines[0], cell.masks, first_mask)]
        lines = lines[1:]
    code = "\n".join(head + _mask_lines(lines, cell.masks, first_mask))
    try:
        ast.parse(code)
    except (SyntaxError, ValueError) as exc:
        if _python2(code):  # the engine's pre-pass converts it with the rest of the notebook
            cell.code = code
            return
        line = getattr(exc, "lineno", None) or 1
        column = getattr(exc, "offset", None) or 1
        message = f"cannot parse cell: {getattr(exc, 'msg', exc)}"
        cell.error = Finding(Span(line, column, line, column), "KF000", message, "error",
                             None, None)
        return
    cell.code = code


def _python2(code: str) -> bool:
    """Python 2 that the pre-pass converts into code that parses (line for line)."""
    from kerasfix.python2.hook import convert_text

    conversion = convert_text(code)
    if conversion.problems or not conversion.forms:
        return False
    try:
        ast.parse(conversion.text)
    except (SyntaxError, ValueError):
        return False
    return True


def _mask_lines(lines: list[str], masks: dict[str, str], first: int) -> list[str]:
    """Replace IPython lines that start a statement with a `pass` placeholder."""
    quote, depth, out = "", 0, []
    for line in lines:
        body = line.strip()
        starts = not quote and depth == 0 and not (out and out[-1].rstrip().endswith("\\"))
        if starts and body and (body[0] in "%!" or _HELP.match(body) or _ASSIGN_MAGIC.match(body)):
            out.append(_placeholder(line[:len(line) - len(line.lstrip())], line, masks, first))
            continue
        quote, depth = _scan(line, quote, depth)
        out.append(line)
    return out


def _placeholder(indent: str, line: str, masks: dict[str, str], first: int) -> str:
    """A Python line standing in for `line`, unique in the notebook so it can be put back."""
    placeholder = f"{indent}pass  # kerasfix-mask {first + len(masks)}"
    masks[placeholder] = line
    return placeholder


def _scan(line: str, quote: str, depth: int) -> tuple[str, int]:
    """The open string quote and bracket depth after `line`: are we mid-statement?"""
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\":
                i += 1
            elif line.startswith(quote, i):
                i, quote = i + len(quote) - 1, ""
        elif c == "#":
            break
        elif c in "\"'":
            quote = line[i:i + 3] if line[i:i + 3] in ('"""', "'''") else c
            i += len(quote) - 1
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(0, depth - 1)
        i += 1
    if len(quote) == 1 and not line.rstrip("\r").endswith("\\"):
        quote = ""  # an unterminated one-line string ends with its line
    return quote, depth


def _combine(cells: list[Cell]) -> tuple[str, list[int]]:
    """One source: a boundary comment, then the cell's code; and where each cell starts."""
    parts, starts, line = [_HEADER], [], 2
    for n, cell in enumerate(cells):
        code = cell.code if not cell.code or cell.code.endswith("\n") else cell.code + "\n"
        parts.append(_BOUNDARY.format(n) + "\n" + code)
        starts.append(line + 1)
        line += 1 + code.count("\n")
    return "".join(parts), starts


def _starts_in(new: bytes, count: int) -> list[int] | None:
    """Where each cell's code starts in a fixed joined source (None if it cannot be told)."""
    text = new.decode("utf-8", "replace")
    found = list(_BOUNDARY_RE.finditer(text))
    if [int(m.group(1)) for m in found] != list(range(count)):
        return None
    return [text.count("\n", 0, m.end()) + 1 for m in found]


def _cell_at(starts: list[int], line: int) -> int | None:
    n = bisect.bisect_right(starts, line) - 1
    return n if n >= 0 else None


def _in(f: Finding, cell: Cell) -> Finding:
    suffix = f" [In {cell.count}]" if cell.count is not None else ""
    return replace(f, message=f.message + suffix, cell=cell.pos + 1)


def _map(f: Finding, cells: list[Cell], starts: list[int]) -> Finding:
    """A finding in the joined source -> the same finding located in its cell."""
    n = _cell_at(starts, f.span.line)
    if n is None:  # a line before the first cell's code cannot hold a finding; be safe
        n = 0
    line = max(1, f.span.line - starts[n] + 1)
    end_line = max(line, f.span.end_line - starts[n] + 1)
    return _in(replace(f, span=Span(line, f.span.column, end_line, f.span.end_column)), cells[n])


def _fixed_text(text: str, nb: dict, cells: list[Cell], new: bytes) -> str | None:
    """The notebook text with the fixed cells written back, or None if that is not safe."""
    pieces = _split(new.decode("utf-8").removeprefix(_HEADER), len(cells))
    if pieces is None:
        return None
    changes = {}
    for cell, piece in zip(cells, pieces):
        if not cell.code:
            continue
        restored = _restore(piece, cell)
        if restored is None:
            return None
        if restored != cell.text:
            changes[cell.pos] = (cell.source, _as_source(restored, cell.source))
    if not changes:  # the fixes touched only masked lines: nothing to write
        return text
    body = text.removeprefix(_BOM)
    out = nbjson.rewrite(body, nbjson.locate(body), changes)
    for pos, (_, value) in changes.items():
        nb["cells"][pos]["source"] = value
    if json.loads(out) != nb:  # anything but the intended sources changed: do not write
        return None
    return text[:len(text) - len(body)] + out


def _split(new: str, count: int) -> list[str] | None:
    """The fixed joined source cut back into cells at the boundary comments."""
    found = list(_BOUNDARY_RE.finditer(new))
    if [int(m.group(1)) for m in found] != list(range(count)):
        return None
    pieces = [new[m.end():(found[i + 1].start() if i + 1 < count else len(new))]
              for i, m in enumerate(found)]
    if found and found[0].start():  # text a fix put above the first boundary: cell 1's
        pieces[0] = new[:found[0].start()] + pieces[0]
    return pieces


def _restore(piece: str, cell: Cell) -> str | None:
    """Put the masked IPython lines back, and the cell's own trailing-newline state."""
    lines = piece.split("\n")
    if not cell.code.endswith("\n") and lines and lines[-1] == "":
        lines.pop()
    restored = [cell.masks.get(line, line) for line in lines]
    if sum(line in cell.masks for line in lines) != len(cell.masks):
        return None  # a placeholder was lost or duplicated: the magics cannot be put back
    return "\n".join(restored)


def _as_source(text: str, like: str | list) -> str | list:
    """nbformat stores a source as a list of lines each ending with "\\n" but the last."""
    if isinstance(like, str):
        return text
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _with_physical_lines(findings: list[Finding], text: str, cells: list[Cell]) -> list[Finding]:
    body = text.removeprefix(_BOM)
    spans, lines = nbjson.locate(body), nbjson.Lines(body)
    by_index = {c.pos + 1: c for c in cells}
    return [replace(f, physical_line=nbjson.physical_line(spans, lines, by_index[f.cell].pos,
                                                          f.span.line))
            if f.cell in by_index else f for f in findings]


def cell_lines(path: str, data: bytes | None = None) -> dict[int, list[str]]:
    """Cell number -> the cell's source lines, for showing a finding's line (text output).
    `data`: the notebook's bytes when they are not on disk (--stdin-filename)."""
    try:
        if data is None:
            with open(path, "rb") as fh:
                data = fh.read()
        nb = json.loads(data.decode("utf-8").removeprefix(_BOM))
        return {pos + 1: ("".join(c["source"]) if isinstance(c["source"], list)
                          else c["source"]).split("\n")
                for pos, c in enumerate(nb["cells"]) if isinstance(c, dict) and "source" in c}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
