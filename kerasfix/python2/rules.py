"""The Python 2 rule records (KF001-KF009), for `kerasfix rules`, the docs and suppressions.

Every example runs as a test (tests/test_rule_examples.py) through the whole engine, so each
snippet names a Keras layer: without one, the engine's pre-filter skips the file. The `after`
snippets are also run against real Keras (tests/test_oracle_tables.py): they must not raise.
"""

from __future__ import annotations

from kerasfix.migrate.meta import MetaRule
from kerasfix.migrate.spec import Example

_FILE = "kerasfix/python2/rules.py"
_WHY = "Converted line for line before the Keras rules run (Python 2 does not parse)."

PRINT = MetaRule(
    "KF001", "print-statement",
    f"The Python 2 `print` statement: `print(...)` in Python 3 (a trailing comma becomes "
    f'`end=" "`, `>>f` becomes `file=f`). {_WHY} `print (a, b)` is left alone: it prints '
    f"the same values in Python 3.", "safe",
    examples=(
        Example(before='print "building"\nDense(8)', after='print("building")\nDense(8)'),
        Example(before='print "units", 8,\nDense(8)', after='print("units", 8, end=" ")\nDense(8)'),
        Example(before='import sys\nfrom keras.layers import Dense\nprint >>sys.stderr, "units"'
                       '\nprint\nprint "dense"\nDense(8)',
                after='import sys\nfrom keras.layers import Dense\nprint("units", '
                      'file=sys.stderr)\nprint()\nprint("dense")\nDense(8)'),
        Example(before='print "conv"\nConvolution2D(32, 3, 3, border_mode="same")',
                after='print("conv")\nConv2D(32, (3, 3), padding="same")'),
    ),
    oks=(Example(before='print("units", Dense(8).units)'),
         Example(before="print (8, Dense(8).units)"),
         Example(before="print = len\nDense(print([8]))")),
    file=_FILE)

EXCEPT = MetaRule(
    "KF002", "except-comma",
    f"The Python 2 `except E, e:`: `except E as e:` in Python 3. {_WHY}", "safe",
    examples=(
        Example(before="try:\n    Dense(8)\nexcept TypeError, e:\n    pass",
                after="try:\n    Dense(8)\nexcept TypeError as e:\n    pass"),
        Example(before="try:\n    Dense(8)\nexcept (TypeError, ValueError), e:\n    pass",
                after="try:\n    Dense(8)\nexcept (TypeError, ValueError) as e:\n    pass"),
    ),
    oks=(Example(before="try:\n    Dense(8)\nexcept (TypeError, ValueError):\n    pass"),),
    file=_FILE)

BACKTICKS = MetaRule(
    "KF003", "backtick-repr",
    f"Python 2 backticks `` `x` ``: `repr(x)` in Python 3. {_WHY}", "safe",
    examples=(Example(before="name = `Dense(8)`", after="name = repr(Dense(8))"),
              Example(before="name = `Dense, 8`", after="name = repr((Dense, 8))")),
    oks=(Example(before='name = "`Dense(8)`"  # `backticks` in strings and comments'),),
    file=_FILE)

INTEGER = MetaRule(
    "KF004", "python2-integer-literal",
    f"Python 2 integer literals: octal `0777` is `0o777` in Python 3, and the long suffix "
    f"goes (`10L` is `10`: Python 3 ints have no size limit). {_WHY}", "safe",
    examples=(Example(before="Dense(0777)", after="Dense(0o777)"),
              Example(before="Dense(10L)", after="Dense(10)")),
    oks=(Example(before="Dense(0o777)"), Example(before="Dense(00 + 8)")),
    file=_FILE)

NOT_EQUAL = MetaRule(
    "KF005", "diamond-not-equal",
    f"The Python 2 `<>` operator: `!=` in Python 3. {_WHY}", "safe",
    examples=(Example(before="if Dense <> None:\n    Dense(8)",
                      after="if Dense != None:\n    Dense(8)"),),
    oks=(Example(before="if Dense != None:\n    Dense(8)"),),
    file=_FILE)

UR_STRING = MetaRule(
    "KF006", "ur-string-prefix",
    f'The Python 2 `ur"..."` string prefix: `r"..."` in Python 3 (its strings are unicode). '
    f"A `\\u` escape, which Python 2 processed in `ur` strings, is KF009. {_WHY}", "safe",
    examples=(Example(before='Dense(8, name=ur"dense")', after='Dense(8, name=r"dense")'),),
    oks=(Example(before='Dense(8, name=u"dense")'),),
    file=_FILE)

RAISE = MetaRule(
    "KF007", "raise-comma",
    f"The Python 2 `raise E, V`: `raise E(V)` in Python 3 (`raise E, (a, b)` is "
    f"`raise E(a, b)`). `raise E, V, traceback` is KF009. {_WHY}", "safe",
    examples=(Example(before='if Dense is None:\n    raise ImportError, "no Dense"',
                      after='if Dense is None:\n    raise ImportError("no Dense")'),),
    oks=(Example(before='if Dense is None:\n    raise ImportError("no Dense")'),),
    file=_FILE)

EXEC = MetaRule(
    "KF008", "exec-statement",
    f"The Python 2 `exec` statement: `exec(code)`, `exec(code, ns)` in Python 3. Inside a "
    f"function without a namespace it is KF009: Python 3's `exec()` cannot set the "
    f"function's local variables. {_WHY}", "safe",
    examples=(Example(before='exec "n = 8"\nDense(8)', after='exec("n = 8")\nDense(8)'),
              Example(before='ns = {}\nexec "units = 8" in ns\nDense(ns["units"])',
                      after='ns = {}\nexec("units = 8", ns)\nDense(ns["units"])')),
    oks=(Example(before='exec("n = 8")\nDense(8)'),),
    file=_FILE)

UNCONVERTIBLE = MetaRule(
    "KF009", "python2-syntax",
    "Python 2 syntax kerasfix cannot convert safely (tuple parameters `def f((a, b)):`, "
    "`raise E, V, traceback`, `exec` in a function, `ur` strings with `\\u` escapes, and "
    "whatever still fails to parse once KF001-KF008 are converted). The file is left "
    "byte-identical, nothing in it is checked, and the run exits with 3: convert it by hand "
    "or with 2to3, then run kerasfix again.", "manual",
    examples=(
        Example(flag="def build((units, act)):\n    return Dense(units)",
                message="tuple parameter"),
        Example(flag='raise ValueError, "no Dense", tb\nDense(8)', message="traceback"),
        Example(flag='def build():\n    exec "units = 8"\n    return Dense(units)',
                message="`exec` statement in a function"),
        Example(flag='Dense(8, name=ur"\\u00e9")', message="`\\u` escape"),
    ),
    file=_FILE)

PYTHON2_RULES = (PRINT, EXCEPT, BACKTICKS, INTEGER, NOT_EQUAL, UR_STRING, RAISE, EXEC,
                 UNCONVERTIBLE)
