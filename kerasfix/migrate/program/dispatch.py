"""The program rules' side of the one libcst pass: find the rules a node hooks, run their
handlers in code order on the node as rewritten so far, report each edit, apply the allowed.

Mixed into migrate.transformer.LayerMigrator, which owns positions, suppressions and
findings (`_add`)."""

from __future__ import annotations

import libcst as cst

from kerasfix.diagnostics import Fix
from kerasfix.migrate.program.site import Edit, Site


class ProgramHooks:
    def _program_call(self, original: cst.Call, updated: cst.Call, resolved,
                      dotted: str | None) -> cst.BaseExpression:
        program = self.program
        if resolved is not None:
            rules = program.calls.get(resolved.qualname, ())
        elif isinstance(updated.func, cst.Attribute) and not self._module_receiver(dotted):
            rules = program.methods.get(updated.func.attr.value, ())
        else:
            rules = ()
        if not rules:
            return updated
        return self._program_run(rules, original, updated, qualname=resolved.qualname
                                 if resolved else "", dotted=dotted or "",
                                 flavour=resolved.flavour if resolved else self._file_flavour())

    def _file_flavour(self) -> str:
        """For a method call (no import to resolve): "tf.keras" when every Keras import of
        the file goes through TensorFlow."""
        if getattr(self, "_flavour", None) is None:
            from kerasfix.names import canonical

            found = {canonical(t) for t in self.facts.table.names.values()} - {None}
            flavours = {f.flavour for f in found} | {
                "tf.keras" for t in self.facts.table.names.values() if t == "tensorflow"}
            self._flavour = "tf.keras" if flavours == {"tf.keras"} else "keras"
        return self._flavour

    def _module_receiver(self, dotted: str | None) -> bool:
        """`np.save(...)`, `pickle.load(...)`: a method of an imported module is not a model's."""
        return bool(dotted) and "." in dotted and dotted.split(".")[0] in self.names.imported

    def _program_hook(self, rules, original, updated, **fields):
        """For the other hooks (comparisons, classes, attributes, imports)."""
        if not rules:
            return updated
        fields.setdefault("flavour", self._file_flavour())
        return self._program_run(rules, original, updated, **fields)

    def _program_run(self, rules, original, node, **fields):
        for n, rule in enumerate(rules):
            if isinstance(node, cst.FlattenSentinel):
                # An earlier rule split the statement (modules.Statements): the rules after
                # it see each new statement, never the sentinel (handlers read node fields).
                parts = []
                for part in node.nodes:
                    done = self._program_run(rules[n:], original, part, **fields)
                    parts += done.nodes if isinstance(done, cst.FlattenSentinel) else [done]
                return type(node)(parts)
            if self.target not in rule.targets or not self.selection.selects(rule.id) or \
                    not self._gates(rule, node):
                continue
            self._site_dotted = fields.get("dotted", "")
            site = Site(node=node, original=original, module=self.module, names=self.names,
                        evidence=self.facts.evidence, source=self.setting, target=self.target,
                        facts=self.facts, **fields)
            needs, prunes = dict(self.names.needs), set(self.names.prunes)
            edits = self.program.handler(rule)(site, rule) or []
            applied = False
            for edit in edits if isinstance(edits, list) else [edits]:
                if self._program_report(original, rule, edit):
                    node, applied = edit.new, True
            if not applied:  # the imports a fix asked for (name_for) only if it was applied
                self.names.needs, self.names.prunes = needs, prunes
        return node

    def _removed_imports(self) -> None:
        """A name Keras 3 does not have, left in place because a use of it is manual: its
        import fails first at run time, so it carries the finding too."""
        for local, (code, _) in getattr(self, "removed_uses", {}).items():
            node = self.import_nodes.get(local)
            if node is not None:
                self._add(node, code=code, severity="error", fix=None, help=None,
                          message=f"`{local}` does not exist in Keras 3, and a use of it "
                                  f"below needs the manual change reported there")

    def _gates(self, rule, node) -> bool:
        if rule.keras1_only and not (self.setting == "keras1" or self.setting == "auto"
                                     and self.facts.evidence == "keras1"):
            return False
        if rule.when_keywords and isinstance(node, cst.Call):
            return any(a.keyword is not None and a.keyword.value in rule.when_keywords
                       for a in node.args)
        return True

    def _program_report(self, original, rule, edit: Edit) -> bool:
        """Report one edit; True when its fix is to be applied."""
        at = edit.at if edit.at is not None else original
        if edit.new is None and rule.data.get("removed_name") and \
                getattr(self, "_site_dotted", "") and "." not in self._site_dotted:
            self.removed_uses.setdefault(self._site_dotted, (rule.id, self._site_dotted))
        if edit.new is None:
            self._add(at, edit.arg, code=rule.id, message=edit.message,
                      severity=edit.severity, fix=None, help=edit.help)
            return False
        for node, code in edit.supersedes:
            self.pending = [p for p in self.pending if not (p[0] is node and
                                                            p[2].code == code)]
        applied = edit.fix in self.allowed and self.fixable(rule.id)
        replacement = self.module.code_for_node(edit.new)
        shown = " ".join(replacement.split())
        reported = self._add(at, edit.arg, code=rule.id, message=edit.message,
                             severity=edit.severity, fix=Fix(edit.fix, replacement, applied),
                             help=edit.help or f"Keras 3: `{shown}`")
        return reported and applied
