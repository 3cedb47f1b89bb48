"""Every example in every rule is a test (Fixit's VALID/INVALID, as pytest parameters).

- before/after: the full engine restricted to the rule turns `before` into `after`, the output
  parses, and a second run changes nothing;
- flag: the rule reports it, with `message` in the text;
- ok: the rule neither reports nor changes it.
"""

from __future__ import annotations

import ast

import pytest

from kerasfix.migrate.meta import MetaRule
from kerasfix.registry import all_rules
from tests.harness import fixed_text, run, wrap

RULES = all_rules()


def _cases(kind: str):
    for rule in RULES:
        for n, example in enumerate(rule.oks if kind == "ok" else rule.examples):
            if kind == "flag" and example.flag or kind == "after" and example.before and not example.flag:
                yield pytest.param(rule, example, id=f"{rule.id}-{kind}-{n}")
            elif kind == "ok":
                yield pytest.param(rule, example, id=f"{rule.id}-ok-{n}")


@pytest.mark.parametrize("rule,example", list(_cases("after")))
def test_before_after(rule, example):
    only = "" if isinstance(rule, MetaRule) else rule.id
    options = dict(source=example.source, unsafe=example.unsafe, only=only)
    out = fixed_text(example.before, **options)
    assert out == example.after
    ast.parse(wrap(out))
    assert fixed_text(out, **options) == out, "a second fix must change nothing"
    if not example.unsafe:
        codes = {f.code for f in run(example.before, fix=False, source=example.source).findings}
        assert rule.id in codes


@pytest.mark.parametrize("rule,example", list(_cases("flag")))
def test_flag(rule, example):
    result = run(example.flag, fix=False, source=example.source)
    mine = [f for f in result.findings if f.code == rule.id]
    assert mine, f"{rule.id} did not report {example.flag!r}"
    assert any(example.message in f.message for f in mine)


@pytest.mark.parametrize("rule,example", list(_cases("ok")))
def test_ok(rule, example):
    only = "" if isinstance(rule, MetaRule) else rule.id
    result = run(example.before, fix=True, unsafe=True, source=example.source, only=only)
    assert not [f for f in result.findings if f.code == rule.id]
    assert result.new is None
