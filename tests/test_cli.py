"""The command line: exit codes, output formats, selection, --diff, rules."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kerasfix.cli import main

LEGACY = "from keras.layers import Convolution2D\nx = Convolution2D(8, 3, 3, border_mode='same')\n"
MANUAL = "from keras.layers import Convolution2D\ny = Convolution2D(8, 3, 3, border_mode='full')\n"
CLEAN = "from keras.layers import Conv2D\nx = Conv2D(8, 3, padding='same')\n"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "legacy.py").write_text(LEGACY)
    (tmp_path / "clean.py").write_text(CLEAN)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "manual.py").write_text(MANUAL)
    return tmp_path


def test_check_exit_codes(tree):
    assert invoke("check", tree / "clean.py").exit_code == 0
    assert invoke("check", tree / "legacy.py").exit_code == 1
    (tree / "py2.py").write_text("from keras.layers import Dense\nx = = 1\n")
    result = invoke("check", tree)
    assert result.exit_code == 3, result.output  # not analysed beats findings
    assert "py2.py:2:1: KF000" in result.output
    assert "legacy.py:2:5: KF112" in result.output  # the run went on
    assert invoke("check", tree / "missing.py").exit_code == 2
    assert invoke("check", "--select", "XYZ", tree).exit_code == 2


def test_check_is_read_only_and_recursive(tree):
    result = invoke("check", tree, "--output-format", "concise")
    assert "sub/manual.py:2:5: KF112" in result.output
    assert (tree / "legacy.py").read_text() == LEGACY


def test_fix_rewrites_and_reports_what_is_left(tree):
    result = invoke("fix", tree)
    assert (tree / "legacy.py").read_text() == \
        "from keras.layers import Conv2D\nx = Conv2D(8, (3, 3), padding='same')\n"
    todo = "# TODO(kerasfix): KF112 `border_mode='full'` has no Keras 3 padding mode\n"
    assert (tree / "sub" / "manual.py").read_text() == MANUAL.replace("y =", todo + "y =")
    assert result.exit_code == 1  # the manual finding remains
    assert "1 fixed" in result.output and "1 need manual changes" in result.output
    (tree / "sub" / "manual.py").unlink()
    assert invoke("fix", tree).exit_code == 0


def test_fix_diff_writes_nothing(tree):
    result = invoke("fix", "--diff", tree / "legacy.py")
    assert result.exit_code == 1
    assert "-x = Convolution2D(8, 3, 3, border_mode='same')" in result.output
    assert "+x = Conv2D(8, (3, 3), padding='same')" in result.output
    assert (tree / "legacy.py").read_text() == LEGACY


def test_json_fields(tree):
    result = invoke("check", tree / "legacy.py", "--output-format", "json")
    [finding] = json.loads(result.output)
    for key in ("path", "line", "column", "end_line", "end_column", "code", "name", "message",
                "severity", "fix"):
        assert key in finding
    assert (finding["line"], finding["column"], finding["code"]) == (2, 5, "KF112")
    assert finding["name"] == "keras1-conv2d-call"
    assert finding["fix"]["applicability"] == "safe"
    assert finding["fix"]["replacement"] == "Conv2D(8, (3, 3), padding='same')"


def test_select_and_ignore(tree):
    assert invoke("check", tree / "legacy.py", "--ignore", "KF1").exit_code == 0
    assert invoke("check", tree / "legacy.py", "--ignore", "keras1-conv2d-call").exit_code == 0
    assert invoke("check", tree / "legacy.py", "--select", "KF112").exit_code == 1
    assert invoke("check", tree / "legacy.py", "--select", "KF5").exit_code == 0
    invoke("fix", tree / "legacy.py", "--ignore", "KF112")
    assert (tree / "legacy.py").read_text() == LEGACY


def test_trap_needs_unsafe_fixes(tmp_path):
    path = tmp_path / "t.py"
    path.write_text("from keras.layers import Conv2D\nConv2D(8, 3, 3)\n")
    result = invoke("fix", path)
    assert "KF150" in result.output and result.exit_code == 1
    assert path.read_text() == ("from keras.layers import Conv2D\n# TODO(kerasfix): KF150 "
                                "unsafe fix: review it with `kerasfix fix --unsafe-fixes "
                                "--diff`\nConv2D(8, 3, 3)\n")
    assert invoke("fix", path, "--unsafe-fixes").exit_code == 0  # the TODO goes with it
    assert path.read_text() == "from keras.layers import Conv2D\nConv2D(8, (3, 3))\n"
    path.write_text("from keras.layers import Conv2D\nConv2D(8, 3, 3)\n")
    assert invoke("fix", path, "--from", "tf.keras").exit_code == 0
    assert invoke("fix", path, "--from", "keras1").exit_code == 0
    assert path.read_text() == "from keras.layers import Conv2D\nConv2D(8, (3, 3))\n"


def test_rules_and_rule():
    listing = invoke("rules")
    assert listing.exit_code == 0 and "KF112" in listing.output and "KF150" in listing.output
    rows = json.loads(invoke("rules", "--output-format", "json").output)
    assert len({r["code"] for r in rows}) == len(rows)
    explained = invoke("rule", "KF112")
    assert "Convolution2D(64, 9, 9" in explained.output
    assert invoke("rule", "keras1-conv2d-call").output == explained.output
    assert invoke("rule", "KF999").exit_code == 2


def test_version_is_fast_and_never_imports_keras():
    code = ("import sys, kerasfix.cli\n"
            "from click.testing import CliRunner\n"
            "CliRunner().invoke(kerasfix.cli.main, ['check', sys.argv[1]])\n"
            "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
            "print(bad)\n")
    out = subprocess.run([sys.executable, "-c", code, __file__], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr
    version = subprocess.run([sys.executable, "-m", "kerasfix", "--version"],
                             capture_output=True, text=True)
    assert version.returncode == 0 and "kerasfix" in version.stdout


def test_a_keras3_only_keyword_rules_out_the_keras1_reading(tmp_path):
    """`padding=` did not exist in Keras 1, and Keras 2's shim refused it next to Keras 1
    positionals: `Conv2D(32, 3, 3, padding='same')` means strides=3, so no trap and no fix."""
    path = tmp_path / "t.py"
    source = "from keras.layers import Conv2D\nConv2D(32, 3, 3, padding='same')\n"
    path.write_text(source)
    result = invoke("fix", path, "--unsafe-fixes")
    assert result.exit_code == 0 and path.read_text() == source


SHAPES = ("import keras\nfrom keras import layers\n"
          "model = keras.Sequential([keras.Input(shape=(6, 6, 1)),\n"
          "    layers.Conv2D(4, 3),\n    layers.MaxPooling2D(),\n    layers.Conv2D(4, 3)])\n")


def test_shapes_command_text_and_json(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(SHAPES)
    text = invoke("shapes", path)
    assert text.exit_code == 1  # a layer fails
    assert "model `model`" in text.output
    assert "(None, 4, 4, 4)" in text.output and "(None, 2, 2, 4)" in text.output
    assert "x KF502" in text.output  # (2 - 3) // 1 + 1 = 0
    [model] = json.loads(invoke("shapes", path, "--output-format", "json").output)
    names = [layer["name"] for layer in model["layers"]]
    assert names == ["Input", "Conv2D", "MaxPooling2D", "Conv2D"]
    assert model["layers"][2]["output"] == [None, 2, 2, 4]
    assert model["layers"][3]["error"]["code"] == "KF502"
    assert [layer["line"] for layer in model["layers"]] == [3, 4, 5, 6]


def test_check_reports_shapes_and_select_can_drop_them(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(SHAPES)
    result = invoke("check", path, "--output-format", "concise")
    assert "m.py:6:5: KF502" in result.output and result.exit_code == 1
    assert "channels_last, the Keras default" not in result.output  # fails under both
    assert invoke("check", path, "--ignore", "KF5").exit_code == 0


def test_select_and_ignore_the_trap_on_its_own(tmp_path):
    path = tmp_path / "t.py"
    path.write_text("from keras.layers import Conv2D\nConv2D(8, 3, 3)\n"
                    "Conv2D(8, 3, kernel_constraint='maxnorm')\n")  # KF112, no Keras 1 evidence
    only_trap = invoke("check", path, "--select", "KF150", "--output-format", "concise").output
    assert "KF150" in only_trap and "KF112" not in only_trap
    no_trap = invoke("check", path, "--ignore", "KF150", "--output-format", "concise").output
    assert "KF112" in no_trap and "KF150" not in no_trap
