"""Python 2 pre-pass (KF001-KF009): Keras 1 code is often Python 2, which does not parse.

When `ast.parse` fails, `hook.pre_pass` tokenizes the source (`tokens.py`), finds the Python 2
forms (`statements.py`: print, exec, raise, except; `literals.py`: backticks, octal and
long literals, `<>`, `ur""`), converts them without adding or removing a line
(`edits.py`), and hands the converted text to the Keras analysis. Rule records: `rules.py`.

Only `rules.py` is imported on every run (by the registry); the rest only after a
SyntaxError, so a file that parses as Python 3 pays nothing.
"""
