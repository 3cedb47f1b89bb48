"""docs/rules.md is generated from the rules; it must be fresh, and list every rule."""

from __future__ import annotations

import runpy
from pathlib import Path

from kerasfix.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent


def test_rules_doc_is_fresh():
    render = runpy.run_path(str(ROOT / "scripts" / "gen_docs.py"))["render"]
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == render(), (
        "docs/rules.md is stale: run `python scripts/gen_docs.py`")


def test_every_rule_is_documented_with_an_example():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in all_rules():
        assert f"## {rule.id} {rule.name}" in text
        if rule.id != "KF000":
            assert rule.examples or rule.oks, f"{rule.id} has no example"
