"""The `check` cache (spec 6.11): same output cold and warm, invalidated by edits and
settings, never written by --no-cache / fix, robust to corrupt entries."""

from __future__ import annotations

import json
import threading

import pytest
from click.testing import CliRunner

import kerasfix.engine
from kerasfix import cache
from kerasfix.cli import main

LEGACY = 'from keras.layers import Dense\nlayer = Dense(10, init="uniform")\n'
NOTEBOOK = json.dumps({
    "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
               "source": ["from keras.layers import Dense\n", 'Dense(10, init="uniform")\n']}],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("KERASFIX_NO_CACHE", raising=False)
    monkeypatch.delenv("KERASFIX_CACHE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(LEGACY)
    (tmp_path / "b.py").write_text("import keras\nmodel.fit(x, y, nb_epoch=2)\n")
    (tmp_path / "nb.ipynb").write_text(NOTEBOOK)
    return tmp_path


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def entries(root):
    return sorted(p for p in (root / ".kerasfix_cache").rglob("*.json"))


def no_engine(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("the engine ran on a warm cache")
    monkeypatch.setattr(kerasfix.engine, "run_source", refuse)
    monkeypatch.setattr("kerasfix.runner.run_source", refuse)
    monkeypatch.setattr("kerasfix.notebooks.run_notebook", refuse)


@pytest.mark.parametrize("fmt", ["text", "json", "concise"])
def test_warm_output_is_identical_and_skips_the_engine(project, monkeypatch, fmt):
    cold = run("check", ".", "-j1", "--output-format", fmt)
    assert cold[0] == 1
    assert len(entries(project)) == 3
    no_engine(monkeypatch)
    assert run("check", ".", "-j1", "--output-format", fmt) == cold


def test_cache_root_is_tagged_and_ignored_by_git(project):
    run("check", "a.py")
    root = project / ".kerasfix_cache"
    assert (root / "CACHEDIR.TAG").read_text().startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")
    assert (root / ".gitignore").read_text().splitlines()[-1] == "*"
    (entry,) = entries(project)
    assert entry.relative_to(root).parts[0].startswith(kerasfix.__version__)
    assert len(entry.relative_to(root).parts) == 3


def test_editing_the_file_invalidates(project, monkeypatch):
    run("check", "a.py")
    (project / "a.py").write_text(LEGACY + 'other = Dense(3, init="zero")\n')
    code, out = run("check", "a.py", "--output-format", "concise")
    assert out.count("KF101") == 2
    assert len(entries(project)) == 2


@pytest.mark.parametrize("option", [["--select", "KF2"], ["--from", "keras1"],
                                    ["--unsafe-fixes"], ["--ignore", "KF101"]])
def test_settings_select_their_own_entries(project, option):
    default = run("check", "a.py", "--output-format", "json")
    run("check", "a.py", *option)
    assert len(entries(project)) == 2
    # ... and switching back gives the original answer
    assert run("check", "a.py", "--output-format", "json") == default


def test_selection_changes_results_through_the_cache(project):
    assert run("check", "a.py")[0] == 1
    assert run("check", "a.py", "--ignore", "KF101")[0] == 0
    assert run("check", "a.py")[0] == 1


def test_no_cache_and_fix_write_nothing(project):
    run("check", ".", "--no-cache")
    run("fix", "--diff", ".")
    run("check", "--add-suppressions", "--no-cache", ".")
    assert not (project / ".kerasfix_cache").exists()
    run("fix", ".")
    assert not (project / ".kerasfix_cache").exists()


def test_no_cache_does_not_read(project, monkeypatch):
    run("check", "a.py")
    no_engine(monkeypatch)
    assert run("check", "a.py")[0] == 1
    code, out = run("check", "a.py", "--no-cache")
    assert code == 2  # the engine was called (and refused: an internal error)


def test_cache_dir_option_and_config(project):
    run("check", "a.py", "--cache-dir", "elsewhere")
    assert (project / "elsewhere" / "CACHEDIR.TAG").is_file()
    assert not (project / ".kerasfix_cache").exists()
    (project / "kerasfix.toml").write_text('cache-dir = "fromconfig"\n')
    run("check", "a.py")
    assert (project / "fromconfig" / "CACHEDIR.TAG").is_file()


def test_corrupt_entries_are_recomputed(project):
    cold = run("check", ".", "-j1")
    for i, entry in enumerate(entries(project)):
        entry.write_text(["", "{not json", '{"findings": [{"span": 3}]}'][i % 3])
    assert run("check", ".", "-j1") == cold
    assert run("check", ".", "-j1") == cold  # the entries were rewritten


def test_unreadable_cache_is_not_an_error(project):
    (project / "blocked").write_text("a file where the cache folder should be")
    cold = run("check", "a.py", "--no-cache")
    assert run("check", "a.py", "--cache-dir", "blocked/sub") == cold


def test_files_not_analysed_are_not_cached(project):
    (project / "bad.py").write_bytes(b'import keras\nx = "\xff"\n')
    code, _ = run("check", "bad.py")
    assert code == 3
    assert entries(project) == []


def test_internal_errors_are_not_cached(project, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("bug")
    monkeypatch.setattr(kerasfix.engine, "run_source", boom)
    monkeypatch.setattr("kerasfix.runner.run_source", boom)
    assert run("check", "a.py")[0] == 2
    assert entries(project) == []


def test_rule_tables_are_part_of_the_key(monkeypatch, tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "evidence.toml").write_text("# a\n")
    monkeypatch.setattr("kerasfix.migrate.loader.rules_dir", lambda: rules)
    cache.tool_hash.cache_clear()
    first = cache.tool_hash()
    (rules / "evidence.toml").write_text("# b\n")
    cache.tool_hash.cache_clear()
    try:
        assert cache.tool_hash() != first
    finally:
        cache.tool_hash.cache_clear()


def test_concurrent_writers_leave_valid_entries(project):
    from kerasfix.diagnostics import Finding, Fix, Span

    findings = [Finding(Span(1, 2, 3, 4), "KF101", "m", "error", Fix("safe", "x"), None,
                        cell=2, physical_line=7)]
    entry = project / "c" / "v" / "s" / "h.json"
    threads = [threading.Thread(target=cache.store, args=(str(project / "c"), entry, findings))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.load(entry) == findings
    assert [p.name for p in entry.parent.iterdir()] == ["h.json"]  # no temporary left


def test_pre_commit_runs_one_process(project, monkeypatch):
    seen = []
    import kerasfix.runner

    real = kerasfix.runner.run_all
    monkeypatch.setattr(kerasfix.runner, "run_all",
                        lambda *a, **k: seen.append(k["jobs"]) or real(*a, **k))
    monkeypatch.setenv("PRE_COMMIT", "1")
    run("check", ".", "--no-cache")
    run("check", ".", "--no-cache", "-j", "3")
    assert seen == [1, 3]
