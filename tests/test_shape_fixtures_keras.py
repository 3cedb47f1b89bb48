"""The oracle for the shape fixtures (fixtures/shapes): every mark is confirmed by real Keras 3
(TensorFlow backend), so the static checker is tested against what Keras does, not against
what someone believed.

- broken_ fixtures: building raises, at the marked line and nowhere else, with the error family
  of the marked code (KF501 vs KF502 decided by the arithmetic of the failing layer itself);
  `channels_last` marks: the whole file builds when image_data_format is channels_first;
  unsuffixed marks: the file fails under channels_first too (somewhere: the line may differ).
- ok_ fixtures: every model builds (under the formats of their `# fixture-formats:` line).
- Keras 1 fixtures (`*_keras1_*`) are migrated in memory by kerasfix first, which must keep
  every line where it was.

Which line a failure is on: the deepest traceback frame inside the fixture file. When that frame
is not where the failing layer was created or called (a `Sequential([...])` list, which builds
in the constructor), the line where Keras created the failing layer, which lies inside the
constructor call.

The fixtures are only built, never called: TensorFlow on CPU cannot run some channels_first
convolutions, but builds them symbolically. Each top-level statement runs on its own, so that
independent models in one file are all tried; after a failure, statements that use the failed
model's objects are skipped (they would fail again for the same reason).
"""

from __future__ import annotations

import ast
import builtins
import os
import re
import sys
import warnings
from dataclasses import dataclass, field

import pytest

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["KERAS_BACKEND"] = "tensorflow"  # both before Keras is first imported

from tests.oracle_support import keras  # imports Keras under the settings above
from tests.shape_corpus import ShapeFixture, broken_fixtures, ok_fixtures, parse_marks

pytestmark = pytest.mark.oracle

BROKEN = broken_fixtures()
OK = ok_fixtures()
KERAS1 = [f for f in BROKEN + OK if f.keras1]

Layer = keras.layers.Layer

# The error family Keras 3 raises for each code (Keras 3.15 wording).
FAMILIES = {
    "KF501": ("Computed output size would be zero or negative",),
    "KF502": ("Computed output size would be zero or negative",),
    "KF505": ("requires inputs with matching shapes", "Inputs have incompatible shapes"),
    "KF506": ("total size of the tensor must be unchanged",),
    "KF507": ("`cropping`",),
    "KF508": ("is incompatible with the layer: expected",),
}
CROPPING_TOO_LARGE = ("should be smaller than", "must be smaller than")


# --------------------------------------------------------------------------------------------
# Running a fixture


@dataclass
class Created:
    layer: object
    line: int  # line of the fixture being executed when Keras created the layer


@dataclass
class Failure:
    line: int  # where the failure is reported (see the module docstring)
    deepest: int  # the deepest frame inside the fixture
    exc: BaseException
    layer: object | None  # the layer whose build / call raised
    how: str  # how `line` was chosen

    @property
    def message(self) -> str:
        return " ".join(str(self.exc).split())

    def __str__(self) -> str:
        name = type(self.layer).__name__ if self.layer is not None else "?"
        return (f"line {self.line} ({self.how}; deepest frame {self.deepest}), layer {name}: "
                f"{type(self.exc).__name__}: {self.message[:300]}")


@dataclass
class Run:
    failures: list[Failure] = field(default_factory=list)
    created: dict[int, Created] = field(default_factory=dict)
    namespace: dict = field(default_factory=dict)
    skipped: list[int] = field(default_factory=list)  # lines of statements not run

    def created_between(self, first: int, last: int) -> list[object]:
        return [c.layer for c in self.created.values() if first <= c.line <= last]


def program_text(fixture: ShapeFixture) -> str:
    """What Keras 3 runs: the file, or for Keras 1 files the kerasfix migration of it."""
    text = fixture.path.read_text(encoding="utf-8")
    if not fixture.keras1:
        return text
    from kerasfix.engine import Settings, run_source

    result = run_source(text.encode("utf-8"), Settings(fix=True, source="keras1"))
    assert result.new is not None, f"{fixture.id}: kerasfix migrated nothing: not Keras 1 code?"
    return result.new.decode("utf-8")


def _fixture_line(frame, filename: str) -> int | None:
    while frame is not None:
        if frame.f_code.co_filename == filename:
            return frame.f_lineno
        frame = frame.f_back
    return None


def _walk(tb):
    while tb is not None:
        yield tb.tb_frame, tb.tb_lineno
        tb = tb.tb_next


def _is_layer(obj) -> bool:
    return isinstance(obj, Layer) and not isinstance(obj, keras.Model)


def _is_model_state(value) -> bool:
    """Keras objects, and containers a failed statement may have left half-filled."""
    if isinstance(value, (list, dict, set)):
        return True
    if isinstance(value, tuple):
        return any(_is_model_state(v) for v in value)
    return isinstance(value, (Layer, keras.KerasTensor))


def _failure(exc: BaseException, filename: str, run: Run) -> Failure:
    frames = list(_walk(exc.__traceback__))
    inside = [i for i, (frame, _) in enumerate(frames) if frame.f_code.co_filename == filename]
    assert inside, f"no traceback frame in {filename}: {exc!r}"
    deepest_index = inside[-1]
    deepest = frames[deepest_index][1]
    layer = next((frame.f_locals["self"] for frame, _ in reversed(frames)
                  if _is_layer(frame.f_locals.get("self"))), None)
    if layer is None:
        return Failure(deepest, deepest, exc, None, "no failing layer found")
    created = run.created.get(id(layer))
    callee = frames[deepest_index + 1][0] if deepest_index + 1 < len(frames) else None
    if callee is not None and callee.f_locals.get("self") is layer:
        return Failure(deepest, deepest, exc, layer, "layer called here")
    if created is None or created.line == deepest:
        return Failure(deepest, deepest, exc, layer, "layer created here")
    return Failure(created.line, deepest, exc, layer, "built later; line where it was created")


class _Names(ast.NodeVisitor):
    """Names a top-level statement reads and binds, not looking into function bodies."""

    def __init__(self):
        self.loads: set[str] = set()
        self.stores: set[str] = set()

    def visit_Name(self, node):
        (self.loads if isinstance(node.ctx, ast.Load) else self.stores).add(node.id)

    def visit_FunctionDef(self, node):
        self.stores.add(node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self.stores.add(node.name)

    def visit_Lambda(self, node):
        pass

    def visit_alias(self, node):
        self.stores.add((node.asname or node.name).split(".")[0])


def _names(stmt: ast.stmt) -> tuple[set[str], set[str]]:
    names = _Names()
    names.visit(stmt)
    return names.loads, names.stores


def run_fixture(fixture: ShapeFixture, text: str, data_format: str) -> Run:
    """Build the fixture's models under `data_format` as the default. Never raises for a
    failing statement: failures are collected."""
    filename = str(fixture.path)
    run = Run()
    original_init = Layer.__init__

    def recording_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if id(self) not in run.created:
            line = _fixture_line(sys._getframe(1), filename)
            if line is not None:
                run.created[id(self)] = Created(self, line)

    tree = ast.parse(text, filename=filename)
    run.namespace.update({"__name__": "kerasfix_shape_fixture_" + fixture.id,
                          "__file__": filename, "__builtins__": builtins})
    previous_format = keras.config.image_data_format()
    filtering = keras.config.is_traceback_filtering_enabled()
    poisoned: set[str] = set()
    Layer.__init__ = recording_init
    keras.config.disable_traceback_filtering()  # keep the frames that name the failing layer
    keras.config.set_image_data_format(data_format)
    try:
        for stmt in tree.body:
            loads, stores = _names(stmt)
            if loads & poisoned:
                run.skipped.append(stmt.lineno)
                poisoned |= stores
                continue
            code = compile(ast.Module(body=[stmt], type_ignores=[]), filename, "exec")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # input_shape= on a layer: still legal
                    exec(code, run.namespace)  # noqa: S102 - the fixture is the test input
            except Exception as exc:  # noqa: BLE001 - every failure is a finding to compare
                run.failures.append(_failure(exc, filename, run))
                poisoned |= stores | {n for n in loads
                                      if _is_model_state(run.namespace.get(n))}
            else:
                poisoned -= stores
    finally:
        keras.config.set_image_data_format(previous_format)
        if filtering:
            keras.config.enable_traceback_filtering()
        Layer.__init__ = original_init
    return run


# --------------------------------------------------------------------------------------------
# What a failure means


def _ints(text: str) -> list[int | None]:
    return [None if v == "None" else int(v) for v in re.split(r"[\s,]+", text.strip()) if v]


def _input_shape(failure: Failure):
    found = re.search(r"inputs[ .]shape=[(\[]([^)\]]*)[)\]]", failure.message)
    return tuple(_ints(found.group(1))) if found else None


def collapsed_sizes(failure: Failure) -> list[int]:
    """The output sizes of the failing conv/pool layer, recomputed from its own settings and
    the input shape Keras reports (shape-rules.md section 2)."""
    layer, shape = failure.layer, _input_shape(failure)
    assert shape is not None, f"no input shape in the Keras message: {failure}"
    rank = len(shape) - 2
    spatial = shape[1:-1] if layer.data_format == "channels_last" else shape[2:]
    if hasattr(layer, "pool_size"):
        kernel, dilation = tuple(layer.pool_size), (1,) * rank
    else:
        kernel, dilation = tuple(layer.kernel_size), tuple(layer.dilation_rate)
    strides = tuple(layer.strides) if layer.strides is not None else kernel
    return [(n - d * (k - 1) - 1) // s + 1
            for n, k, s, d in zip(spatial, kernel, strides, dilation) if n is not None]


def code_problems(failure: Failure, code: str) -> list[str]:
    """Why `failure` is not what `code` says (empty when it is)."""
    message = failure.message
    if not any(text in message for text in FAMILIES[code]):
        return [(f"Keras raised something else than {code} expects "
                 f"({' / '.join(FAMILIES[code])}): {failure}")]
    if code == "KF507" and not any(text in message for text in CROPPING_TOO_LARGE):
        return [f"not a cropping-too-large error: {failure}"]
    if code == "KF508" and "ndim" not in message:
        return [f"not a rank error: {failure}"]
    if code in ("KF501", "KF502"):
        sizes = collapsed_sizes(failure)
        bad = [n for n in sizes if n <= 0]
        if not bad:
            return [f"recomputed sizes {sizes} do not collapse: {failure}"]
        if any(n < 0 for n in bad) and any(n == 0 for n in bad):
            return [f"ambiguous fixture: one axis is 0 and another negative ({sizes})"]
        actual = "KF501" if bad[0] < 0 else "KF502"
        if actual != code:
            return [f"the size is {bad[0]} (sizes {sizes}), that is {actual}, not {code}"]
    return []


INPUT_KEYWORDS = ("input_shape", "shape", "batch_input_shape", "batch_shape")


def declared_input_shape(layer):
    if isinstance(layer, keras.layers.InputLayer):
        return tuple(layer.batch_shape[1:])
    shape = getattr(layer, "_input_shape_arg", None)
    return tuple(shape) if shape is not None else None


def looks_channels_first(shape) -> bool:
    """(1, 28, 28), (3, 150, 150), (4, 84, 84): a small first axis before larger spatial ones."""
    if shape is None or len(shape) < 3 or any(d is None for d in shape):
        return False
    return shape[0] <= 4 and all(shape[0] < d for d in shape[1:])


def input_calls_on_line(text: str, line: int) -> list[ast.Call]:
    """Calls with an input-shape keyword whose value is on `line` (the convention), or that
    start on `line` (where a checker may prefer to report)."""
    calls = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg in INPUT_KEYWORDS and (
                        kw.value.lineno <= line <= kw.value.end_lineno or node.lineno == line):
                    calls.append(node)
    return calls


# --------------------------------------------------------------------------------------------
# Tests


def _describe(failures) -> str:
    return "\n  ".join(str(f) for f in failures) or "(none)"


@pytest.mark.parametrize("fixture", BROKEN, ids=[f.id for f in BROKEN])
def test_broken_fixture_fails_where_marked(fixture):
    assert fixture.failure_marks, f"{fixture.id} marks no failing layer"
    text = program_text(fixture)
    run = run_fixture(fixture, text, "channels_last")

    expected = sorted(m.line for m in fixture.failure_marks)
    actual = sorted(f.line for f in run.failures)
    assert actual == expected, (
        f"{fixture.id}: marked failures on lines {expected}, Keras 3 (channels_last) fails on "
        f"lines {actual}:\n  {_describe(run.failures)}")

    problems = []
    for mark in fixture.failure_marks:
        failure = next(f for f in run.failures if f.line == mark.line)
        problems += [f"{mark}: {p}" for p in code_problems(failure, mark.code)]
    for mark in fixture.warning_marks:  # KF503: a channels-first-looking declared input
        calls = input_calls_on_line(text, mark.line)
        shapes = [declared_input_shape(layer) for call in calls
                  for layer in run.created_between(call.lineno, call.end_lineno)]
        if not any(looks_channels_first(s) for s in shapes):
            problems.append(f"{mark}: no channels-first-looking input shape declared on this "
                            f"line (declared: {shapes})")
    assert not problems, f"{fixture.id}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("fixture", BROKEN, ids=[f.id for f in BROKEN])
def test_broken_fixture_under_channels_first(fixture):
    formats = {m.data_format for m in fixture.failure_marks}
    assert len(formats) == 1, (f"{fixture.id}: mixes channels_last-only and unconditional "
                               f"failure marks; split it into two fixtures")
    run = run_fixture(fixture, program_text(fixture), "channels_first")
    if fixture.only_channels_last:
        assert not run.failures, (
            f"{fixture.id}: marked 'channels_last' (fails only under that default), but it "
            f"also fails under channels_first:\n  {_describe(run.failures)}")
        _assert_models_built(fixture, run)
    else:
        assert run.failures, (
            f"{fixture.id}: builds under channels_first; its marks should say "
            f"'channels_last'")


def _assert_models_built(fixture, run):
    models = [v for v in run.namespace.values() if isinstance(v, keras.Model)]
    assert models, f"{fixture.id}: no model bound to a module-level name"
    unbuilt = [m.name for m in models if not m.built]
    assert not unbuilt, f"{fixture.id}: models not built (no input shape?): {unbuilt}"


OK_RUNS = [(f, fmt) for f in OK for fmt in f.formats]


@pytest.mark.parametrize("fixture,data_format", OK_RUNS,
                         ids=[f"{f.id}-{fmt}" for f, fmt in OK_RUNS])
def test_ok_fixture_builds(fixture, data_format):
    assert not fixture.marks, f"{fixture.id}: an ok_ fixture carries marks {fixture.marks}"
    run = run_fixture(fixture, program_text(fixture), data_format)
    assert not run.failures, (f"{fixture.id} does not build under {data_format}:\n  "
                              f"{_describe(run.failures)}")
    _assert_models_built(fixture, run)


@pytest.mark.parametrize("fixture", KERAS1, ids=[f.id for f in KERAS1])
def test_keras1_migration_keeps_lines(fixture):
    original = fixture.path.read_text(encoding="utf-8")
    migrated = program_text(fixture)
    assert len(migrated.splitlines()) == len(original.splitlines())
    assert parse_marks(migrated) == parse_marks(original)
    # the statements start on the same lines, so a traceback line means the same layer
    starts = [[(type(n).__name__, n.lineno) for n in ast.walk(ast.parse(t))
               if isinstance(n, (ast.stmt, ast.Call))] for t in (original, migrated)]
    assert starts[0] == starts[1]

