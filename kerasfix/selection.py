"""--select / --ignore: rule codes, code prefixes (`KF1`), rule names, or ALL."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIX = re.compile(r"^KF\d{0,3}$")


class SelectionError(ValueError):
    pass


@dataclass(frozen=True)
class Selection:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    names: tuple[tuple[str, str], ...] = ()  # (name, code) pairs, so names select too

    @classmethod
    def parse(cls, select: str, ignore: str, known: dict[str, str]) -> "Selection":
        """`known` maps rule names to codes; an unknown selector is a usage error."""
        def split(text: str) -> tuple[str, ...]:
            out = []
            for raw in filter(None, (s.strip() for s in (text or "").split(","))):
                token = known.get(raw, raw.upper() if raw.upper() == "ALL" else raw)
                if token != "ALL" and not _PREFIX.match(token):
                    raise SelectionError(f"unknown rule selector {raw!r} (use codes like KF103, "
                                         f"prefixes like KF1, rule names, or ALL)")
                out.append(token)
            return tuple(out)

        return cls(split(select), split(ignore))

    def selects_any(self, prefix: str) -> bool:
        """Could some code starting with `prefix` be selected (is the family worth running)?"""
        chosen = not self.select or any(
            s == "ALL" or s.startswith(prefix) or prefix.startswith(s) for s in self.select)
        return chosen and not any(_matches(s, prefix) for s in self.ignore)

    def selects(self, code: str) -> bool:
        if code == "KF000":
            return True  # not selectable or suppressible: an unread file is always reported
        chosen = not self.select or any(_matches(s, code) for s in self.select)
        return chosen and not any(_matches(s, code) for s in self.ignore)


def _matches(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)
