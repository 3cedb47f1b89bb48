"""Ctrl-C (and SIGTERM) during `kerasfix fix` on a large tree (issue 6, part 4).

An interrupted run must leave every file either as it was or completely fixed (never half
written), no temporary file, no worker process, one line on stderr and exit code 130 (143
for SIGTERM), not click's "Aborted!" with exit code 1, which means "findings remain".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kerasfix import files
from kerasfix.files import write_atomic

FILES = 2000
VARIANTS = 4


def legacy(variant: int) -> bytes:
    calls = "".join(f"c{j} = Convolution2D({j + 1}, 3, 3, border_mode='same', init='he_normal')\n"
                    for j in range(8 + variant))
    return f"from keras.layers import Convolution2D\n{calls}".encode()


def kerasfix_popen(*args) -> subprocess.Popen:
    # Its own process group, as a shell gives a foreground job: Ctrl-C in a terminal sends
    # SIGINT to the whole group, kerasfix and its workers. SIGINT back to the default, in
    # case these tests run where it is ignored (a background job), as Python then would too.
    return subprocess.Popen([sys.executable, "-m", "kerasfix", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[bytes, bytes]:
    """What a complete `kerasfix fix` makes of each variant."""
    folder = tmp_path_factory.mktemp("reference")
    for v in range(VARIANTS):
        (folder / f"v{v}.py").write_bytes(legacy(v))
    done = subprocess.run([sys.executable, "-m", "kerasfix", "fix", folder],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout
    out = {legacy(v): (folder / f"v{v}.py").read_bytes() for v in range(VARIANTS)}
    assert all(before != after for before, after in out.items())
    return out


def tree(root: Path) -> dict[Path, bytes]:
    root.mkdir()
    made = {}
    for i in range(FILES):
        path = root / f"m{i:04d}.py"
        made[path] = legacy(i % VARIANTS)
        path.write_bytes(made[path])
    return made


def interrupt(proc: subprocess.Popen, first: Path, signum: int, group: bool) -> None:
    """Once kerasfix has written its first file, and a little more, send the signal."""
    original = first.read_bytes()
    deadline = time.monotonic() + 60
    while first.read_bytes() == original:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "kerasfix wrote nothing in 60 s"
        time.sleep(0.02)
    time.sleep(0.3)
    assert proc.poll() is None, "kerasfix finished before it could be interrupted"
    if group:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)


def assert_nothing_half_done(made: dict[Path, bytes], reference: dict[bytes, bytes],
                             root: Path, proc: subprocess.Popen) -> None:
    fixed = unchanged = 0
    for path, before in made.items():
        now = path.read_bytes()
        assert now in (before, reference[before]), f"{path} is neither original nor fixed"
        fixed += now != before
        unchanged += now == before
    assert fixed and unchanged  # it was interrupted in the middle
    assert sorted(p.name for p in root.iterdir()) == sorted(p.name for p in made)
    assert not list(root.rglob(f"{files.TEMP_PREFIX}*"))
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):  # no worker left behind in its process group
        os.killpg(proc.pid, 0)


@pytest.mark.parametrize("jobs, group", [(2, True), (2, False), (1, True)],
                         ids=["workers-ctrl-c", "workers-sigint-to-main", "serial-ctrl-c"])
def test_ctrl_c_leaves_each_file_original_or_fixed(tmp_path, reference, jobs, group):
    root = tmp_path / "repo"
    made = tree(root)
    proc = kerasfix_popen("fix", "-j", jobs, root)
    interrupt(proc, root / "m0000.py", signal.SIGINT, group)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert err.splitlines() == [
        "kerasfix: interrupted; no file was left half-written: each is either unchanged or "
        "completely fixed (run `kerasfix fix` again to finish)"]
    assert_nothing_half_done(made, reference, root, proc)
    # and the next run finishes the job (on a part of the tree, to keep the test short)
    rest = sorted(p for p, before in made.items() if p.read_bytes() == before)[:8]
    done = subprocess.run([sys.executable, "-m", "kerasfix", "fix", *rest],
                          capture_output=True, timeout=120)
    assert done.returncode == 0 and all(p.read_bytes() == reference[made[p]] for p in rest)


def test_sigterm_is_handled_like_ctrl_c(tmp_path, reference):
    root = tmp_path / "repo"
    made = tree(root)
    proc = kerasfix_popen("fix", "-j", 2, root)
    interrupt(proc, root / "m0000.py", signal.SIGTERM, group=False)  # a CI job cancelled
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, (out, err)
    assert err.splitlines() == [
        "kerasfix: terminated; no file was left half-written: each is either unchanged or "
        "completely fixed (run `kerasfix fix` again to finish)"]
    assert_nothing_half_done(made, reference, root, proc)


def test_ctrl_c_during_check(tmp_path):
    root = tmp_path / "repo"
    made = tree(root)
    proc = kerasfix_popen("check", "--no-cache", "-j", 2, root)
    time.sleep(1.5)
    assert proc.poll() is None
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert err.splitlines() == ["kerasfix: interrupted"]
    assert all(path.read_bytes() == before for path, before in made.items())


def test_a_write_finishes_before_ctrl_c_takes_effect(tmp_path, monkeypatch):
    """Ctrl-C in the middle of a write (here: just before the temporary file replaces the
    original) is held until the write is complete: the new file, no temporary file."""
    path = tmp_path / "m.py"
    path.write_bytes(b"old\n")
    real_replace = os.replace
    seen = []

    def replace_after_ctrl_c(src, dst):
        signal.raise_signal(signal.SIGINT)  # the handler runs before the next bytecode
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_after_ctrl_c)
    handler = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_atomic(str(path), b"new\n", expected=b"old\n")
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
    finally:
        signal.signal(signal.SIGINT, handler)
    assert path.read_bytes() == b"new\n"
    assert len(seen[0]) == 2  # the interrupt came while the temporary file existed
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]
