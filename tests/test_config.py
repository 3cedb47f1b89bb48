"""Configuration files: discovery, precedence, per-file-ignores, exclude, errors, `kerasfix config`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kerasfix.cli import main
from kerasfix.config import ConfigError, find, resolve

LEGACY = "from keras.layers import Convolution2D\nConvolution2D(8, 3, 3, border_mode='same')\n"
TRAP = "from keras.layers import Conv2D\nConv2D(8, 3, 3)\n"  # KF150 (a Keras 1 call to Conv2D)
DROPOUT = "from keras.layers import Dropout\nDropout(p=0.5)\n"  # KF103


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "pkg" / "legacy.py", LEGACY)
    write(tmp_path / "pkg" / "trap.py", TRAP)
    write(tmp_path / "pkg" / "drop.py", DROPOUT)
    return tmp_path


def test_no_config_gives_defaults(project):
    config = resolve(str(project))
    assert config.path is None and config["from"] == "auto" and config["select"] == []
    assert set(config.sources.values()) == {"default"}


def test_nearest_config_wins(project):
    write(project / "kerasfix.toml", 'ignore = ["KF1"]\n')
    write(project / "pkg" / ".kerasfix.toml", 'ignore = ["KF150"]\n')
    assert find(project / "pkg" / "legacy.py") == project / "pkg" / ".kerasfix.toml"
    result = invoke("check", project / "pkg")
    assert "KF112" in result.output and "KF150" not in result.output
    assert find(project) == project / "kerasfix.toml"


def test_pyproject_without_table_is_skipped(project):
    write(project / "kerasfix.toml", 'ignore = ["KF103"]\n')
    write(project / "pkg" / "pyproject.toml", '[project]\nname = "x"\n[tool.black]\n')
    assert find(project / "pkg") == project / "kerasfix.toml"
    result = invoke("check", project / "pkg")
    assert "KF103" not in result.output and "KF112" in result.output


def test_pyproject_table_is_read(project):
    write(project / "pyproject.toml", '[tool.kerasfix]\nselect = ["keras1-dropout-call"]\n'
                                      '[tool.kerasfix.shape]\ndata-format = "channels_first"\n')
    config = resolve(str(project / "pkg"))
    assert config["shape.data-format"] == "channels_first"
    result = invoke("check", project / "pkg")
    assert "KF103" in result.output and "KF112" not in result.output


def test_command_line_beats_config(project):
    write(project / "kerasfix.toml", 'ignore = ["KF103"]\noutput-format = "json"\n')
    result = invoke("check", project / "pkg", "--ignore", "KF1", "--output-format", "concise")
    assert result.exit_code == 0 and result.output.startswith("All checks passed")
    result = invoke("check", project / "pkg", "--ignore", "", "--output-format", "concise")
    assert "KF103" in result.output and not result.output.startswith("[")
    # Without the options the config applies.
    result = invoke("check", project / "pkg")
    codes = {f["code"] for f in json.loads(result.output)}
    assert codes == {"KF112", "KF150"}


def test_extend_select_adds_to_select(project):
    write(project / "kerasfix.toml", 'select = ["KF103"]\nextend-select = ["KF112"]\n')
    result = invoke("check", project / "pkg")
    assert "KF103" in result.output and "KF112" in result.output
    result = invoke("check", project / "pkg", "--select", "KF103")  # replaces both
    assert "KF103" in result.output and "KF112" not in result.output


def test_unsafe_fixes_from_config_and_no_unsafe_fixes(project):
    write(project / "kerasfix.toml", "unsafe-fixes = true\n")
    trap = project / "pkg" / "trap.py"
    invoke("fix", trap, "--no-unsafe-fixes", "--no-todo-comments")
    assert trap.read_text() == TRAP  # KF150's fix is unsafe: the command line said no
    invoke("fix", trap)
    assert trap.read_text() != TRAP  # the config said yes


def test_shapes_data_format_from_config(project):
    model = write(project / "m.py", "from keras.models import Sequential\n"
                  "from keras.layers import Conv2D\n"
                  "m = Sequential([Conv2D(8, (3, 3), input_shape=(3, 32, 32))])\n")
    write(project / "kerasfix.toml", '[shape]\ndata-format = "channels_first"\n')
    assert "(None, 8, 30, 30)" in invoke("shapes", model).output
    assert "(None, 1, 30, 8)" in invoke("shapes", model, "--data-format", "channels_last").output


def test_per_file_ignores(project):
    write(project / "kerasfix.toml", '[per-file-ignores]\n"pkg/legacy*.py" = ["KF1"]\n'
                                     '"trap.py" = ["ambiguous-positional-arguments"]\n')
    write(project / "other" / "legacy.py", LEGACY)
    result = invoke("check", project)
    assert "other/legacy.py:2:1: KF112" in result.output
    assert "pkg/legacy.py" not in result.output
    assert "KF150" not in result.output  # a bare file name matches in any folder


def test_per_file_ignores_are_not_fixed(project):
    write(project / "kerasfix.toml", '[per-file-ignores]\n"pkg/legacy.py" = ["KF112"]\n')
    write(project / "other" / "legacy.py", LEGACY)
    invoke("fix", project)
    assert (project / "pkg" / "legacy.py").read_text() == LEGACY
    assert (project / "other" / "legacy.py").read_text() != LEGACY


def test_exclude_prunes_discovery_but_not_explicit_paths(project):
    write(project / "kerasfix.toml", 'exclude = ["pkg/trap.py"]\nextend-exclude = ["gen*"]\n')
    write(project / "generated" / "legacy.py", LEGACY)
    result = invoke("check", project)
    assert "KF150" not in result.output and "generated" not in result.output
    assert "pkg/legacy.py:2:1: KF112" in result.output
    assert "KF150" in invoke("check", project / "pkg" / "trap.py").output


@pytest.mark.parametrize("body, key", [
    ('bogus = 1\n', "bogus"),
    ('[shape]\nassume = 1\n', "shape.assume"),
    ('from = "keras9"\n', "from"),
    ('jobs = -1\n', "jobs"),
    ('jobs = true\n', "jobs"),
    ('select = "KF1"\n', "select"),
    ('ignore = ["NOPE1"]\n', "ignore"),
    ('unsafe-fixes = "yes"\n', "unsafe-fixes"),
    ('[per-file-ignores]\n"a.py" = "KF1"\n', "per-file-ignores"),
    ('[shape]\ndata-format = "nchw"\n', "shape.data-format"),
])
def test_bad_config_exits_2_naming_file_and_key(project, body, key):
    path = write(project / "kerasfix.toml", body)
    result = invoke("check", project / "pkg")
    assert result.exit_code == 2
    assert f"{path}: {key}:" in result.output
    with pytest.raises(ConfigError):
        resolve(str(project))


def test_invalid_toml_exits_2(project):
    path = write(project / "pyproject.toml", "[tool.kerasfix\n")
    result = invoke("check", project / "pkg")
    assert result.exit_code == 2 and f"{path}: invalid TOML" in result.output


def test_explicit_config_and_isolated(project):
    write(project / "kerasfix.toml", "bogus = 1\n")  # would fail if it were read
    other = write(project / "elsewhere" / "custom.toml", 'ignore = ["KF150"]\n')
    result = invoke("check", project / "pkg", "--config", other)
    assert result.exit_code == 1 and "KF112" in result.output and "KF150" not in result.output
    result = invoke("check", project / "pkg", "--isolated")
    assert result.exit_code == 1 and "KF112" in result.output and "KF150" in result.output
    assert invoke("check", project / "pkg", "--config", project / "missing.toml").exit_code == 2


def test_config_command_text(project):
    path = write(project / "pyproject.toml", '[tool.kerasfix]\nfrom = "keras1"\njobs = 2\n'
                                             '[tool.kerasfix.per-file-ignores]\n"t/*" = ["KF5"]\n'
                                             '[tool.kerasfix.shape]\ndata-format = "channels_first"\n')
    result = invoke("config", project / "pkg")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert f'from = "keras1"  # {path}' in lines
    assert f"jobs = 2  # {path}" in lines
    assert f'per-file-ignores = {{ "t/*" = ["KF5"] }}  # {path}' in lines
    assert f'shape.data-format = "channels_first"  # {path}' in lines
    assert 'target = "keras3"  # default' in lines
    assert "select = []  # default" in lines
    assert "unsafe-fixes = false  # default" in lines
    isolated = invoke("config", project / "pkg", "--isolated").output
    assert 'from = "auto"  # default' in isolated


def test_config_command_json_and_errors(project):
    path = write(project / "kerasfix.toml", 'ignore = ["KF112"]\n')
    data = json.loads(invoke("config", project, "--output-format", "json").output)
    assert data["config_file"] == str(path)
    assert data["values"]["ignore"] == {"value": ["KF112"], "source": str(path)}
    assert data["values"]["jobs"] == {"value": 0, "source": "default"}
    write(project / "kerasfix.toml", "nope = 1\n")
    result = invoke("config", project)
    assert result.exit_code == 2 and "nope" in result.output


# --- hierarchy per file, respect-gitignore, fixable / unfixable (ux-spec 6.7)

def test_each_file_uses_its_closest_config(project):
    write(project / "kerasfix.toml", 'select = ["KF103"]\n')
    write(project / "sub" / "kerasfix.toml", 'select = ["KF112"]\n')
    write(project / "sub" / "legacy.py", LEGACY + DROPOUT)
    write(project / "top.py", LEGACY + DROPOUT)
    result = invoke("check", "--output-format", "concise", project)
    lines = result.output.splitlines()
    sub = [line for line in lines if "sub" in line and "KF" in line]
    top = [line for line in lines if "top.py" in line]
    assert sub and all("KF112" in line for line in sub)
    assert top and all("KF103" in line for line in top)
    # the command line still beats every config
    result = invoke("check", "--output-format", "concise", "--select", "KF150", project)
    assert "KF103" not in result.output and "KF112" not in result.output
    assert "KF150" in result.output
    # --config: one file for all
    result = invoke("check", "--output-format", "concise", "--config",
                    project / "sub" / "kerasfix.toml", project)
    assert "KF103" not in result.output and "top.py:2:1: KF112" in result.output


def test_subfolder_config_exclude_is_relative_to_it(project):
    write(project / "sub" / "kerasfix.toml", 'exclude = ["skip.py"]\n')
    write(project / "sub" / "skip.py", DROPOUT)
    write(project / "skip.py", DROPOUT)
    result = invoke("check", "--output-format", "concise", project)
    assert "sub/skip.py" not in result.output and f"{project / 'skip.py'}:2" in result.output


def _git_repo(path):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(path)], check=True)


def test_respect_gitignore(project):
    _git_repo(project)
    write(project / ".gitignore", "ignored/\ngen_*.py\n")
    write(project / "ignored" / "a.py", DROPOUT)
    write(project / "pkg" / "gen_b.py", DROPOUT)
    result = invoke("check", "--output-format", "concise", project)
    assert "ignored" not in result.output and "gen_b" not in result.output
    assert "drop.py" in result.output
    # a file named on the command line is always checked
    assert "KF103" in invoke("check", project / "pkg" / "gen_b.py").output
    write(project / "kerasfix.toml", "respect-gitignore = false\n")
    result = invoke("check", "--output-format", "concise", project)
    assert "ignored" in result.output and "gen_b" in result.output


def test_respect_gitignore_outside_a_repo_is_silent(project):
    write(project / ".gitignore", "pkg/\n")  # no git repository: not read
    result = invoke("check", "--output-format", "concise", project)
    assert "drop.py" in result.output and "error" not in result.output.split("\n")[-2]


def test_unfixable_keeps_the_fix_available(project):
    write(project / "kerasfix.toml", 'unfixable = ["KF103"]\n')
    path = project / "pkg" / "both.py"
    write(path, "from keras.layers import Dropout, Convolution2D\nDropout(p=0.5)\n"
                "Convolution2D(8, 3, 3, border_mode='same')\n")
    result = invoke("fix", "--output-format", "concise", path)
    text = path.read_text()
    assert "Dropout(p=0.5)" in text and "Conv2D(8, (3, 3), padding='same')" in text
    assert "KF103 [*]" in result.output and result.exit_code == 1


def test_fixable_limits_what_fix_applies(project):
    write(project / "kerasfix.toml", 'fixable = ["keras1-dropout-call"]\n')
    path = write(project / "pkg" / "both.py", "from keras.layers import Dropout, Convolution2D\n"
                 "Dropout(p=0.5)\nConvolution2D(8, 3, 3, border_mode='same')\n")
    invoke("fix", path)
    text = path.read_text()
    assert "Dropout(rate=0.5)" in text and "Convolution2D(8, 3, 3, border_mode" in text


@pytest.mark.parametrize("body", ['fixable = ["KX1"]\n', 'unfixable = "KF1"\n',
                                  "respect-gitignore = 1\n"])
def test_new_keys_are_validated(project, body):
    write(project / "kerasfix.toml", body)
    result = invoke("check", project)
    assert result.exit_code == 2 and "kerasfix.toml" in result.output


def test_shape_data_format_from_config_decides_the_shape_checker(tmp_path):
    """A model that fails only under channels_last: reported by default (with the caveat),
    not at all when the config says the user runs channels_first."""
    model = ("import keras\nfrom keras import layers\n"
             "m = keras.Sequential([keras.Input(shape=(3, 32, 32)), layers.Conv2D(8, 5),"
             " layers.MaxPooling2D(4)])\n")
    (tmp_path / "m.py").write_text(model)
    default = CliRunner().invoke(main, ["check", str(tmp_path / "m.py"), "--select", "KF5"])
    assert "channels_last, the Keras default" in default.output
    (tmp_path / "kerasfix.toml").write_text('[shape]\ndata-format = "channels_first"\n')
    declared = CliRunner().invoke(main, ["check", str(tmp_path / "m.py"), "--select", "KF5"])
    assert declared.exit_code == 0, declared.output
