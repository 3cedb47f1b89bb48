"""`kerasfix rules` and `kerasfix rule CODE`: the rules explained from their own records."""

from __future__ import annotations

import json

from kerasfix.registry import all_rules


def rules_table(output_format: str = "text") -> str:
    rules = all_rules()
    if output_format == "json":
        rows = [{"code": r.id, "name": r.name, "fix": r.fix, "summary": r.summary,
                 "symbols": list(r.symbols)} for r in rules]
        return json.dumps(rows, indent=2) + "\n"
    width = max(len(r.name) for r in rules)
    lines = [f"{'code':6} {'name':{width}} {'fix':7} summary"]
    lines += [f"{r.id:6} {r.name:{width}} {r.fix:7} {r.summary}" for r in rules]
    return "\n".join(lines) + "\n"


def explain(rule) -> str:
    out = [f"# {rule.id} {rule.name}", "", rule.summary, "", f"Fix: {rule.fix}"]
    if rule.symbols:
        out.append("Symbols: " + ", ".join(f"`keras.layers.{s}`" for s in rule.symbols))
    if getattr(rule, "calls", ()):
        out.append("Calls: " + ", ".join(f"`{c}`" for c in rule.calls))
    if getattr(rule, "methods", ()):
        out.append("Methods: " + ", ".join(f"`.{m}()`" for m in rule.methods))
    if tuple(getattr(rule, "targets", ("keras2", "keras3"))) == ("keras3",):
        out.append("Target: keras3 only (off with `--target keras2`: tf_keras still takes it)")
    if getattr(rule, "family", ""):
        out.append(f"migration-table.md: {rule.family}")
    if getattr(rule, "see", ""):
        out.append(f"See: {rule.see}")
    for note in getattr(rule, "unsafe_when", []):
        out.append(f"Unsafe fix when it drops {note}")
    if getattr(rule, "rename_to", ""):
        out.append(f"Keras 3 class: `keras.layers.{rule.rename_to}`")
    examples = [e for e in rule.examples if e.before and not e.flag]
    if examples:
        out += ["", "## Examples", ""]
        for e in examples:
            flag = f"  (with --from {e.source})" if e.source != "auto" else ""
            flag += "  (unsafe fix)" if e.unsafe else ""
            out += [_indent(e.before) + flag, "  ->", _indent(e.after), ""]
    flagged = [e for e in rule.examples if e.flag]
    if flagged:
        out += ["## Reported, left for a human", ""] + [_indent(e.flag) for e in flagged] + [""]
    if rule.oks:
        out += ["## Left alone", ""] + [_indent(e.before) for e in rule.oks] + [""]
    return "\n".join(out).rstrip() + "\n"


def _indent(code: str) -> str:
    return "\n".join("    " + line for line in code.splitlines())
