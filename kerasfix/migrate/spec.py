"""The schema of a declarative layer rule (one `[[rule]]` in rules/*.toml), validated at load.

Every table is keyed by the OLD argument name (tf_upgrade_v2's invariant), except `defaults`
and `keras1_defaults`, which name Keras 3 arguments. The engine applies the steps in one fixed
order (see `call_rewrite.py`); the TOML cannot reorder them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

RULE_ID = re.compile(r"^KF[0-9]\d\d$")
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SOURCES = ("auto", "keras1", "keras2", "tf.keras")


class SpecError(ValueError):
    """A rule table is malformed; the message names the file and rule."""


@dataclass(frozen=True)
class Example:
    before: str = ""
    after: str = ""
    flag: str = ""
    message: str = ""
    source: str = "auto"
    unsafe: bool = False  # the after needs --unsafe-fixes


@dataclass(frozen=True)
class Unfaithful:
    """When all `when` conditions hold, Keras 3 cannot express the call: report, leave it."""

    when: dict
    message: str


@dataclass(frozen=True)
class LayerRule:
    id: str
    name: str
    summary: str
    symbols: tuple[str, ...]
    file: str = ""
    rename_to: str = ""
    old_positional: tuple[str, ...] = ()
    new_positional: tuple[str, ...] = ()
    fold: tuple[tuple[tuple[str, ...], str], ...] = ()
    args: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    drop_if: dict = field(default_factory=dict)
    drop: dict = field(default_factory=dict)
    drop_unsafe: dict = field(default_factory=dict)
    removed: dict = field(default_factory=dict)
    accepts: tuple[str, ...] = ()
    unfaithful: tuple[Unfaithful, ...] = ()
    input_spec: str = ""
    convert: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    keras1_defaults: dict = field(default_factory=dict)  # added only to Keras 1/2 code
    kinds: dict = field(default_factory=dict)
    manual: str = ""
    unsafe: str = ""
    base: bool = False
    # --target values the record applies to: ["keras3"] for a Keras 2 -> 3 change that would
    # break code staying on tf_keras (LeakyReLU(alpha=) is right there)
    targets: tuple[str, ...] = ("keras2", "keras3")
    examples: tuple[Example, ...] = ()
    oks: tuple[Example, ...] = ()

    @property
    def fix(self) -> str:
        """The most a fix of this rule can be: safe, unsafe or manual (docs and `rules`)."""
        new = self.new_positional
        rebinds = any(i >= len(new) or new[i] not in self.new_name(old)
                      for i, old in enumerate(self.old_positional))
        rewrites = (self.rename_to, rebinds, self.fold, self.args, self.values,
                    self.drop_if, self.drop, self.drop_unsafe, self.convert, self.defaults,
                    self.keras1_defaults, self.input_spec)
        if self.manual or not any(rewrites):
            return "manual"
        return "unsafe" if self.unsafe else "safe"

    @property
    def unsafe_when(self) -> list[str]:
        """Notes of the arguments whose removal makes a fix of this rule unsafe."""
        return [f"`{k}`: {v}" for k, v in self.drop_unsafe.items()]

    @functools.cached_property
    def touched_keywords(self) -> frozenset[str]:
        """Every old keyword some step of this rule reads (for the cheap pre-check)."""
        keys = set(self.args) | set(self.values) | set(self.drop_if) | set(self.drop)
        keys |= set(self.drop_unsafe) | set(self.removed) | set(self.convert)
        keys |= {k for case in self.unfaithful for k in case.when}
        if self.input_spec:
            keys |= {"input_dim", "input_length"}
        return frozenset(keys)

    @functools.cached_property
    def keras3_only(self) -> frozenset[str]:
        """Keywords only the new API has (what Keras 1 names were renamed to): a call using one
        was not written for Keras 1, and Keras 2's shim refused them with Keras 1 positionals."""
        targets = {t for old in self.args for t in self.new_name(old)}
        targets |= {into for _, into in self.fold}
        return frozenset(targets - set(self.old_positional) - set(self.args))

    @functools.cached_property
    def value_keywords(self) -> frozenset[str]:
        """Old keywords whose value (not just name) a step may change or report on."""
        keys = set(self.values) | set(self.drop_if) | set(self.convert) | set(self.drop)
        keys |= set(self.drop_unsafe) | set(self.removed)
        return frozenset(keys | {k for case in self.unfaithful for k in case.when})

    def new_name(self, old: str) -> tuple[str, ...]:
        """The Keras 3 keyword(s) an old keyword becomes (itself when unchanged)."""
        target = self.args.get(old, old)
        return tuple(target) if isinstance(target, list) else (target,)


_LIST_KEYS = {"symbols", "old_positional", "new_positional", "accepts", "targets"}
_DICT_KEYS = {"args", "values", "drop_if", "drop", "drop_unsafe", "removed", "convert",
              "defaults", "keras1_defaults", "kinds"}
_STR_KEYS = {"id", "name", "summary", "rename_to", "input_spec", "manual", "unsafe"}
_OTHER_KEYS = {"fold", "unfaithful", "example", "ok", "base", "notes"}
ALLOWED = _LIST_KEYS | _DICT_KEYS | _STR_KEYS | _OTHER_KEYS
INPUT_SPECS = ("", "sequence", "embedding")


def _fail(where: str, msg: str) -> None:
    raise SpecError(f"{where}: {msg}")


def _example(raw: dict, where: str) -> Example:
    unknown = set(raw) - {"before", "after", "flag", "message", "source", "unsafe", "code"}
    if unknown:
        _fail(where, f"unknown example keys {sorted(unknown)}")
    source = raw.get("source", "auto")
    if source not in SOURCES:
        _fail(where, f"source must be one of {SOURCES}, not {source!r}")
    return Example(
        before=raw.get("before", raw.get("code", "")),
        after=raw.get("after", raw.get("code", "")),
        flag=raw.get("flag", ""),
        message=raw.get("message", ""),
        source=source,
        unsafe=bool(raw.get("unsafe", False)),
    )


def build_rule(raw: dict, file: str) -> LayerRule:
    """Validate one raw `[[rule]]` table and freeze it."""
    where = f"{file}: rule {raw.get('id', '?')}"
    unknown = set(raw) - ALLOWED
    if unknown:
        _fail(where, f"unknown keys {sorted(unknown)}")
    for key in ("id", "name", "summary", "symbols"):
        if key not in raw:
            _fail(where, f"missing `{key}`")
    if not RULE_ID.match(raw["id"]):
        _fail(where, "id must look like KF123")
    if not NAME.match(raw["name"]):
        _fail(where, "name must be kebab-case")
    if raw.get("input_spec", "") not in INPUT_SPECS:
        _fail(where, f"input_spec must be one of {INPUT_SPECS}")
    examples = tuple(_example(e, where) for e in raw.get("example", []))
    oks = tuple(_example(e, where) for e in raw.get("ok", []))
    if not examples and not raw.get("base"):
        _fail(where, "needs at least one example (before/after or flag)")
    folds = tuple((tuple(f["from"]), f["into"]) for f in raw.get("fold", []))
    old = set(raw.get("old_positional", [])) | set(raw.get("args", {}))
    for sources, _ in folds:
        if not set(sources) <= old:
            _fail(where, f"fold sources {sources} must be old positionals or renamed args")
    unfaithful = tuple(Unfaithful(u["when"], u["message"]) for u in raw.get("unfaithful", []))
    fields = {k: tuple(raw[k]) for k in _LIST_KEYS if k in raw}
    fields.update({k: dict(raw[k]) for k in _DICT_KEYS if k in raw})
    fields.update({k: raw[k] for k in _STR_KEYS if k in raw})
    return LayerRule(**fields, file=file, fold=folds, unfaithful=unfaithful,
                     base=bool(raw.get("base", False)), examples=examples, oks=oks)
