"""Handlers driven entirely by a record's `data` table, so most rules need no code.

- `rename_keywords`: data.args = { old = "new" }            (safe)
- `drop_keywords`:   data.drop = { old = "why" }            (safe, or data.fix = "unsafe")
- `report`:          data.message, optional data.if_keywords = [...] / data.help   (manual)
- `rename_call`:     data.to = "new_name" (callee's last part), plus optional data.args
"""

from __future__ import annotations

import libcst as cst

from kerasfix.migrate.program import args as A
from kerasfix.migrate.program.site import Edit, Site


def rename_keywords(site: Site, rule) -> Edit | None:
    call = site.node
    if not isinstance(call, cst.Call):
        return None
    mapping = rule.data.get("args", {})
    for old, new_name in mapping.items():  # `fit(nb_epoch=3, epochs=5)`: a rename repeats one
        if A.has_keyword(call, old) and A.has_keyword(call, new_name):
            return Edit(f"`{_callee(site)}(...)` passes both `{old}` and `{new_name}`; Keras 3 "
                        f"knows only `{new_name}`: keep one of them")
    new, notes = A.rename_keywords(call, mapping)
    if not notes:
        return None
    return Edit(f"`{_callee(site)}(...)`: {'; '.join(notes)} in Keras 3", new,
                fix=rule.data.get("fix", "safe"), help=rule.data.get("help"))


def drop_keywords(site: Site, rule) -> Edit | None:
    call = site.node
    if not isinstance(call, cst.Call):
        return None
    drop = rule.data.get("drop", {})
    new, dropped = A.drop_keywords(call, drop)
    if not dropped:
        return None
    why = "; ".join(f"`{name}`: {drop[name]}" for name in dropped)
    return Edit(f"`{_callee(site)}(...)`: Keras 3 rejects {why}", new,
                fix=rule.data.get("fix", "safe"), help=rule.data.get("help"))


def report(site: Site, rule) -> Edit | None:
    """A manual finding; with data.if_keywords only when the call passes one of them."""
    wanted = rule.data.get("if_keywords")
    if wanted:
        present = [k for k in wanted if isinstance(site.node, cst.Call)
                   and A.keyword(site.node, k) is not None]
        if not present:
            return None
        arg = A.index_of(site.original, A.keyword(site.original, present[0])) \
            if A.keyword(site.original, present[0]) is not None else -1
        return Edit(rule.data["message"].format(keyword=present[0]), help=rule.data.get("help"),
                    arg=arg, severity=rule.data.get("severity", "error"))
    return Edit(rule.data["message"], help=rule.data.get("help"),
                severity=rule.data.get("severity", "error"))


def rename_call(site: Site, rule) -> Edit | None:
    call = site.node
    if not isinstance(call, cst.Call):
        return None
    new = A.set_func(call, rule.data["to"])
    new, notes = A.rename_keywords(new, rule.data.get("args", {}))
    what = "; ".join([f"`{_callee(site)}` -> `{rule.data['to']}`"] + notes)
    return Edit(f"{what} in Keras 3", new, fix=rule.data.get("fix", "safe"),
                help=rule.data.get("help"))


def _callee(site: Site) -> str:
    if site.dotted:
        return site.dotted
    func = getattr(site.original, "func", None)
    if isinstance(func, cst.Attribute):
        return "." + func.attr.value
    return site.code(func) if func is not None else "call"
