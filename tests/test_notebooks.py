"""Jupyter notebooks: cells joined for analysis, findings located by cell, byte-minimal fixes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from kerasfix.cli import main
from kerasfix.nbjson import locate, rewrite

FIXTURE = Path(__file__).parent.parent / "fixtures" / "notebooks" / "legacy_mnist.ipynb"
IMPORTS = "import numpy as np\nfrom keras.layers import Convolution2D, Dense"
LEGACY = "x = np.zeros(3)\nlayer = Convolution2D(32, 3, 3, border_mode='same')"
FIXED = "x = np.zeros(3)\nlayer = Conv2D(32, (3, 3), padding='same')"


def code(source, count=None, outputs=()):
    return {"cell_type": "code", "execution_count": count, "metadata": {"tags": ["t"]},
            "outputs": list(outputs), "source": source.splitlines(keepends=True)}


def markdown(source):
    return {"cell_type": "markdown", "metadata": {}, "source": source.splitlines(keepends=True)}


OUTPUT = {"name": "stdout", "output_type": "stream", "text": ["Convolution2D(32, 3, 3) é\n"]}


def notebook(*cells):
    return {"cells": list(cells),
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                        "name": "python3"}, "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def write(path, nb):
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def findings(*args):
    result = invoke("check", "--output-format", "json", *args)
    return result.exit_code, json.loads(result.output)


def basic(tmp_path, name="nb.ipynb"):
    return write(tmp_path / name, notebook(code(IMPORTS, 1), markdown("# Model é\n"),
                                           code(LEGACY, 7, [OUTPUT])))


def test_finding_located_by_cell_with_execution_count(tmp_path):
    path = basic(tmp_path)
    result = invoke("check", "--output-format", "concise", path)
    assert result.exit_code == 1
    assert f"{path}:cell 3:2:9: KF112 [*] " in result.output
    assert result.output.splitlines()[0].endswith("[In 7]")
    _, items = findings(path)
    assert [(f["cell"], f["line"], f["column"], f["code"]) for f in items] == [(3, 2, 9, "KF112")]
    text = invoke("check", path).output  # the frame shows the cell's line
    assert "2 | layer = Convolution2D(32, 3, 3, border_mode='same')" in text


def test_ipython_syntax_is_masked(tmp_path):
    magics = ("%matplotlib inline\n!pip install keras==1.2.2\nfiles = !ls\nnp.zeros?\n"
              "for i in range(2):\n    !echo {i}\n" + IMPORTS)
    timed = "%%time\nlayer = Convolution2D(8, 3, 3, border_mode='same')"
    path = write(tmp_path / "nb.ipynb", notebook(code(magics, 1), code(timed, 2)))
    _, items = findings(path)
    assert [(f["cell"], f["line"], f["code"]) for f in items] == [(2, 2, "KF112")]


def test_non_python_cell_magic_is_skipped(tmp_path):
    bash = "%%bash\necho 'Convolution2D(8, 3, 3)' && print 'x'"
    path = write(tmp_path / "nb.ipynb", notebook(code(IMPORTS), code(bash), code(LEGACY)))
    rc, items = findings(path)
    assert (rc, [(f["cell"], f["code"]) for f in items]) == (1, [(3, "KF112")])


def test_broken_cell_reported_alone(tmp_path):
    py2 = "y = ("
    path = write(tmp_path / "nb.ipynb", notebook(code(IMPORTS, 1), code(py2, 2), code(LEGACY, 3)))
    rc, items = findings(path)
    assert rc == 3  # a cell could not be analysed
    assert [(f["cell"], f["line"], f["code"]) for f in items] == [(2, 1, "KF000"), (3, 2, "KF112")]
    assert items[0]["message"].startswith("cannot parse cell") and "[In 2]" in items[0]["message"]


def test_coding_cookie_in_a_cell_is_ignored(tmp_path):
    first = "# -*- coding: latin-1 -*-\n" + IMPORTS
    path = write(tmp_path / "nb.ipynb", notebook(code(first), code(LEGACY + "  # é")))
    assert invoke("fix", path).exit_code == 0
    assert json.loads(path.read_text(encoding="utf-8"))["cells"][1]["source"][1] == (
        "layer = Conv2D(32, (3, 3), padding='same')  # é")


def test_fix_rewrites_only_changed_source_strings(tmp_path):
    magic = "%matplotlib inline\n" + IMPORTS
    path = write(tmp_path / "nb.ipynb", notebook(code(magic, 1), markdown("# Model é\n"),
                                                 code(LEGACY, 7, [OUTPUT])))
    original = path.read_text(encoding="utf-8")
    result = invoke("fix", path)
    assert result.exit_code == 0, result.output
    dump = json.dumps
    expected = (original
                .replace(dump("from keras.layers import Convolution2D, Dense"),
                         dump("from keras.layers import Conv2D, Dense"))
                .replace(dump("layer = Convolution2D(32, 3, 3, border_mode='same')"),
                         dump("layer = Conv2D(32, (3, 3), padding='same')")))
    assert expected != original
    assert path.read_text(encoding="utf-8") == expected  # outputs, metadata, é, order kept
    again = invoke("fix", path)
    assert again.exit_code == 0 and path.read_text(encoding="utf-8") == expected
    assert invoke("check", path).exit_code == 0


def test_fix_keeps_a_string_source_and_trailing_newline_state(tmp_path):
    nb = notebook(code(IMPORTS + "\n", 1), code(LEGACY, 2))
    nb["cells"][1]["source"] = LEGACY  # nbformat also allows one string
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb, indent=2), encoding="utf-8")  # no trailing newline
    assert invoke("fix", path).exit_code == 0
    nb["cells"][0]["source"][1] = "from keras.layers import Conv2D, Dense\n"
    nb["cells"][1]["source"] = FIXED
    assert path.read_text(encoding="utf-8") == json.dumps(nb, indent=2)


def test_rewrite_handles_a_changed_line_count():
    nb = notebook(code("a\nb", 1, [OUTPUT]), code("", 2))
    text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    changes = {0: (nb["cells"][0]["source"], ["a\n", "b\n", "c"]), 1: ([], ["x"])}
    out = rewrite(text, locate(text), changes)
    nb["cells"][0]["source"] = ["a\n", "b\n", "c"]
    nb["cells"][1]["source"] = ["x"]
    assert out == json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def test_invalid_json_is_kf000_and_untouched(tmp_path):
    path = tmp_path / "bad.ipynb"
    path.write_text('{"cells": [\n  {"cell_type": "code",\n}', encoding="utf-8")
    before = path.read_bytes()
    result = invoke("fix", "--output-format", "concise", path)
    assert result.exit_code == 3
    assert f"{path}:3:1: KF000 invalid notebook JSON" in result.output
    assert path.read_bytes() == before


def test_physical_line_in_sarif_and_github(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = basic(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    source_line = json.dumps("layer = Convolution2D(32, 3, 3, border_mode='same')")
    sarif = json.loads(invoke("check", "--output-format", "sarif", "nb.ipynb").output)
    result = sarif["runs"][0]["results"][0]
    assert result["properties"] == {"cell": 3, "cellLine": 2, "cellColumn": 9}
    row = result["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert lines[row - 1].strip() == source_line
    github = invoke("check", "--output-format", "github", "nb.ipynb").output
    assert f"file=nb.ipynb,line={row},endLine={row}," in github


def test_folder_discovery_and_no_notebooks(tmp_path):
    basic(tmp_path)
    (tmp_path / "clean.py").write_text("x = 1\n")
    assert invoke("check", tmp_path).exit_code == 1
    assert invoke("check", "--no-notebooks", tmp_path).exit_code == 0
    assert invoke("check", "--no-notebooks", tmp_path / "nb.ipynb").exit_code == 1  # named


def test_non_python_kernel_is_skipped(tmp_path):
    nb = notebook(code(IMPORTS), code(LEGACY))
    nb["metadata"] = {"kernelspec": {"language": "R", "name": "ir"}}
    assert invoke("check", write(tmp_path / "r.ipynb", nb)).exit_code == 0


def test_fixture_notebook_fixes_idempotently(tmp_path):
    path = tmp_path / FIXTURE.name
    shutil.copy(FIXTURE, path)
    rc, items = findings(path)
    assert rc == 1 and {f["code"] for f in items} >= {"KF112", "KF101"}
    assert all(f["cell"] for f in items)
    before = path.read_text(encoding="utf-8")
    assert invoke("fix", path).exit_code == 0
    after = path.read_text(encoding="utf-8")
    assert "!pip install keras==1.2.2" in after and "%matplotlib inline" in after
    assert '"%%time\\n"' in after
    # the layers, fit(nb_epoch=), np_utils and the Keras 1 Adadelta default (one import more)
    assert len(after.splitlines()) == len(before.splitlines()) + 1
    for fixed in ("Conv2D(32, (3, 3))", "epochs=12", "from keras import utils as np_utils",
                  "optimizer=Adadelta(learning_rate=1.0)", "kernel_initializer='glorot_uniform'"):
        assert fixed in after
    assert invoke("fix", path).exit_code == 0 and path.read_text(encoding="utf-8") == after
