"""Mutation tests over the fixtures: break real programs at random and run the real CLI.

For every fixture (fixtures/legacy/*.py but not *.expected.py, fixtures/programs/*.py,
fixtures/modern/*.py), a seeded RNG (seeded by the file name and the mutation's number, so
every run and every machine mutates alike) applies one to three mutations:

- delete a token / duplicate a token (found with the `tokenize` module; a source that no longer
  tokenizes falls back to a line mutation),
- delete a line / duplicate a line / swap two lines,
- insert a byte at a random place: NUL, an invalid UTF-8 byte (0xff, a lone 0xc3 lead byte, a
  lone 0x80 continuation byte), a form feed, a lone CR, or any byte,
- truncate the file at a random byte.

The mutated file is written to a temporary folder and `kerasfix fix` runs on it through click
(`kerasfix.cli:main`, as the command line does: config resolution, runner, writing, output),
with `--isolated --output-format json -o FILE`, a drawn `--from`, `--unsafe-fixes` or not, and
one more report format (`--report FORMAT:PATH`) so that every renderer meets broken input. Then:

1. **no crash**: no exception escapes, the exit code is 0, 1 or 3 (2 is a usage or internal
   error: there is no bad usage here), and no finding or message says "internal error";
2. **never an unparsable file**: if the file changed, `ast.parse` accepts it;
3. **not analysed means untouched**: a file reported with KF000 (cannot decode or parse) or
   KF009 (Python 2 that cannot be converted), or an exit code of 3, is byte-identical;
4. **a second fix changes nothing** on a file the first one changed.

Counts: about 300 mutations in all in CI; `KERASFIX_FUZZ_MUTATIONS=N` runs about N in all.
"""

from __future__ import annotations

import ast
import io
import json
import math
import os
import random
import tokenize
import warnings
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerasfix.cli import FORMATS, main

ROOT = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURES = sorted(
    [p for p in (ROOT / "legacy").glob("*.py") if not p.name.endswith(".expected.py")]
    + list((ROOT / "programs").glob("*.py")) + list((ROOT / "modern").glob("*.py")))
TOTAL = int(os.environ.get("KERASFIX_FUZZ_MUTATIONS") or 300)
PER_FILE = max(1, math.ceil(TOTAL / max(1, len(FIXTURES))))
NOT_ANALYSED = ("KF000", "KF009")
BYTES = (b"\x00", b"\xff", b"\xc3", b"\x80", b"\x0c", b"\r", b"\t", b"\\", b"(", b"'", b'"',
         b"#", b":")


# ---------------------------------------------------------------------------------------------
# Mutations: each takes the bytes and the RNG, returns the new bytes and what it did


def _tokens(data: bytes):
    """(start, end) byte offsets of the tokens of `data`, as far as it tokenizes."""
    lines = data.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    out = []
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        for tok in tokenize.tokenize(io.BytesIO(data).readline):
            if tok.type in (tokenize.ENCODING, tokenize.ENDMARKER, tokenize.NEWLINE,
                            tokenize.NL, tokenize.INDENT, tokenize.DEDENT) or not tok.string:
                continue
            (r1, c1), (r2, c2) = tok.start, tok.end
            if r1 > len(lines) or r2 > len(lines):
                continue
            # tokenize columns count characters of the decoded line: convert to bytes
            b1 = starts[r1 - 1] + len(lines[r1 - 1].decode(encoding)[:c1].encode(encoding))
            b2 = starts[r2 - 1] + len(lines[r2 - 1].decode(encoding)[:c2].encode(encoding))
            out.append((b1, b2))
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError):
        pass
    return out


def delete_token(data: bytes, rng: random.Random):
    tokens = _tokens(data)
    if not tokens:
        return delete_line(data, rng)
    a, b = rng.choice(tokens)
    return data[:a] + data[b:], f"delete token {data[a:b]!r} at byte {a}"


def duplicate_token(data: bytes, rng: random.Random):
    tokens = _tokens(data)
    if not tokens:
        return duplicate_line(data, rng)
    a, b = rng.choice(tokens)
    sep = rng.choice((b"", b" "))
    return data[:b] + sep + data[a:b] + data[b:], f"duplicate token {data[a:b]!r} at byte {a}"


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def delete_line(data: bytes, rng: random.Random):
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"".join(lines[:i] + lines[i + 1:]), f"delete line {i + 1}"


def duplicate_line(data: bytes, rng: random.Random):
    lines = _lines(data)
    i = rng.randrange(len(lines))
    line = lines[i] if lines[i].endswith((b"\n", b"\r")) else lines[i] + b"\n"
    return b"".join(lines[:i] + [line] + lines[i:]), f"duplicate line {i + 1}"


def swap_lines(data: bytes, rng: random.Random):
    lines = _lines(data)
    if len(lines) < 2:
        return delete_line(data, rng)
    i, j = sorted(rng.sample(range(len(lines)), 2))
    if not lines[j].endswith((b"\n", b"\r")):
        lines[j] += b"\n"
    lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines), f"swap lines {i + 1} and {j + 1}"


def insert_byte(data: bytes, rng: random.Random):
    byte = rng.choice(BYTES) if rng.random() < 0.8 else bytes([rng.randrange(256)])
    at = rng.randrange(len(data) + 1)
    return data[:at] + byte + data[at:], f"insert {byte!r} at byte {at}"


def truncate(data: bytes, rng: random.Random):
    at = rng.randrange(len(data) + 1)
    return data[:at], f"truncate at byte {at}"


MUTATIONS = (delete_token, duplicate_token, delete_line, duplicate_line, swap_lines,
             insert_byte, truncate)


def mutate(data: bytes, seed: str) -> tuple[bytes, list[str]]:
    """One to three mutations, drawn by an RNG seeded with `seed` (deterministic)."""
    rng = random.Random(zlib.crc32(seed.encode()))
    done = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        data, what = rng.choice(MUTATIONS)(data, rng)
        done.append(what)
    return data, done


# ---------------------------------------------------------------------------------------------
# Running the CLI on one mutated file


def options(rng: random.Random) -> list[str]:
    """The options of one run: --from, --unsafe-fixes, --no-todo-comments, a report format."""
    args = ["--from", rng.choice(("auto", "auto", "keras1", "keras2", "tf.keras"))]
    if rng.random() < 0.4:
        args.append("--unsafe-fixes")
    if rng.random() < 0.2:
        args.append("--no-todo-comments")
    return args + ["--report", rng.choice([f for f in FORMATS if f != "json"] + ["json"])]


def fix_file(path: Path, out: Path, drawn: list[str]) -> tuple[int, list[dict], str]:
    """`kerasfix fix` on `path` with the `drawn` options: exit code, JSON findings, the log."""
    *drawn, fmt = drawn
    if out.exists():
        out.unlink()
    args = ["fix", "--isolated", "--no-cache", "-j", "1", "--output-format", "json",
            "-o", str(out), *drawn, f"{fmt}:{out.with_suffix('.' + fmt)}", str(path)]
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"kerasfix {' '.join(args)} raised "
                             f"{type(result.exception).__name__}: {result.exception}")
    findings = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    return result.exit_code, findings, " ".join(args) + "\n" + result.output


def problems(original: bytes, written: bytes, code: int, findings: list[dict],
             log: str) -> list[str]:
    """What is wrong with one run (empty: nothing)."""
    bad = []
    if code not in (0, 1, 3):
        bad.append(f"exit code {code}")
    if "internal error" in log or any("internal error" in f["message"] for f in findings):
        bad.append("internal error")
    if written != original:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes in the mutated source
                ast.parse(written)
        except (SyntaxError, ValueError) as exc:
            bad.append(f"wrote a file that does not parse: {exc}")
    codes = {f["code"] for f in findings}
    if (codes & set(NOT_ANALYSED) or code == 3) and written != original:
        bad.append(f"not analysed ({sorted(codes & set(NOT_ANALYSED))}, exit {code}) "
                   f"but changed")
    return bad


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_mutated_fixture(fixture, tmp_path):
    original = fixture.read_bytes()
    failures = []
    for n in range(PER_FILE):
        seed = f"{fixture.parent.name}/{fixture.name}#{n}"
        data, done = mutate(original, seed)
        path = tmp_path / f"m{n}.py"
        path.write_bytes(data)
        drawn = options(random.Random(zlib.crc32(("run " + seed).encode())))
        code, findings, log = fix_file(path, tmp_path / f"m{n}.out", drawn)
        written = path.read_bytes()
        bad = problems(data, written, code, findings, log)
        if written != data and not bad:  # 4: a second fix is a no-op
            code2, findings2, log2 = fix_file(path, tmp_path / f"m{n}.out", drawn)
            again = path.read_bytes()
            if again != written:
                bad.append("a second fix changed the file again")
            bad += problems(written, again, code2, findings2, log2)
        if bad:
            failures.append(f"{seed}: {'; '.join(done)}: {'; '.join(bad)}\n{log[:2000]}")
    assert not failures, "\n\n".join(failures)


# ---------------------------------------------------------------------------------------------
# The harness itself


def test_mutations_are_deterministic_and_change_the_source():
    data = FIXTURES[0].read_bytes()
    assert mutate(data, "x#1") == mutate(data, "x#1")
    changed = sum(mutate(data, f"x#{n}")[0] != data for n in range(50))
    assert changed >= 45
    rng = random.Random(1)
    for mutation in MUTATIONS:
        new, what = mutation(data, rng)
        assert new != data or "duplicate" in what, what


def test_token_offsets_are_bytes():
    data = "# -*- coding: utf-8 -*-\ns = 'é'; x = Dense(3)\n".encode()
    spans = [data[a:b] for a, b in _tokens(data)]
    assert b"'\xc3\xa9'" in spans and b"Dense" in spans and b"3" in spans


def test_problems_flags_each_broken_promise():
    assert problems(b"x = 1\n", b"x = 1\n", 0, [], "") == []
    assert problems(b"x = 1\n", b"x = (\n", 1, [], "") == [
        "wrote a file that does not parse: '(' was never closed (<unknown>, line 1)"]
    assert problems(b"x(\n", b"x()\n", 3, [{"code": "KF000", "message": "m"}], "") == [
        "not analysed (['KF000'], exit 3) but changed"]
    assert problems(b"x\n", b"x\n", 2, [], "internal error: boom") == [
        "exit code 2", "internal error"]
