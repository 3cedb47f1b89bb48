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
