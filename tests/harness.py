"""Run kerasfix on a snippet the way the rule examples are written."""

from __future__ import annotations

from kerasfix.engine import Settings, SourceResult, run_source
from kerasfix.selection import Selection

PRELUDE = "from keras.layers import *\n"


def wrap(snippet: str) -> str:
    """A snippet without imports is a call on `from keras.layers import *`."""
    return snippet if "import" in snippet else PRELUDE + snippet


def unwrap(text: str) -> str:
    return text[len(PRELUDE):] if text.startswith(PRELUDE) else text


def run(snippet: str, *, fix: bool = True, unsafe: bool = False, source: str = "auto",
        only: str = "", todos: bool = False) -> SourceResult:
    """`todos`: also write `# TODO(kerasfix)` comments, as `kerasfix fix` does; off here, where
    examples show what a rule's fix writes (tests/test_todo.py tests the comments)."""
    settings = Settings(source=source, fix=fix, unsafe_fixes=unsafe,
                        selection=Selection(select=(only,) if only else ()), todo_comments=todos)
    return run_source(wrap(snippet).encode(), settings)


def fixed_text(snippet: str, **kw) -> str:
    result = run(snippet, **kw)
    text = (result.new or wrap(snippet).encode()).decode()
    return unwrap(text) if wrap(snippet) != snippet else text


class Family:
    """`run` / `fixed` / `once` for the engine tests of one family of program rules, on whole
    sources (they carry their own imports), with `select` their code prefixes by default."""

    def __init__(self, *select: str):
        self.select = select

    def run(self, src: str, *, fix: bool = True, unsafe: bool = False, source: str = "auto",
            select: tuple | None = None) -> SourceResult:
        settings = Settings(source=source, fix=fix, unsafe_fixes=unsafe,
                            selection=Selection(select=select or self.select))
        return run_source(src.encode(), settings)

    def fixed(self, src: str, **kw) -> str:
        """The fixed text, without the `# TODO(kerasfix)` lines `fix` writes above what it
        leaves (another feature's business: these tests are about the rewrites)."""
        text = (self.run(src, **kw).new or src.encode()).decode()
        return "".join(line for line in text.splitlines(keepends=True)
                       if not line.lstrip().startswith("# TODO(kerasfix)"))

    def once(self, src: str, **kw) -> str:
        """Fix; the result parses and a second fix changes nothing."""
        import ast

        out = self.fixed(src, **kw)
        ast.parse(out)
        assert self.fixed(out, **kw) == out, "a second fix must change nothing"
        return out
