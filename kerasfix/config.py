"""Configuration files: `[tool.kerasfix]` in pyproject.toml, or kerasfix.toml / .kerasfix.toml.

The closest config file to a path wins (the folder itself, then its parents); a pyproject.toml
without a [tool.kerasfix] table does not count, so a project's pyproject never hides a
kerasfix.toml further up. Precedence: command line > config file > defaults.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

# In one folder, the dedicated files beat pyproject.toml (as ruff does with ruff.toml).
NAMES = (".kerasfix.toml", "kerasfix.toml", "pyproject.toml")
DEFAULT = "default"

DEFAULTS: dict[str, object] = {
    "from": "auto", "target": "keras3", "select": [], "extend-select": [], "ignore": [],
    "per-file-ignores": {}, "exclude": [], "extend-exclude": [], "unsafe-fixes": False,
    "output-format": "text", "jobs": 0, "cache-dir": ".kerasfix_cache",
    "shape.data-format": "channels_last", "respect-gitignore": True, "fixable": ["ALL"],
    "unfixable": [],
}
SELECTOR_KEYS = ("select", "extend-select", "ignore", "fixable", "unfixable")


class ConfigError(ValueError):
    pass


def _one_of(*choices):
    def check(value):
        return None if value in choices else "must be one of " + ", ".join(map(repr, choices))
    return check


def _str_list(value):
    ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    return None if ok else "must be a list of strings"


def _bool(value):
    return None if isinstance(value, bool) else "must be true or false"


def _per_file(value):
    ok = isinstance(value, dict) and all(_str_list(v) is None for v in value.values())
    return None if ok else "must be a table of glob = [codes]"


CHECKS = {
    "from": _one_of("auto", "keras1", "keras2", "tf.keras"),
    "target": _one_of("keras3", "keras2"),
    "select": _str_list, "extend-select": _str_list, "ignore": _str_list,
    "per-file-ignores": _per_file, "exclude": _str_list, "extend-exclude": _str_list,
    "unsafe-fixes": _bool, "respect-gitignore": _bool,
    "fixable": _str_list, "unfixable": _str_list,
    "output-format": _one_of("text", "concise", "grouped", "json", "jsonl", "github", "gitlab",
                             "junit", "sarif", "markdown"),
    # bool is an int subclass: `jobs = true` must not pass as 1.
    "jobs": lambda v: None if type(v) is int and v >= 0 else "must be an integer >= 0",
    "cache-dir": lambda v: None if isinstance(v, str) else "must be a string",
    "shape.data-format": _one_of("channels_last", "channels_first"),
}


@dataclass
class Config:
    values: dict[str, object] = field(default_factory=lambda: dict(DEFAULTS))
    sources: dict[str, str] = field(default_factory=lambda: dict.fromkeys(DEFAULTS, DEFAULT))
    path: str | None = None  # the config file used, if any
    root: str = "."  # its folder: per-file-ignores and exclude globs are relative to it

    def __getitem__(self, key: str):
        return self.values[key]

    def data_format(self) -> str:
        """The keras.json data format the user declared for the shape checker, or "" when
        no config says (then models are traced under both formats)."""
        set_here = self.sources["shape.data-format"] != DEFAULT
        return self["shape.data-format"] if set_here else ""

    def selectors(self, select: str | None, ignore: str | None) -> tuple[str, str]:
        """--select/--ignore text for Selection.parse; a command-line value replaces the file's."""
        if select is None:
            chosen = list(self["select"])
            if chosen:  # an empty select means all rules, which extend-select cannot widen
                chosen += self["extend-select"]
            select = ",".join(chosen)
        return select, ",".join(self["ignore"]) if ignore is None else ignore

    def fixable(self, names: dict[str, str]):
        """The `fixable` / `unfixable` keys as a Selection (codes whose fixes may apply)."""
        from kerasfix.selection import Selection

        return Selection.parse(",".join(self["fixable"]), ",".join(self["unfixable"]), names)

    def ignores_for(self, path: str) -> tuple[str, ...]:
        """The per-file-ignores selectors whose glob matches `path`."""
        if not self["per-file-ignores"]:
            return ()
        rel, name = self._relative(path)
        out: list[str] = []
        for glob, codes in self["per-file-ignores"].items():
            if fnmatch.fnmatchcase(rel, glob) or fnmatch.fnmatchcase(name, glob):
                out += codes
        return tuple(out)

    def excluded(self, path: str) -> bool:
        """Whether folder discovery should skip `path` (a file or a folder)."""
        if not self["exclude"] and not self["extend-exclude"]:
            return False  # the common case; resolving the path costs a stat per component
        rel, name = self._relative(path)
        return any(fnmatch.fnmatchcase(rel, g) or fnmatch.fnmatchcase(name, g)
                   for g in [*self["exclude"], *self["extend-exclude"]])

    def force_excluded(self, path: str) -> bool:
        """--force-exclude: whether `path`, given by name, or a folder above it (up to the
        config's folder) is excluded."""
        real = Path(os.path.realpath(path))
        root = Path(os.path.realpath(self.root))
        if self.excluded(str(real)):
            return True
        return any(self.excluded(str(folder)) for folder in real.parents
                   if root in folder.parents)

    def _relative(self, path: str) -> tuple[str, str]:
        real = os.path.realpath(path)
        rel = Path(os.path.relpath(real, self.root)).as_posix()
        return rel, os.path.basename(real)


def resolve(start: str, explicit: str | None = None, isolated: bool = False) -> Config:
    """The configuration for `start`: `explicit` if given, else the closest file, else defaults."""
    if isolated:
        return Config()
    path = Path(explicit) if explicit else find(Path(start))
    return load(path) if path else Config()


class Resolver:
    """The closest config for each analysed path, resolved once per folder.

    With `explicit` (--config) or `isolated`, one configuration applies to every path.
    """

    def __init__(self, explicit: str | None = None, isolated: bool = False):
        self.fixed = resolve(".", explicit, isolated) if explicit or isolated else None
        self._folders: dict[str, Config] = {}
        self._files: dict[str, Config] = {}
        self._seen: dict[str, Config] = {}  # the folder as written -> its config

    def __call__(self, path: str) -> Config:
        if self.fixed is not None:
            return self.fixed
        # realpath costs a stat per path component: ask once per folder as written.
        written = path if os.path.isdir(path) else os.path.dirname(path) or "."
        if written not in self._seen:
            self._seen[written] = self._resolve(written)
        return self._seen[written]

    def _resolve(self, path: str) -> Config:
        real = os.path.realpath(path)
        folder = real if os.path.isdir(real) else os.path.dirname(real)
        config = self._folders.get(folder)
        if config is None:
            found = find(Path(folder))
            key = str(found) if found else ""
            if key not in self._files:
                self._files[key] = load(found) if found else Config()
            config = self._folders[folder] = self._files[key]
        return config


def find(start: Path) -> Path | None:
    """The closest config file in `start`'s folder or its parents."""
    folder = Path(os.path.realpath(start))
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in NAMES:
            path = candidate / name
            if path.is_file() and (name != "pyproject.toml" or _has_table(path)):
                return path
    return None


def _has_table(path: Path) -> bool:
    return "kerasfix" in _read(path).get("tool", {})


def load(path: Path) -> Config:
    raw = _read(path)
    if path.name == "pyproject.toml":
        raw = raw.get("tool", {}).get("kerasfix", {})
    config = Config(path=str(path), root=os.path.dirname(os.path.realpath(path)))
    for key, value in _flatten(path, raw):
        problem = CHECKS[key](value) if key in CHECKS else "unknown key"
        if problem is None and key in SELECTOR_KEYS:
            problem = _bad_selectors(value)
        if problem is None and key == "per-file-ignores":
            problem = next(filter(None, map(_bad_selectors, value.values())), None)
        if problem:
            raise ConfigError(f"{path}: {key}: {problem}")
        config.values[key], config.sources[key] = value, str(path)
    return config


def _flatten(path: Path, raw: dict) -> list[tuple[str, object]]:
    """Top-level keys as they are; the [shape] table's keys as `shape.KEY`."""
    out = [(k, v) for k, v in raw.items() if k != "shape"]
    shape = raw.get("shape", {})
    if not isinstance(shape, dict):
        raise ConfigError(f"{path}: shape: must be a table")
    return out + [(f"shape.{k}", v) for k, v in shape.items()]


def _bad_selectors(codes: list[str]) -> str | None:
    from kerasfix.registry import names_to_codes
    from kerasfix.selection import Selection, SelectionError

    try:
        Selection.parse(",".join(codes), "", names_to_codes())
    except SelectionError as exc:
        return str(exc)
    return None


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


def describe(config: Config, as_json: bool = False) -> str:
    """`kerasfix config` output: each resolved value and where it came from."""
    import json

    if as_json:
        values = {k: {"value": config[k], "source": config.sources[k]} for k in DEFAULTS}
        return json.dumps({"config_file": config.path, "values": values}, indent=2) + "\n"
    return "".join(f"{k} = {_toml(config[k])}  # {config.sources[k]}\n" for k in DEFAULTS)


def _toml(value) -> str:
    import json

    if isinstance(value, dict):
        items = ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    return json.dumps(value)
