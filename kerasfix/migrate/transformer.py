"""The one libcst transformer that applies every layer rule to a module."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from kerasfix.diagnostics import Finding, Fix, Span
from kerasfix.migrate import module_paths
from kerasfix.migrate.call_rewrite import Context, Manual, Outcome, rewrite
from kerasfix.migrate.facts import FileFacts, layer_symbol
from kerasfix.migrate.loader import RuleSet
from kerasfix.migrate.meta import LAYER_MODULE, TRAP
from kerasfix.migrate.positions import Locator
from kerasfix.migrate.program.dispatch import ProgramHooks
from kerasfix.migrate.transformer_util import cst_dotted
from kerasfix.selection import Selection


@dataclass
class Renames:
    """What call sites did to imported names, for the import follow-up."""

    bare: dict[str, str] = field(default_factory=dict)  # Convolution2D -> Conv2D
    aliased: dict[str, str] = field(default_factory=dict)  # local alias -> new symbol
    aliased_calls: Counter = field(default_factory=Counter)  # rewritten calls per alias


_NOWHERE = Span(0, 0, 0, 0)


class LayerMigrator(ProgramHooks, cst.CSTTransformer):
    """Visits the module itself (no metadata wrapper): positions cost a whole-module codegen,
    so they are computed afterwards, and only for files with findings.

    Layer calls are rewritten here from the layer records; every other rule (models,
    training, merge, backend, ...) is a program rule run through ProgramHooks."""

    def __init__(self, rules: RuleSet, facts: FileFacts, module: cst.Module, setting: str,
                 allowed: frozenset[str], selection: Selection, locator: Locator,
                 suppressed=None, fixable=None, program=None, names=None,
                 target: str = "keras3"):
        super().__init__()
        self.program, self.names, self.target = program, names, target
        self.callees: set[int] = set()  # ids of Attribute nodes that are a call's callee
        self.import_nodes: dict[str, cst.ImportFrom] = {}  # local name -> its `from` import
        self.removed_uses: dict[str, tuple] = {}  # removed Keras names left in manual calls
        self.rules, self.facts, self.module = rules, facts, module
        self.setting, self.allowed, self.selection = setting, allowed, selection
        self.pending: list[tuple[cst.CSTNode, int, Finding]] = []
        self.locator = locator
        self.suppressed = suppressed  # (code, span) -> bool, from suppression comments
        # code -> bool: the `fixable`/`unfixable` config; a code it refuses is reported
        # with its fix available, never applied.
        self.fixable = fixable or (lambda code: True)
        self.renames = Renames()
        self.scopes: list[frozenset[str]] = [frozenset()]  # names local to enclosing defs
        self.defs_seen = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        # Defs are met in source order, as names.function_scopes lists them.
        scopes = self.facts.table.function_scopes
        local = scopes[self.defs_seen] if self.defs_seen < len(scopes) else frozenset()
        self.defs_seen += 1
        self.scopes.append(self.scopes[-1] | local)

    def leave_FunctionDef(self, original, updated):
        self.scopes.pop()
        return updated

    def _taken(self, name: str) -> bool:
        """Is `name` bound by the file itself where we are (so it is not Keras' class)?"""
        return name in self.facts.table.rebound or name in self.scopes[-1]

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """Layer records first (a `keras.layers.*` call), then the program rules on the
        result: a layer call may have both (`LSTM` in Keras 1 code)."""
        dotted = cst_dotted(original.func)
        table, star = self.facts.table, self.facts.star_symbols
        resolved = table.resolve(dotted, star, self.scopes[-1]) if dotted else None
        symbol = layer_symbol(resolved)
        new = self._layer_call(original, updated, resolved, dotted, symbol) if symbol else updated
        if not isinstance(new, cst.Call):
            return new
        return self._program_call(original, new, resolved, dotted)

    def _layer_call(self, original: cst.Call, updated: cst.Call, resolved, dotted: str,
                    symbol: str) -> cst.Call:
        rule = self.rules.by_symbol.get(symbol)
        if rule is None:
            if not symbol[:1].isupper() or self.rules.base is None:
                return updated
            rule = self.rules.base
        if not (self.selection.selects(rule.id) or self.selection.selects(TRAP.id)) or \
                self.target not in rule.targets:
            return updated
        keras3 = self.rules.keras3_names
        ctx = Context(self.module, self.setting, resolved.flavour, self.facts.evidence,
                      self.rules.evidence_keywords, legacy=bool(keras3) and symbol not in keras3)
        base = self.rules.base if self.target in self.rules.base.targets else None
        outcome = rewrite(rule, base, updated, ctx)
        new_call = self._renamed(outcome, rule, symbol, dotted, updated)
        trap = bool(outcome.reading and outcome.reading.trap)
        if not self.selection.selects(TRAP.id if trap else rule.id):
            return updated  # a trap is KF150's business; everything else is the rule's
        reported = self._report(original, outcome, rule, dotted, new_call)
        if (reported and new_call is not None and outcome.applicability in self.allowed
                and self.fixable(TRAP.id if trap else rule.id)):
            self._count_rename(dotted, symbol, rule, cst_dotted(new_call.func))
            return new_call
        return updated

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        if not isinstance(original.names, cst.ImportStar):
            for alias in original.names:
                local = alias.asname.name if alias.asname else alias.name
                if isinstance(local, cst.Name):
                    self.import_nodes.setdefault(local.value, original)
        new = module_paths.fix_import_from(updated)
        if new is None:
            return self._program_hook(self.program.imports, original, updated)
        result = new[0] if len(new) == 1 else cst.FlattenSentinel(new)
        return self._module_fix(original, updated, result, module_paths.legacy_part(updated))

    def leave_Import(self, original: cst.Import, updated: cst.Import):
        new = module_paths.fix_import(updated)
        if new is None:
            return self._program_hook(self.program.imports, original, updated)
        return self._module_fix(original, updated, new, "a Keras 1 layer submodule")

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        dotted = cst_dotted(original)
        target = module_paths.fix_path(dotted, self.facts.table) if dotted else None
        if target is not None:
            return self._module_fix(original, updated, cst.parse_expression(target), dotted)
        rules = self.program.attributes.get(updated.attr.value, ())
        if rules and id(original) not in self.callees:
            return self._program_hook(rules, original, updated, dotted=dotted or "")
        return updated

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison):
        return self._program_hook(self.program.comparisons, original, updated)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        return self._program_hook(self.program.classes, original, updated)

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        index = original.slice[0].slice if len(original.slice) == 1 else None
        value = getattr(index, "value", None)
        if not isinstance(value, cst.SimpleString):
            return updated
        rules = self.program.subscripts.get(value.evaluated_value, ())
        return self._program_hook(rules, original, updated)

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock):
        return self._program_hook(self.program.blocks, original, updated)

    def leave_Module(self, original: cst.Module, updated: cst.Module):
        return self._program_hook(self.program.blocks, original, updated)

    def leave_SimpleStatementLine(self, original, updated):
        """An import split in two by leave_ImportFrom goes on two lines, not `a; b`."""
        if len(original.body) != 1 or len(updated.body) < 2:
            return updated
        body = [s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) for s in updated.body]
        lines = [updated.with_changes(body=body[:1])]
        lines += [cst.SimpleStatementLine(body=[s]) for s in body[1:]]
        return cst.FlattenSentinel(lines)

    def _module_fix(self, original, updated, new, what: str):
        """Report KF151 for a Keras 1 layer submodule, and apply the fix when allowed."""
        if not self.selection.selects(LAYER_MODULE.id):
            return updated
        nodes = list(new) if isinstance(new, cst.FlattenSentinel) else [new]
        replacement = "; ".join(self.module.code_for_node(n) for n in nodes)
        applied = "safe" in self.allowed and self.fixable(LAYER_MODULE.id)
        reported = self._add(
            original, code=LAYER_MODULE.id,
            message=f"`{what}`: no such module in Keras 3; every layer is in `keras.layers`",
            severity="error", fix=Fix("safe", replacement, applied=applied),
            help=f"Keras 3: `{replacement}`")
        return new if applied and reported else updated

    def _renamed(self, outcome: Outcome, rule, symbol: str, dotted: str,
                 updated: cst.Call) -> cst.Call | None:
        """The rewritten call with its class renamed where the rule renames it."""
        call = outcome.call
        target = rule.rename_to
        if not target or target == symbol:
            return call
        if outcome.manual and call is None:
            return None
        call = call or updated
        func = updated.func
        if isinstance(func, cst.Attribute):
            call = call.with_changes(func=func.with_changes(attr=cst.Name(target)))
        elif dotted == symbol and self._taken(target):
            return self._name_taken(outcome, rule, symbol)
        elif dotted == symbol:
            call = call.with_changes(func=cst.Name(target))
        outcome.changes.insert(0, f"`{symbol}` -> `{target}`")
        return call

    def _name_taken(self, outcome: Outcome, rule, symbol: str) -> cst.Call | None:
        """The file defines its own `rule.rename_to`: keep the old name if Keras 3 still has
        it, else leave the call to a human."""
        if symbol in self.rules.keras3_names:
            return outcome.call
        outcome.manual.append(Manual(rule.id, -1, (
            f"`{symbol}` is not in Keras 3 and this file defines its own `{rule.rename_to}`: "
            f"import `keras.layers.{rule.rename_to}` under another name and call that")))
        return None

    def _count_rename(self, dotted: str, symbol: str, rule, now: str | None) -> None:
        target = rule.rename_to
        if not target or target == symbol or "." in dotted:
            return
        if dotted == symbol:
            if now == target:  # not when the file's own `target` kept the old name
                self.renames.bare[symbol] = target
        else:
            self.renames.aliased[dotted] = target
            self.renames.aliased_calls[dotted] += 1

    def _add(self, node: cst.CSTNode, arg: int = -1, **fields) -> bool:
        """A finding at `node`, or at its `arg`-th argument; False if a suppression comment
        covers it (then it is neither reported nor fixed)."""
        span = self.locator.span(node, arg) if self.suppressed else None
        if span is not None and self.suppressed(fields["code"], span):
            return False
        self.pending.append((node, arg, Finding(span=_NOWHERE, **fields)))
        return True

    def visit_Call(self, node: cst.Call) -> None:
        self.locator.see(node)
        self.callees.add(id(node.func))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self.locator.see(node)
        return False  # nothing inside is a call; its names are not ast Attributes either

    def visit_Import(self, node: cst.Import) -> bool:
        self.locator.see(node)
        return False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.locator.see(node)

    def findings(self) -> list[Finding]:
        """The findings, located in the original module (from the ast tree when it can be
        matched, else with libcst's PositionProvider)."""
        self._removed_imports()
        spans = [self.locator.span(node, arg) for node, arg, _ in self.pending]
        if None in spans:
            positions = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(
                PositionProvider)
            spans = [_span(positions[node.args[arg] if arg >= 0 else node])
                     for node, arg, _ in self.pending]
        return [replace(finding, span=span) for span, (_, _, finding) in zip(spans, self.pending)]

    def _report(self, original: cst.Call, outcome: Outcome, rule, dotted: str,
                new_call: cst.Call | None) -> bool:
        """Record the call's findings; False if its fix finding is suppressed."""
        for manual in outcome.manual:
            if not self.selection.selects(manual.code):
                continue
            self._add(original, manual.index, code=manual.code, message=manual.message,
                      severity="error", fix=None, help=None)
        if new_call is None:
            return False
        replacement = self.module.code_for_node(new_call)
        applicability = outcome.applicability
        trap = outcome.reading is not None and outcome.reading.trap
        code = TRAP.id if trap else rule.id
        shown = " ".join(replacement.split())
        if trap:
            positional = sum(1 for a in original.args if a.keyword is None and not a.star)
            message = _trap_message(dotted, rule, positional)
            help_text = (f"if written for Keras 1 or 2.0-2.3: `{shown}` (or run with --from "
                         f"keras1); if the Keras 3 reading is meant, pass those arguments by "
                         f"keyword (or run with --from tf.keras)")
        else:
            changes = "; ".join(outcome.changes + outcome.unsafe_notes)
            message = f"`{dotted}(...)` needs migrating to Keras 3: {changes}"
            help_text = f"Keras 3: `{shown}`"
        return self._add(
            original, code=code, message=message, severity="error",
            fix=Fix(applicability, replacement, applied=applicability in self.allowed
                                                   and self.fixable(code)),
            help=help_text)


def _trap_message(dotted: str, rule, positional: int) -> str:
    old = ", ".join(rule.old_positional[:positional])
    new = ", ".join(rule.new_positional[:positional])
    return (f"`{dotted}(...)` has positional arguments that Keras 1 and Keras 2.0-2.3 read as "
            f"`{old}` but tf.keras and Keras 3 read as `{new}`; nothing in this file says "
            f"which Keras it was written for")


def _span(pos) -> Span:
    return Span(pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1)
