"""The wheel carries rules/ (as kerasfix/_rules) and kerasfix finds it there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_the_rule_tables(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    [wheel] = tmp_path.glob("kerasfix-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n.split("/")[-1] for n in names if n.startswith("kerasfix/_rules/")}
    assert shipped >= {p.name for p in (ROOT / "rules").glob("*.toml")}
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    probe = ("from kerasfix.migrate.loader import load_rules, rules_dir\n"
             "print(rules_dir(), len(load_rules().layers))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": ""})
    assert out.returncode == 0, out.stderr
    where, count = out.stdout.split()
    assert where.endswith("kerasfix/_rules") and int(count) > 30
