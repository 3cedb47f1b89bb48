"""What a program-rule handler sees (a Site) and what it returns (Edits).

A handler is `def handler(site: Site, rule: ProgramRule) -> Edit | list[Edit] | None`. It reads
`site.node` (the node as rewritten so far), decides, and returns edits; the transformer
reports each edit as a finding on `site.original` and, when the fix is allowed, puts
`edit.new` in place of the node. Handlers never touch files, positions or selection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from kerasfix.migrate.arguments import value_of
from kerasfix.migrate.kinds import literal

_OPAQUE = literal(None)


@dataclass
class Edit:
    message: str
    new: cst.CSTNode | None = None  # the node's replacement; None: report only
    fix: str = "safe"  # safe | unsafe; ignored (manual) when `new` is None
    help: str | None = None
    at: cst.CSTNode | None = None  # a node of the ORIGINAL tree to point at; default the site
    arg: int = -1  # point at the arg-th argument of `at` (a Call) instead
    severity: str = "error"  # "warning" for what runs but means something else
    # (original node, code) findings this edit makes moot: a layer's KF100 "batch_input_shape
    # is refused" when the statement around it moves the shape into an Input
    supersedes: tuple = ()

    @property
    def applicability(self) -> str:
        return "manual" if self.new is None else self.fix


@dataclass
class Site:
    node: cst.CSTNode  # as rewritten so far (by earlier rules on the same node)
    original: cst.CSTNode  # the node in the module as parsed: what findings point at
    module: cst.Module
    names: object  # naming.Names: name_for() and the imports it needs
    qualname: str = ""  # the public Keras name called, e.g. "keras.models.Model"
    dotted: str = ""  # the callee as written, e.g. "K.image_dim_ordering"
    flavour: str = "keras"  # "keras" or "tf.keras"
    evidence: str = ""  # what the file shows: "keras1", "keras3" or ""
    source: str = "auto"  # --from
    target: str = "keras3"  # --target
    facts: object = None  # migrate.facts.FileFacts
    extra: dict = field(default_factory=dict)

    @property
    def keras1(self) -> bool:
        """Was the file written for Keras 1 (by --from, or by evidence in the file)?"""
        if self.source != "auto":
            return self.source == "keras1"
        return self.evidence == "keras1"

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def value(self, node: cst.BaseExpression):
        """The literal value of an expression, or an opaque marker (see is_literal)."""
        return value_of(self.module, node)

    def is_literal(self, node: cst.BaseExpression) -> bool:
        return self.value(node) is not _OPAQUE

    def name_for(self, qualname: str) -> str:
        """How generated code should spell a public Keras name (or `numpy.argmax`), adding
        the import it needs if the file has none."""
        return self.names.name_for(qualname, self.flavour)

    def maybe_unused(self, local: str) -> None:
        """After this rewrite the imported name `local` may be unused: drop its import then."""
        self.names.prunes.add(local)
