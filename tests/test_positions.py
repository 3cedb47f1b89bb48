"""Findings are located from the ast tree; that must agree with libcst's PositionProvider."""

from __future__ import annotations

from pathlib import Path

import pytest

from kerasfix.engine import Settings, run_source
from kerasfix.migrate.positions import Locator

LEGACY = sorted(p for p in (Path(__file__).parent.parent / "fixtures" / "legacy").glob("*.py")
                if not p.name.endswith(".expected.py"))
TRICKY = (
    "# -*- coding: utf-8 -*-\nfrom keras.layers import *\n"
    "s = 'héllo ünïcode'; Dense(3, init='uniform')  # after non-ASCII text\n"
    "t = f\"{Dense(3, init='zero')}\" + f'{g(1)}'\n"
    "u = h(Convolution2D(8, 3, 3, border_mode='same'))(Dense(2, W_regularizer=r))\n"
    "@deco(Dense(1, init='one'))\ndef f(x=Dense(4, bias=False)):\n"
    "    return [Dense(5, output_dim=1) for _ in g()]\n"
    "Dense(6, weights=w, init='uniform')\n"
).encode()


def _spans(data: bytes) -> list[tuple]:
    return [(f.code, f.span) for f in run_source(data, Settings()).findings]


@pytest.mark.parametrize("data", [TRICKY] + [p.read_bytes() for p in LEGACY],
                         ids=["tricky"] + [p.stem for p in LEGACY])
def test_ast_positions_equal_position_provider(data, monkeypatch):
    fast = _spans(data)
    assert fast, "the case must have findings to locate"
    monkeypatch.setattr(Locator, "span", lambda self, node, arg=-1: None)
    assert fast == _spans(data)


def test_the_ast_path_is_taken(monkeypatch):
    """Without this, a locator that always gave up would still pass the test above."""
    from libcst.metadata import MetadataWrapper

    def refuse(self, provider):
        raise AssertionError("fell back to PositionProvider")

    monkeypatch.setattr(MetadataWrapper, "resolve", refuse)
    assert len(_spans(TRICKY)) >= 8
