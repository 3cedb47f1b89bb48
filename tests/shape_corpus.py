"""The shape-checker fixture corpus, fixtures/shapes: what each file claims, read from its text.
No Keras here: the static test (test_shape_fixtures.py) and the oracle
(test_shape_fixtures_keras.py) both read the claims from this module.

File names:
  broken_<slug>.py        builds a model Keras 3 refuses to build
  ok_<slug>.py            builds all its models
  broken_keras1_<slug>.py / ok_keras1_<slug>.py
                          the same, written for Keras 1 (checked as written; the oracle runs
                          the kerasfix migration first)

Marks, on the line of the failing layer call (trailing comment):
  # expect: KF502                  Keras fails here whatever the default data format is
  # expect: KF501 channels_last    fails here under the default channels_last, and the whole
                                   file builds when image_data_format is channels_first
  # expect: KF503                  on the line with a channels-first-looking input shape
  # expect: KF503, KF501 channels_last   several marks on one line, comma-separated

A file with a KF503 mark also marks the layer where the build then fails. All the failure
marks of one file are either all `channels_last` or none of them.

ok_ files may say under which defaults they build (first lines, default channels_last only):
  # fixture-formats: channels_last channels_first
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

SHAPES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "shapes"

FAILURE_CODES = frozenset({"KF501", "KF502", "KF505", "KF506", "KF507", "KF508"})
WARNING_CODES = frozenset({"KF503"})
FORMATS = ("channels_last", "channels_first")
MARKED_FORMATS = ("channels_last",)  # a mark may only say "fails only under channels_last"

EXPECT = re.compile(r"#\s*expect:\s*(?P<items>.*)$")
ITEM = re.compile(r"^(?P<code>KF\d{3})(?:\s+(?P<fmt>[a-z_]+))?$")
FORMATS_HEADER = re.compile(r"^#\s*fixture-formats:\s*(?P<formats>.*)$")


class BadMark(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Mark:
    line: int
    code: str
    data_format: str | None = None  # "channels_last": fails only under that default

    def __str__(self) -> str:
        fmt = f" {self.data_format}" if self.data_format else ""
        return f"line {self.line}: {self.code}{fmt}"


@dataclass
class ShapeFixture:
    path: Path
    kind: str  # "broken" or "ok"
    keras1: bool
    marks: list[Mark] = field(default_factory=list)
    formats: tuple[str, ...] = ("channels_last",)  # ok_ files: the defaults they build under

    @property
    def id(self) -> str:
        return self.path.stem

    @property
    def failure_marks(self) -> list[Mark]:
        return [m for m in self.marks if m.code in FAILURE_CODES]

    @property
    def warning_marks(self) -> list[Mark]:
        return [m for m in self.marks if m.code in WARNING_CODES]

    @property
    def only_channels_last(self) -> bool:
        """Every failure depends on the default data format (builds under channels_first)."""
        return bool(self.failure_marks) and all(m.data_format == "channels_last"
                                                for m in self.failure_marks)


def comments(text: str) -> list[tuple[int, str]]:
    """(line, text) of every comment token: a '# expect:' inside a string is not a mark."""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return [(tok.start[0], tok.string) for tok in tokens if tok.type == tokenize.COMMENT]


def parse_marks(text: str) -> list[Mark]:
    marks = []
    for line, comment in comments(text):
        found = EXPECT.search(comment)
        if not found:
            if "expect" in comment.lower() and re.search(r"KF\d{3}", comment):
                raise BadMark(f"line {line}: looks like a mark but is not '# expect: ...': "
                              f"{comment!r}")
            continue
        for raw in found.group("items").split(","):
            item = ITEM.match(raw.strip())
            if not item:
                raise BadMark(f"line {line}: cannot read mark item {raw.strip()!r} "
                              f"(want 'KF501' or 'KF501 channels_last')")
            code, fmt = item.group("code"), item.group("fmt")
            if code not in FAILURE_CODES | WARNING_CODES:
                raise BadMark(f"line {line}: unknown shape code {code}")
            if fmt is not None and fmt not in MARKED_FORMATS:
                raise BadMark(f"line {line}: {fmt!r}: only 'channels_last' may follow a code")
            if fmt is not None and code in WARNING_CODES:
                raise BadMark(f"line {line}: {code} takes no data format")
            marks.append(Mark(line, code, fmt))
    return sorted(marks)


def parse_formats(text: str) -> tuple[str, ...]:
    for line in text.splitlines()[:10]:
        found = FORMATS_HEADER.match(line.strip())
        if found:
            formats = tuple(found.group("formats").split())
            unknown = set(formats) - set(FORMATS)
            if unknown or not formats:
                raise BadMark(f"fixture-formats: unknown data format(s) {sorted(unknown)}")
            return formats
    return ("channels_last",)


def load(path: Path) -> ShapeFixture:
    kind = path.stem.split("_", 1)[0]
    if kind not in ("broken", "ok"):
        raise BadMark(f"{path.name}: shape fixtures are named broken_<slug>.py or ok_<slug>.py")
    text = path.read_text(encoding="utf-8")
    return ShapeFixture(path=path, kind=kind, keras1=path.stem.startswith(f"{kind}_keras1_"),
                        marks=parse_marks(text), formats=parse_formats(text))


def shape_fixtures() -> list[ShapeFixture]:
    return [load(p) for p in sorted(SHAPES_DIR.glob("*.py"))]


def broken_fixtures() -> list[ShapeFixture]:
    return [f for f in shape_fixtures() if f.kind == "broken"]


def ok_fixtures() -> list[ShapeFixture]:
    return [f for f in shape_fixtures() if f.kind == "ok"]
