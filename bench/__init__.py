"""Benchmarks and sweeps (run as scripts: `python bench/NAME.py`); a package so that tests can
import their logic (tests/test_corpus_sweep.py runs bench/corpus_sweep.py on a sample)."""
