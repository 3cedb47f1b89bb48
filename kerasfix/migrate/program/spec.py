"""The schema of a program rule: everything in a legacy program that is not a layer call
(models, training, merge, backend, optimizers, saving, imports, custom layers).

A record in rules/program/*.toml says *what* (its code, name, summary, examples, the Keras
names and methods it is about, and the data its handler reads); the handler, a short Python
function named by `handler`, says *how*. See rules/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kerasfix.migrate.spec import NAME, RULE_ID, Example, SpecError, _example

FIXES = ("safe", "unsafe", "manual")
TARGETS = ("keras2", "keras3")
# Where a rule hooks into the one pass over the module.
HOOKS = ("calls", "methods", "attributes", "comparisons", "classes", "imports", "blocks",
         "subscripts")
ALLOWED = {"id", "name", "summary", "fix", "handler", "family", "targets", "tokens", "data",
           "example", "ok", "see", "when_keywords", "precheck", "keras1_only", "opt_in",
           *HOOKS}
# The keywords a `common.*` handler acts on: a call passing none of them is not its business.
_GATES = {"common.rename_keywords": "args", "common.drop_keywords": "drop",
          "common.report": "if_keywords"}


@dataclass(frozen=True)
class ProgramRule:
    id: str
    name: str
    summary: str
    fix: str  # the strongest fix it offers: safe, unsafe, or manual (report only)
    handler: str  # "module.function" under kerasfix.migrate.program
    family: str = ""  # migration-table family IDs, e.g. "K1M01"
    file: str = ""
    targets: tuple[str, ...] = TARGETS  # --target values the rule applies to
    calls: tuple[str, ...] = ()  # public Keras names called: "keras.models.Model"
    methods: tuple[str, ...] = ()  # `<any receiver>.fit_generator(...)`
    attributes: tuple[str, ...] = ()  # `<any>.lr` read or written, outside a call's callee
    comparisons: bool = False  # sees every comparison (`K.image_dim_ordering() == 'th'`)
    classes: bool = False  # sees every class definition (custom Keras 1 layers)
    blocks: bool = False  # sees every block of statements (to insert or replace statements)
    subscripts: tuple[str, ...] = ()  # sees `x[...]` whose index is one of these strings
    imports: bool = False  # sees every import statement
    tokens: tuple[str, ...] = ()  # extra words for the byte pre-filter
    data: dict = field(default_factory=dict)  # free-form table the handler reads
    see: str = ""  # a pointer for `kerasfix rule CODE` (the Keras 3 way, a guide)
    # Gates, checked on the `ast` call before any libcst parse and again before the handler
    # runs, so that `fit`/`compile`/`save` (in every training script) cost nothing when no
    # rule can apply:
    when_keywords: tuple[str, ...] = ()  # the call passes one of these keywords
    precheck: str = ""  # "module.function"(ast.Call) -> bool, for what keywords cannot say
    keras1_only: bool = False  # only in files that show Keras 1 evidence (or --from keras1)
    # Runs only when --select names it (its code or name; not a prefix, not ALL): a rewrite
    # of working code that users choose (tf.keras -> keras). Its hooks cost nothing otherwise.
    opt_in: bool = False
    examples: tuple[Example, ...] = ()
    oks: tuple[Example, ...] = ()
    symbols: tuple[str, ...] = ()  # (layer rules list keras.layers names; kept for the docs)

    def words(self) -> set[str]:
        """What the byte pre-filter looks for: a file without any cannot trigger the rule."""
        found = set(self.tokens) | set(self.methods) | set(self.attributes)
        found |= {name.rpartition(".")[2] for name in self.calls}
        return found


def build_program_rule(raw: dict, file: str) -> ProgramRule:
    where = f"{file}: rule {raw.get('id', '?')}"
    unknown = set(raw) - ALLOWED
    if unknown:
        raise SpecError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("id", "name", "summary", "fix", "handler"):
        if key not in raw:
            raise SpecError(f"{where}: missing `{key}`")
    if not RULE_ID.match(raw["id"]) or not NAME.match(raw["name"]):
        raise SpecError(f"{where}: id must look like KF123 and name be kebab-case")
    if raw["fix"] not in FIXES or not set(raw.get("targets", TARGETS)) <= set(TARGETS):
        raise SpecError(f"{where}: fix must be one of {FIXES}, targets within {TARGETS}")
    if not any(raw.get(h) for h in HOOKS):
        raise SpecError(f"{where}: hooks into nothing (one of {HOOKS})")
    examples = tuple(_example(e, where) for e in raw.get("example", []))
    if not examples:
        raise SpecError(f"{where}: needs at least one example (before/after or flag)")
    return ProgramRule(
        id=raw["id"], name=raw["name"], summary=raw["summary"], fix=raw["fix"],
        handler=raw["handler"], family=raw.get("family", ""), file=file,
        targets=tuple(raw.get("targets", TARGETS)), calls=tuple(raw.get("calls", ())),
        methods=tuple(raw.get("methods", ())), attributes=tuple(raw.get("attributes", ())),
        comparisons=bool(raw.get("comparisons")), classes=bool(raw.get("classes")),
        blocks=bool(raw.get("blocks")), subscripts=tuple(raw.get("subscripts", ())),
        imports=bool(raw.get("imports")), tokens=tuple(raw.get("tokens", ())),
        data=dict(raw.get("data", {})), see=raw.get("see", ""), examples=examples,
        when_keywords=tuple(raw.get("when_keywords", _gate(raw))),
        precheck=raw.get("precheck", ""), keras1_only=bool(raw.get("keras1_only")),
        opt_in=bool(raw.get("opt_in")),
        oks=tuple(_example(e, where) for e in raw.get("ok", [])))


def _gate(raw: dict) -> tuple[str, ...]:
    key = _GATES.get(raw["handler"])
    if key is None or any(raw.get(h) for h in ("comparisons", "classes", "imports", "blocks",
                                               "subscripts")):
        return ()
    return tuple(raw.get("data", {}).get(key, ()))
