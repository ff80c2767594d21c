"""Faults: a run killed part way, files that vanish, symlinks, a killed run's leftovers.

Read-only files (reported as ``cannot write``, not fatal) are covered in
tests/test_files.py: test_read_only_file_is_reported_and_left_alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click.testing
import pytest

import asyncfix.cli
from asyncfix import fix_source
from asyncfix.files import TEMPORARY, Discovery
from asyncfix.model import FileResult, Settings
from asyncfix import runner
from asyncfix.runner import Job, run_all
from cli_helpers import AFTER, BEFORE, write
from cli_helpers import run as run_cli

pytestmark = pytest.mark.usefixtures("in_tmp")

ORIGINAL = "import time\nasync def f():\n    time.sleep(1)\n"
FILES = 300


def run(*args: str) -> click.testing.Result:
    return run_cli("--jobs", "1", *args)


# -- killed part way ------------------------------------------------------------------


def many_files(count: int = FILES) -> list[Path]:
    paths = [write(f"pkg/m{n:03}.py", ORIGINAL) for n in range(count)]
    return paths


def wait_for_writes(paths: list[Path], at_least: int, process: subprocess.Popen[bytes]) -> int:
    """Poll until ``at_least`` files are no longer the original (or the run ends)."""
    original = ORIGINAL.encode()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        done = sum(1 for p in paths if p.read_bytes() != original)
        if done >= at_least:
            return done
        time.sleep(0.01)
    raise AssertionError(f"the run ended (or stalled) before {at_least} files were written")


@pytest.mark.parametrize("kill_after", [1, 40], ids=["after the first write", "after 40 writes"])
def test_a_killed_run_leaves_every_file_old_or_new_never_half(kill_after: int, in_tmp: Path) -> None:
    paths = many_files()
    fixed = fix_source(ORIGINAL).source.encode()
    assert fixed != ORIGINAL.encode() and b"await asyncio.sleep(1)" in fixed
    process = subprocess.Popen(
        [sys.executable, "-m", "asyncfix", "--jobs", "2", "pkg"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the workers die with it
    )
    try:
        wait_for_writes(paths, kill_after, process)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    time.sleep(0.2)  # nothing may still be writing
    contents = {p: p.read_bytes() for p in paths}
    half = [p.name for p, data in contents.items() if data not in (ORIGINAL.encode(), fixed)]
    assert half == []
    new = sum(1 for data in contents.values() if data == fixed)
    assert kill_after <= new < FILES  # killed part way
    # Anything else in the folder is a temporary file the writer names so
    # that it is recognisable, and that discovery never takes for code.
    others = sorted(set(os.listdir("pkg")) - {p.name for p in paths})
    assert [name for name in others if not TEMPORARY.match(name)] == []
    assert not any(name.endswith(".py") for name in others)
    # The next in-place run removes them (--select: nothing else to do here).
    after = run("--select", "ASYNC210", "pkg")
    assert after.exit_code == 0
    assert sorted(set(os.listdir("pkg")) - {p.name for p in paths}) == []
    assert after.stderr.count("removed pkg/") == len(others)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def test_leftovers_of_a_dead_writer_are_removed_by_the_next_in_place_run() -> None:
    write("a.py", BEFORE)
    stale = write(f".a.py.{dead_pid()}.k3x9_q2z.asyncfix", "half a file")
    live = write(f".a.py.{os.getpid()}.abcdefgh.asyncfix", "being written right now")
    other = write(".a.py.notapid.abcdefgh.asyncfix", "not ours")
    result = run(".")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"removed {stale.name} (left by an interrupted run)",
        "fixed a.py (1)",
    ]
    assert not stale.exists()
    assert live.exists() and other.exists()
    assert Path("a.py").read_text() == AFTER


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_leftovers_of_a_writer_that_ended_but_is_not_reaped_yet_are_removed() -> None:
    # A killed run's workers are orphans; until the system reaps them they are
    # zombies, and os.kill(pid, 0) still finds them.
    write("a.py", BEFORE)
    zombie = subprocess.Popen([sys.executable, "-c", ""])
    try:
        deadline = time.monotonic() + 30
        while Path(f"/proc/{zombie.pid}/stat").read_bytes().rsplit(b")", 1)[1][1:2] != b"Z":
            assert time.monotonic() < deadline, "the child did not end"
            time.sleep(0.01)
        os.kill(zombie.pid, 0)  # still there, as far as signals go
        stale = write(f".a.py.{zombie.pid}.k3x9_q2z.asyncfix", "half a file")
        result = run(".")
    finally:
        zombie.wait()
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"removed {stale.name} (left by an interrupted run)",
        "fixed a.py (1)",
    ]
    assert not stale.exists()


def test_leftovers_are_not_removed_by_check_or_diff_and_never_fixed() -> None:
    write("a.py", BEFORE)
    stale = write(f".a.py.{dead_pid()}.k3x9_q2z.asyncfix", BEFORE)
    for mode in ("--check", "--diff"):
        result = run(mode, ".")
        assert "removed" not in result.stderr
        assert ".asyncfix" not in result.stdout + result.stderr
    assert stale.read_text() == BEFORE


# -- a file that vanishes -------------------------------------------------------------


def test_a_file_deleted_between_discovery_and_reading_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("a.py", "b.py", "c.py"):
        write(name)
    discover = Discovery.files

    def then_delete(self: Discovery, paths: list[Path]) -> list[Path]:
        found = discover(self, paths)
        Path("b.py").unlink()
        return found

    monkeypatch.setattr(asyncfix.cli.Discovery, "files", then_delete)
    result = run(".")
    assert result.exit_code == 123
    assert result.stderr.splitlines() == [
        "fixed a.py (1)",
        "b.py: cannot read: No such file or directory",
        "fixed c.py (1)",
        "Fixed 2 calls in 2 files; 1 file could not be processed.",
    ]
    assert Path("a.py").read_text() == Path("c.py").read_text() == AFTER


def test_run_all_reports_a_missing_path_and_goes_on() -> None:
    write("a.py")
    jobs = [Job("gone.py", "gone.py", write=True, diff=False), Job("a.py", "a.py", write=True, diff=False)]
    gone, fixed = list(run_all(jobs, Settings(), workers=1))
    assert gone == FileResult("gone.py", error="cannot read: No such file or directory")
    assert fixed.written and Path("a.py").read_text() == AFTER


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_run_all_in_workers_gives_what_one_process_gives(cached: bool, in_tmp: Path) -> None:
    # Without a cache the workers read the files and run every stage; with
    # one, the main process reads, replays or sends the survivors.  Either
    # way: the same results, in the jobs' order, over several tasks.
    from asyncfix.cache import Cache

    names = []
    assert 69 > 2 * runner.PATHS_PER_TASK  # several tasks
    for n in range(69):
        name = f"m{n:03}.py"
        write(name, BEFORE if n % 7 == 0 else "x = 1\n" if n % 2 else "async def f():\n    open('x')\n")
        names.append(name)
    names.insert(40, "gone.py")
    jobs = [Job(name, name, write=False, diff=True) for name in names]
    alone = list(run_all(jobs, Settings(), workers=1))
    cache = Cache.open(in_tmp / "cache", Settings()) if cached else None
    together = list(run_all(jobs, Settings(), workers=2, cache=cache))
    assert together == alone
    assert [r.path for r in alone] == names
    assert alone[40].error == "cannot read: No such file or directory"
    assert sum(r.changed for r in alone) == 10 and sum(bool(r.findings) for r in alone) == 30


# -- symlinks -------------------------------------------------------------------------


def test_a_symlink_to_a_file_outside_the_project_is_skipped_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = write("outside/x.py").resolve()
    write("project/pyproject.toml", "")
    write("project/a.py")
    Path("project/link.py").symlink_to(outside)
    monkeypatch.chdir(tmp_path / "project")
    result = run("-v", ".")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"skipped link.py (symlink out of {tmp_path / 'project'})",
        "fixed a.py (1)",
        "Fixed 1 call in 1 file.",
    ]
    assert outside.read_text() == BEFORE
    assert Path("link.py").is_symlink()


def test_a_symlink_to_a_file_inside_is_fixed_once_under_the_real_name() -> None:
    write("real.py")
    Path("a_link.py").symlink_to("real.py")  # sorts first, still not the one kept
    result = run("-v", ".")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "skipped a_link.py (the same file as another path)",
        "fixed real.py (1)",
        "Fixed 1 call in 1 file.",
    ]
    assert Path("real.py").read_text() == AFTER
    assert Path("a_link.py").is_symlink()


def test_two_symlinks_to_one_file_outside_any_walk_are_fixed_once() -> None:
    write("lib/real.txt")  # not a .py file: found only through the links
    Path("one.py").symlink_to("lib/real.txt")
    Path("two.py").symlink_to("lib/real.txt")
    result = run(".")
    assert result.stderr.splitlines() == ["fixed one.py (1)", "Fixed 1 call in 1 file."]
    assert Path("lib/real.txt").read_text() == AFTER


def test_a_file_named_twice_through_a_link_is_fixed_once() -> None:
    write("real.py")
    Path("link.py").symlink_to("real.py")
    result = run("link.py", "real.py")
    assert result.stderr.splitlines() == ["fixed real.py (1)", "Fixed 1 call in 1 file."]
