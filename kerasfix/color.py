"""`--color`: style the text and concise output (never the machine formats).

Works on the rendered plain text, so output.py's plain path stays as it is: every line that is
a finding's heading (`path:line:col: CODE [*] message`, output.concise_line) is replaced by its
styled form — path bold, code bold red (errors) or yellow (warnings), `[*]` cyan — and the
summary line is bold.
"""

from __future__ import annotations

import click

from kerasfix.diagnostics import Finding
from kerasfix.output import concise_line


def styled_line(f: Finding) -> str:
    plain = concise_line(f)
    head = f"{f.path}:{f.span.line}:{f.span.column}:"
    if not plain.startswith(head):  # a heading shaped otherwise (e.g. notebook cells)
        head = plain.split(": ", 1)[0] + ":"
    rest = plain[len(head):]
    code = f" {f.code}"
    if not rest.startswith(code):
        return click.style(head, bold=True) + rest
    rest = rest[len(code):]
    colour = "red" if f.severity == "error" else "yellow"
    out = click.style(head, bold=True) + " " + click.style(f.code, fg=colour, bold=True)
    if rest.startswith(" [*]"):
        out += " " + click.style("[*]", fg="cyan")
        rest = rest[len(" [*]"):]
    return out + rest


def colorize(text: str, findings: list[Finding]) -> str:
    headings = {concise_line(f): f for f in findings}
    out = []
    for line in text.split("\n"):
        f = headings.get(line)
        if f is not None:
            line = styled_line(f)
        elif line.startswith(("Found ", "All checks passed")):
            line = click.style(line, bold=True)
        out.append(line)
    return "\n".join(out)
