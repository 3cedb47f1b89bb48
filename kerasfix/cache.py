"""Per-file cache of `check` findings (spec 6.11).

Layout: `<dir>/<version>/<settings-hash>/<content-hash>.json`, with `CACHEDIR.TAG` and a
`.gitignore` (`*`) in `<dir>`. The version part also carries a hash of the rule tables and of
kerasfix's own source, so editing a rule (or kerasfix itself, in a checkout) invalidates.
Writes are atomic (temporary file + os.replace) so concurrent runs may share a cache; an
unreadable or corrupt entry is treated as a miss, never as an error.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path

from kerasfix import __version__
from kerasfix.diagnostics import Finding, Fix, Span

FORMAT = 1  # bump when the entry layout changes
TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
       "# This file is a cache directory tag created by kerasfix.\n"
       "# For information about cache directory tags see https://bford.info/cachedir/\n")


@functools.lru_cache(maxsize=None)
def tool_hash() -> str:
    """Hash of the rule tables and kerasfix's source: what, besides the input, decides results."""
    from kerasfix.migrate.loader import rules_dir

    digest = hashlib.sha256(f"{FORMAT}:{__version__}".encode())
    package = Path(__file__).resolve().parent
    try:
        roots = [rules_dir()]
    except Exception:  # the engine will report the missing tables itself
        roots = []
    files = sorted(p for root in roots for p in root.rglob("*.toml"))
    files += sorted(package.rglob("*.py"))
    for path in files:
        try:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        except OSError:
            digest.update(path.name.encode() + b"\0?\0")
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=64)  # Settings is frozen: one hash per run, not one per file
def settings_key(settings, notebook: bool) -> str:
    """Every field of Settings (source, unsafe_fixes, selection, ...) and the notebook flag."""
    data = {"settings": _plain(settings), "notebook": notebook}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def _plain(value):
    """A JSON-able, deterministic form (sets sorted: their order changes between processes)."""
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def entry_path(cache_dir: str, settings, data: bytes, notebook: bool) -> Path:
    return (Path(cache_dir) / f"{__version__}-{tool_hash()}" / settings_key(settings, notebook)
            / f"{hashlib.sha256(data).hexdigest()}.json")


def load(entry: Path) -> list[Finding] | None:
    """The cached findings, or None on a miss (absent, unreadable or corrupt)."""
    try:
        with open(entry, encoding="utf-8") as fh:
            raw = json.load(fh)
        return [_finding(item) for item in raw["findings"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(cache_dir: str, entry: Path, findings: list[Finding]) -> None:
    """Write atomically; a cache that cannot be written is silently skipped."""
    try:
        _prepare_root(Path(cache_dir))
        entry.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"findings": [_as_dict(f) for f in findings]})
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
            os.replace(tmp, entry)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass


def _prepare_root(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in (("CACHEDIR.TAG", TAG), (".gitignore", "# Created by kerasfix.\n*\n")):
        target = root / name
        if not target.exists():
            fd, tmp = tempfile.mkstemp(dir=root, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, target)


def _as_dict(finding: Finding) -> dict:
    out = asdict(finding)
    out.pop("path", None)  # the same content may live at several paths
    return out


def _finding(item: dict) -> Finding:
    span = Span(**item["span"])
    fix = Fix(**item["fix"]) if item["fix"] is not None else None
    return Finding(span, item["code"], item["message"], item["severity"], fix, item["help"],
                   cell=item.get("cell", 0), physical_line=item.get("physical_line", 0))
