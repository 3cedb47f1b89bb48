"""The fixture corpus: fixtures/legacy (Keras 1 scripts and their golden fixed versions) and
fixtures/modern (Keras 3 programs kerasfix must leave alone)."""

from __future__ import annotations

import shlex
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LEGACY_DIR = FIXTURES / "legacy"
MODERN_DIR = FIXTURES / "modern"
EXPECTED_SUFFIX = ".expected.py"
FLAGS_MARKER = "# fixture-flags:"  # first line of a script: extra `kerasfix fix` options


def legacy_scripts() -> list[Path]:
    return sorted(p for p in LEGACY_DIR.glob("*.py") if not p.name.endswith(EXPECTED_SUFFIX))


def expected_of(script: Path) -> Path:
    return script.with_name(script.stem + EXPECTED_SUFFIX)


def modern_programs() -> list[Path]:
    return sorted(MODERN_DIR.glob("*.py"))


def flags_of(script: Path) -> list[str]:
    """Options from a first line `# fixture-flags: --unsafe-fixes` (black's `# flags:`)."""
    first = script.read_text(encoding="utf-8").partition("\n")[0]
    return shlex.split(first[len(FLAGS_MARKER):]) if first.startswith(FLAGS_MARKER) else []


def ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]
